"""Quality review end to end (issue 16): the issuer admin submits a version for independent quality review, two
certified reviewers from other organizations rate every criterion, one reconciles and records the outcome, and the
issuer and the public see it — in headless Chromium at desktop (1280 px) and phone (390 px) width, checked with axe."""
import pytest
from playwright.sync_api import expect

from microcred.quality.tests.conftest import GOOD, qa  # noqa: F401 — the fixture
from tests.browser.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(f"pw-{username}-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def rate_everything(page, review_pk, comment):
    page.goto(f"/quality/reviews/{review_pk}/")
    expect(page.get_by_role("heading", name="Your rating")).to_be_visible()
    for key, level in GOOD.items():
        page.locator(f"input[name='level-{key}'][value='{level}']").check()
    page.get_by_label("Comment").first.fill(comment)
    page.get_by_role("button", name="Save my ratings").click()
    expect(page.get_by_text("Your ratings are saved.")).to_be_visible()


@pytest.mark.parametrize("width", [1280, 390])
def test_submit_review_reconcile_and_see_the_outcome(page, qa, width):  # noqa: F811
    from microcred.quality.models import QualityReview

    page.set_viewport_size({"width": width, "height": 900})
    slug = qa["mc"].slug

    log_in(page, "issuer_admin")
    page.goto(f"/quality/micro-credentials/{slug}/")
    expect(page.get_by_text("Every automatic check passes.")).to_be_visible()
    assert_accessible(page, "the issuer's quality page")
    page.get_by_role("button", name="Submit version 1 for quality review").click()
    expect(page.get_by_text("Submitted for independent quality review.")).to_be_visible()
    review = QualityReview.objects.get()
    assert_accessible(page, "a review, as the issuer sees it")

    log_in(page, "reviewer_a")
    page.goto("/quality/reviews/")
    assert_accessible(page, "the reviewer's queue")
    page.get_by_role("link", name="Hinge questions").click()
    assert_accessible(page, "the rating form")
    rate_everything(page, review.pk, "Clear, job-embedded evidence.")

    log_in(page, "reviewer_b")
    rate_everything(page, review.pk, "Agreed.")
    expect(page.get_by_role("heading", name="Reconcile and record the outcome")).to_be_visible()
    assert_accessible(page, "reconciliation")
    page.get_by_label("Approved", exact=True).check()
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_text("The outcome is recorded and shown to the issuer.")).to_be_visible()
    review.refresh_from_db()
    assert review.state == "decided" and review.outcome == "approved"

    log_in(page, "issuer_admin")
    page.goto(f"/quality/micro-credentials/{slug}/")
    expect(page.locator("strong.state")).to_have_text("Approved")
    page.context.clear_cookies()
    page.goto(f"/quality/record/{slug}/")
    expect(page.get_by_text("Too few to report: figures are shown", exact=False)).to_be_visible()
    assert_accessible(page, "the public quality record")


@pytest.mark.parametrize("width", [1280, 390])
def test_a_recognizer_requiring_qa_approval_sees_the_unapproved_mc_excluded_in_the_dry_run(page, qa, width):  # noqa: F811
    """The Definition of Done's second walk: a policy that requires an independent quality review's approval; the
    earner's credential on a not-yet-reviewed MC is listed as not counted, with the reason, in the policy's dry run."""
    from microcred.credentials.services import issue_for_attempt
    from microcred.credentials.tests.conftest import earn
    from microcred.quality.tests.test_recognition import document
    from microcred.recognition import services as recognition

    issue_for_attempt(earn(qa, qa["version"]))
    policy = recognition.create_or_update_draft(recognizer=qa["orgs"]["state"], document=document(), by=qa["people"]["recognizer"])

    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "recognizer")
    page.goto(f"/recognition/policies/{policy.slug}/v{policy.version}/dry-run/")
    expect(page.locator("#would-qualify")).to_have_text("0")
    row = page.get_by_role("row").filter(has_text="Earner Tester")
    expect(row.get_by_text("Not counted:")).to_be_visible()
    expect(row.get_by_text(f"{qa['mc'].slug}: not approved by an independent quality review")).to_be_visible()
    assert_accessible(page, "the policy's dry run with an unapproved MC excluded")
