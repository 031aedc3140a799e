"""Issue 15, findings 2 and 6, in the browser: a teacher sees a refused upload next to the upload control (in view),
autosave turning the part's "Empty" into its real state, one error summary for a failed submit, and a revoked MC on
"My MCs" shown as Revoked — at desktop (1280 px) and phone (390 px) width, axe-clean."""
import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize("width", [1280, 390])
def test_teacher_sees_feedback_where_it_belongs(page, world, published, publish_mc, width, settings, tmp_path):
    from microcred.credentials import services as credentials
    from microcred.credentials.tests.conftest import earn
    from microcred.earning import services

    settings.MEDIA_ROOT = tmp_path / "media"
    earner = world["people"]["earner"]
    attempt = services.start_attempt(earner=earner, micro_credential=published.micro_credential)
    part1 = attempt.version.parts.get(position=1)
    part2 = attempt.version.parts.get(position=2)
    upload_prompt = part2.prompts.get()
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, "earner", "pw-earner-123")
    page.goto(f"/earn/attempts/{attempt.pk}/")
    assert_accessible(page, "attempt page")

    # A refused file: the message is next to the upload control, and in view.
    fake = tmp_path / "lesson.mp4"
    fake.write_bytes(b"<!doctype html><html><script>alert(1)</script></html>")
    section = page.locator("#part-2")
    section.locator("input[type=file]").set_input_files(str(fake))
    section.get_by_role("button", name="Upload", exact=True).click()
    message = page.locator(f"#upload-result-{upload_prompt.pk}")
    expect(message).to_contain_text("File not added")
    expect(message).to_have_attribute("role", "alert")
    expect(message).to_be_in_viewport()
    expect(page.locator("ul.messages")).to_have_count(0)
    assert_accessible(page, "attempt page after a refused upload")

    # Autosave: "Saved" is announced, and the part's badge stops saying "Empty" without a reload.
    badge = page.locator(f"#part-state-{part1.pk}")
    expect(badge).to_have_text("Empty")
    first = page.locator("#part-1 .prompt").first
    first.locator("textarea").fill("I paused at three planned points and regrouped five students.")
    first.locator("textarea").press("Tab")
    expect(first.locator(".status")).to_have_text("Saved")
    expect(first.locator(".status")).to_have_attribute("role", "status")
    expect(badge).not_to_have_text("Empty")
    expect(badge).to_have_text("Complete" if part1.prompts.count() == 1 else "Started")

    # A failed submit: one error summary with a heading, linking to the parts still missing something.
    page.locator("#privacy").check()
    page.get_by_role("button", name="Submit", exact=True).click()
    summary = page.locator("#error-summary")
    expect(summary.get_by_role("heading", level=2)).to_contain_text("Not submitted")
    expect(summary.locator('a[href="#part-2"]').first).to_be_visible()
    expect(page.locator("#error-summary")).to_have_count(1)
    expect(summary).to_be_in_viewport()
    assert_accessible(page, "attempt page after a failed submit")
    summary.locator('a[href="#part-2"]').first.click()
    expect(page.locator("#part-2")).to_be_in_viewport()

    # A revoked MC on "My MCs": Revoked with its reason, never "Earned ✓".
    other = publish_mc(title="Questioning for deeper thinking")
    issued = credentials.issue_for_attempt(earn(world, other))
    credentials.revoke(issued, by=world["people"]["issuer_admin"], reason="Evidence was not the teacher's own.")
    page.goto("/earn/")
    row = page.locator(f"#earned-{issued.attempt_id}")
    expect(row).to_contain_text("Revoked")
    expect(row).to_contain_text("Evidence was not the teacher's own.")
    expect(row).not_to_contain_text("Earned ✓")
    expect(page.locator("#unread-count")).to_be_visible()
    assert_accessible(page, "My MCs with a revoked credential")


@pytest.mark.parametrize("width", [1280, 390])
def test_catalog_search_shows_loading_and_keeps_a_filter_ticked_while_results_load(page, world, published, width,
                                                                                    monkeypatch):
    import time

    from microcred.catalog import selectors, views

    real = selectors.search_catalog

    def slow(**kwargs):  # the live server runs in this process: every search takes a second
        time.sleep(1.0)
        return real(**kwargs)

    monkeypatch.setattr(views.selectors, "search_catalog", slow)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/catalog/")
    boxes = page.locator("aside.facets input[type=checkbox]")
    assert boxes.count() >= 2
    first_value, second_value = boxes.nth(0).get_attribute("value"), boxes.nth(1).get_attribute("value")
    boxes.nth(0).check()
    expect(page.locator("#catalog-loading")).to_be_visible()  # a loading state while results come
    page.locator(f'aside.facets input[value="{second_value}"]').check()  # ticked while the first search loads
    expect(page.locator("#catalog-loading")).to_be_hidden(timeout=15_000)
    page.wait_for_timeout(300)
    expect(page.locator(f'aside.facets input[value="{first_value}"]')).to_be_checked()
    expect(page.locator(f'aside.facets input[value="{second_value}"]')).to_be_checked()
    assert_accessible(page, "catalog after filtering")
