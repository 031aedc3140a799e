"""An assessor takes the next item from their queue, scores it blind with one criterion under the bar and writes
feedback; the earner then reads that "not yet" feedback on their attempt — in headless Chromium."""
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FEEDBACK = "Show the moment in the video where you changed course after the hinge question."


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture
def submitted_work(world, published):
    """A published MC (single scoring), one certified assessor with a password, and the earner's submission."""
    from microcred.assessment import services
    from microcred.assessment.models import ScoringPolicy
    from microcred.assessment.tests.factories import certified_pool, submitted

    mc = published.micro_credential
    ScoringPolicy.objects.update_or_create(micro_credential=mc, defaults={"calibration_period": 0, "random_double_rate": 0,
                                                                          "conditional_double": False})
    (assessor,) = certified_pool(world, mc, n=1, senior=(0,))
    submission = submitted(world["people"]["earner"], mc)
    services.open_review(submission=submission)  # idempotent: the submit event may already have opened it
    return {"mc": mc, "assessor": assessor, "submission": submission}


def test_assessor_scores_not_yet_and_the_earner_reads_the_feedback(page, world, submitted_work):
    from microcred.assessment.models import Review

    title = submitted_work["mc"].current_version.title
    log_in(page, submitted_work["assessor"].username, "a-long-password-1")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Assess", exact=True).click()
    expect(page.get_by_role("heading", name="My assessment queue")).to_be_visible()
    page.get_by_role("button", name="Score next item").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("#item-role")).to_have_text("First")
    expect(page.get_by_text("earner", exact=True)).to_have_count(0)

    # Every criterion at the top level, except one in part 2 at the lowest: a "not yet".
    parts = page.locator("section.part")
    for i in range(parts.count()):
        rows = parts.nth(i).locator("tr.criterion")
        for j in range(rows.count()):
            radios = rows.nth(j).locator("input[type=radio]")
            (radios.first if (i, j) == (1, 0) else radios.last).check()
    page.locator("#part-2 tr.criterion").first.locator("textarea").fill("The clip ends before students respond.")
    page.get_by_label("Feedback on part 2").fill(FEEDBACK)
    page.get_by_role("button", name="Submit scores").click()
    expect(page.get_by_text("Scores saved")).to_be_visible()
    assert Review.objects.get(submission=submitted_work["submission"]).final_result == "not_yet"

    page.get_by_role("button", name="Log out").click()
    log_in(page, "earner", "pw-earner-123")
    page.goto("/earn/")
    page.locator("#not-yet article", has_text=title).get_by_role("link", name="Read feedback and revise").click()
    expect(page.locator("#attempt-state")).to_contain_text("Not yet")
    expect(page.get_by_text(FEEDBACK)).to_be_visible()
    expect(page.get_by_text("The clip ends before students respond.")).to_be_visible()
    expect(page.get_by_text(submitted_work["assessor"].username)).to_have_count(0)
