"""An earner picks a recommended MC, answers in writing, uploads a video, submits, reads "not yet" feedback,
revises and resubmits — in headless Chromium against the demo world."""
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MP4 = (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00\x00\x00\x08free"
       + (8 + 4096).to_bytes(4, "big") + b"mdat" + b"\x00" * 4096 + b"\x00\x00\x00\x08moov")


@pytest.fixture
def demo_world(seeded_demo):
    """The seeded demo world (seeded once per run, see the root conftest.py)."""


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def fill_every_prompt(page, video_path):
    """Answer each open prompt the way a person would: type, pick, or upload."""
    prompts = page.locator("section.part .prompt")
    i = 0
    while i < prompts.count():
        prompt = prompts.nth(i)
        if prompt.locator("textarea").count():
            prompt.locator("textarea").fill("In my class of 24, I paused at three planned points and regrouped five students.")
            prompt.locator("textarea").press("Tab")
            expect(prompt.locator(".status")).to_have_text("Saved")
        elif prompt.locator("input[type=radio]").count():
            prompt.locator("input[type=radio]").first.check()
            expect(prompt.locator(".status")).to_have_text("Saved")
        elif prompt.locator("input[type=file]").count() and not prompt.get_by_text("lesson.mp4").count():
            prompt.locator("input[type=file]").set_input_files(str(video_path))
            prompt.get_by_role("button", name="Upload").click()
            expect(page.get_by_text("Added “lesson.mp4”")).to_be_visible()
            prompts = page.locator("section.part .prompt")  # the page reloaded
        i += 1


def test_earner_submits_reads_not_yet_feedback_revises_and_resubmits(page, demo_world, tmp_path, settings):
    from microcred.demo.content import PEOPLE
    from microcred.earning import services
    from microcred.earning.models import Attempt
    from microcred.earning.tests.factories import levels_for

    settings.MEDIA_ROOT = tmp_path / "media"
    video = tmp_path / "lesson.mp4"
    video.write_bytes(MP4)
    teacher = next(p for p in PEOPLE if p["username"] == "teacher")
    log_in(page, teacher["username"], teacher["password"])

    page.goto("/earn/")
    card = page.locator("#recommended article").first
    title = card.locator("h3").inner_text()
    expect(card.locator("li").first).to_be_visible()  # each recommendation says why
    card.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)

    fill_every_prompt(page, video)
    page.get_by_label("I confirm my evidence shows no names").check()
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_text("Submitted. Your evidence is locked")).to_be_visible()
    expect(page.locator("#attempt-state")).to_have_text("Submitted")

    # The assessment step (its own issue) decides "not yet" on the last part, with feedback.
    attempt = Attempt.objects.get(earner__username="teacher", version__title=title)
    last = attempt.version.parts.order_by("-position").first()
    services.record_decision(submission=attempt.submissions.get(), by=None, levels=levels_for(attempt, failing_parts=(last.position,)),
                             part_feedback={last.pk: "Name one specific change you will make next week, and why."})

    page.goto("/earn/")
    expect(page.locator("#not-yet")).to_contain_text("Name one specific change you will make next week")
    page.locator("#not-yet article", has_text=title).get_by_role("link", name="Read feedback and revise").click()
    expect(page.locator("#attempt-state")).to_contain_text("Not yet")
    expect(page.get_by_text("passed earlier and is kept as it was").first).to_be_visible()
    revised = page.locator(f"#part-{last.position} textarea").first
    revised.fill("Next week I will add a hinge question before independent practice, because three students were lost.")
    revised.press("Tab")
    expect(page.locator(f"#part-{last.position} .status").first).to_have_text("Saved")
    page.get_by_label("Note to the assessor").fill("I made my next step specific in Part 3.")
    page.get_by_role("button", name="Resubmit").click()
    expect(page.get_by_text("Submitted. Your evidence is locked")).to_be_visible()
    attempt.refresh_from_db()
    assert attempt.submissions.count() == 2 and attempt.state == "submitted"
