"""An educator opens "what my work is worth" and sees progress and an award with provenance; a recognizer
dry-runs a draft policy, publishes it and sees who qualifies."""
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture
def credentials(world, publish_mc):
    """Two credentials of the earner; a third published MC stays unearned."""
    from microcred.credentials.services import issue_for_attempt
    from microcred.credentials.tests.conftest import earn

    versions = [publish_mc(title=f"Practice number {i}") for i in (1, 2, 3)]
    return [issue_for_attempt(earn(world, v)) for v in versions[:2]]


def test_educator_sees_what_their_work_is_worth(page, world, credentials):
    from microcred.recognition import services
    from microcred.recognition.tests.pages_fixtures import city_policy, state_policy

    by = world["people"]["recognizer"]
    services.publish(policy=services.create_or_update_draft(recognizer=world["orgs"]["state"], document=state_policy(), by=by), by=by)
    higher = state_policy(slug="tn-advanced", title="Advanced designation (illustrative)",
                          rules=[{"kind": "convert", "per_mc": 30, "unit": "PDP"}, {"kind": "threshold", "unit": "PDP", "min": 90}],
                          outcomes=[{"key": "advanced", "kind": "designation", "name": "Advanced educator"}])
    services.publish(policy=services.create_or_update_draft(recognizer=world["orgs"]["state"], document=higher, by=by), by=by)
    from microcred.accounts.models import User
    from microcred.accounts.services import grant_role

    city = User.objects.create_user(username="city_admin", password="pw-city-admin-123")
    grant_role(user=city, organization=world["orgs"]["other_district"], role="recognizer_admin")
    services.publish(policy=services.create_or_update_draft(recognizer=world["orgs"]["other_district"], document=city_policy(), by=city), by=city)
    services.evaluate_educator(world["people"]["earner"])

    log_in(page, "earner", "pw-earner-123")
    page.get_by_role("link", name="My recognition").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What my work is worth")
    awards = page.get_by_role("table", name="My awards")
    expect(awards).to_contain_text("License renewal PDPs")
    expect(awards).to_contain_text("60 PDP")
    expect(awards).to_contain_text("version 1")
    expect(awards).to_contain_text("Practice number 1 (issued")  # provenance: the credentials that counted
    expect(awards).to_contain_text("Practice number 2 (issued")
    renewal = page.locator("#policy-tn-renewal")
    expect(renewal).to_contain_text("Achieved")
    expect(renewal).to_contain_text("Reach 60 PDP (you have 60 PDP)")
    advanced = page.locator("#policy-tn-advanced")
    expect(advanced).to_contain_text("Reach 90 PDP (you have 60 PDP)")
    expect(advanced).to_contain_text("30 PDP more")
    advanced.get_by_role("link", name="Practice number 3").click()  # the MC that would close the gap, in the catalog
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice number 3")

    page.goto("/recognition/")
    page.get_by_role("link", name="What would they count for elsewhere?").click()
    expect(page.locator("#policy-city-stipend")).to_contain_text("One-time stipend")
    expect(page.locator("#policy-city-stipend")).to_contain_text("Achieved")


def test_recognizer_dry_runs_then_publishes(page, world, credentials):
    from microcred.recognition.models import Award

    log_in(page, "recognizer", "pw-recognizer-123")
    page.get_by_role("link", name="Recognition policies").click()
    page.get_by_role("link", name="New policy").first.click()
    editor = page.get_by_label("Policy document (YAML or JSON)")
    editor.fill("format: microcred.policy/1\nslug: tn-renewal\ntitle: Renewal\nrecognizer: state-agency\n"
                "effective_from: 2020-01-01\napproved: {issuers: [issuer-one]}\n"
                "rules:\n  - {kind: convert, per_mc: 0, unit: PDP}\n  - {kind: threshold, unit: PDP, min: 60}\n"
                "outcomes:\n  - {key: renewal, kind: credits, name: Renewal PDPs, unit: PDP}\n")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#document-errors")).to_contain_text("rules[0].per_mc")
    editor = page.get_by_label("Policy document (YAML or JSON)")
    assert "per_mc: 0" in editor.input_value() and "slug: tn-renewal" in editor.input_value()  # what they typed is kept
    editor.fill(editor.input_value().replace("per_mc: 0", "per_mc: 30"))
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Draft version 1")
    page.get_by_role("link", name="Dry run").first.click()
    expect(page.locator("#would-qualify")).to_have_text("1")
    expect(page.get_by_role("table", name="Dry run results")).to_contain_text("Earner Tester")
    assert not Award.objects.exists()
    page.get_by_role("button", name="Publish v1").click()
    expect(page.locator("#confirm-new-awards")).to_have_text("1")  # publishing says what it will do, then asks
    page.get_by_role("button", name="Publish and create 1 award").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Who qualifies: Renewal")
    expect(page.locator("#qualified")).to_contain_text("Earner Tester")
    expect(page.locator("#by-district")).to_contain_text("Rural District")
    assert Award.objects.filter(state="active").count() == 1  # publishing re-evaluated everyone
