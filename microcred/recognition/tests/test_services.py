"""Policies, permissions and awards through the real issuance path."""
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from microcred.credentials.services import issue_for_attempt, revoke
from microcred.credentials.tests.conftest import earn
from microcred.recognition import services
from microcred.recognition.models import Award, Policy
from microcred.recognition.policy import PolicyErrors

from .factories import TENNESSEE, doc

pytestmark = pytest.mark.django_db


def state_policy(**changes):
    # Two MCs of issuer-one reach the threshold (30 PDPs each).
    return doc(TENNESSEE, rules=[{"kind": "convert", "per_mc": 30, "unit": "PDP"}, {"kind": "threshold", "unit": "PDP", "min": 60}],
               **changes)


@pytest.fixture
def two_credentials(world, publish_mc):
    versions = [publish_mc(title=f"Practice number {i}") for i in (1, 2)]
    return [issue_for_attempt(earn(world, v)) for v in versions]


@pytest.fixture
def published_policy(world):
    draft = services.create_or_update_draft(recognizer=world["orgs"]["state"], document=state_policy(), by=world["people"]["recognizer"])
    return services.publish(policy=draft, by=world["people"]["recognizer"])


def test_only_the_recognizers_admins_edit_and_publish(world):
    state = world["orgs"]["state"]
    for key in ("earner", "issuer_admin", "author"):
        with pytest.raises(PermissionDenied):
            services.create_or_update_draft(recognizer=state, document=state_policy(), by=world["people"][key])
    draft = services.create_or_update_draft(recognizer=state, document=state_policy(), by=world["people"]["platform_admin"])
    with pytest.raises(PermissionDenied):
        services.publish(policy=draft, by=world["people"]["issuer_admin"])
    with pytest.raises(PermissionDenied):
        services.dry_run(draft, by=world["people"]["earner"])


def test_a_refused_document_changes_nothing(world):
    bad = state_policy(approved={"micro_credentials": ["no-such-mc"]})
    with pytest.raises(PolicyErrors) as caught:
        services.create_or_update_draft(recognizer=world["orgs"]["state"], document=bad, by=world["people"]["recognizer"])
    assert "approved.micro_credentials[0]" in caught.value.message_dict
    assert not Policy.objects.exists()
    with pytest.raises(PolicyErrors) as caught:  # the document names another recognizer
        services.create_or_update_draft(recognizer=world["orgs"]["district"], document=state_policy(), by=world["people"]["platform_admin"])
    assert "recognizer" in caught.value.message_dict
    assert not Policy.objects.exists()


def test_drafts_publish_into_immutable_versions(world):
    by, state = world["people"]["recognizer"], world["orgs"]["state"]
    v1 = services.publish(policy=services.create_or_update_draft(recognizer=state, document=state_policy(), by=by), by=by)
    assert services.publish(policy=v1, by=by).state == "published"  # twice: no-op
    draft = services.create_or_update_draft(recognizer=state, document=state_policy(title="Renewal, revised"), by=by)
    same = services.create_or_update_draft(recognizer=state, document=state_policy(title="Renewal, revised again"), by=by)
    assert draft.pk == same.pk and draft.version == 2
    v2 = services.publish(policy=same, by=by)
    v1.refresh_from_db()
    assert (v1.state, v1.document["title"], v2.state) == ("retired", TENNESSEE["title"], "published")


def test_awards_with_provenance_are_idempotent_and_revocation_withdraws(world, two_credentials, published_policy):
    earner = world["people"]["earner"]
    changes = services.evaluate_educator(earner)
    assert [c.action for c in changes] == ["award"]
    award = Award.objects.get()
    assert (award.state, award.amount, award.unit, award.policy_id) == ("active", 60, "PDP", published_policy.pk)
    assert award.provenance["version"] == 1 and sorted(award.provenance["credentials"]) == sorted(str(c.pk) for c in two_credentials)
    assert services.evaluate_educator(earner) == [] and Award.objects.count() == 1  # idempotent

    revoke(two_credentials[0], by=world["people"]["issuer_admin"], reason="Plagiarised evidence")
    changes = services.evaluate_educator(earner)
    assert [c.action for c in changes] == ["withdraw"]
    award.refresh_from_db()
    assert award.state == "withdrawn" and "Plagiarised evidence" in award.withdrawn_reason and str(two_credentials[0].pk) in award.withdrawn_reason
    assert services.evaluate_educator(earner) == []


def test_dry_run_shows_changes_without_writing(world, two_credentials, published_policy):
    rows = services.dry_run(state_policy(title="Draft idea"), by=world["people"]["recognizer"])
    assert [(r.educator.username, [c.action for c in r.changes]) for r in rows] == [("earner", ["award"])]
    assert not Award.objects.exists()


def test_reciprocity_a_district_accepts_the_states_approved_list(world, two_credentials, published_policy):
    district_admin = world["people"]["recognizer"]
    from microcred.accounts.services import grant_role

    grant_role(user=district_admin, organization=world["orgs"]["district"], role="recognizer_admin")
    district = doc(state_policy(), slug="district-ladder", recognizer="rural-district",
                   approved={"reciprocity": [published_policy.slug]},
                   outcomes=[{"key": "step", "kind": "pay", "name": "Salary step", "amount": 1500, "unit": "USD"}])
    policy = services.publish(policy=services.create_or_update_draft(recognizer=world["orgs"]["district"], document=district,
                                                                     by=district_admin), by=district_admin)
    services.evaluate_educator(world["people"]["earner"])
    award = Award.objects.get(policy=policy)
    assert (award.kind, award.amount, award.unit) == ("pay", 1500, "USD")


def test_management_command_is_idempotent(world, two_credentials, published_policy, capsys):
    call_command("evaluate_recognition")
    assert "1 award changes" in capsys.readouterr().out
    call_command("evaluate_recognition")
    assert "0 award changes" in capsys.readouterr().out
    assert Award.objects.filter(state="active").count() == 1


def test_other_jurisdictions_get_no_award(world, publish_mc, published_policy):
    from microcred.accounts.services import grant_role

    outsider = world["people"]["other_author"]
    grant_role(user=outsider, organization=world["orgs"]["other_issuer"], role="earner")
    assert services.evaluate_educator(outsider) == []


def test_an_earned_attempt_re_evaluates_the_educator(world, publish_mc, published_policy, django_capture_on_commit_callbacks):
    from microcred.earning.models import Attempt
    from microcred.earning.signals import attempt_earned

    for i in (1, 2):
        attempt = earn(world, publish_mc(title=f"Signal practice {i}"))
        with django_capture_on_commit_callbacks(execute=True):  # tasks are enqueued on commit
            attempt_earned.send(sender=Attempt, attempt_id=attempt.pk)  # as earning does after commit
    assert Award.objects.filter(educator=world["people"]["earner"], state="active").count() == 1


def test_a_revocation_withdraws_the_award_through_the_credentials_event(world, two_credentials, published_policy,
                                                                        django_capture_on_commit_callbacks):
    services.evaluate_educator(world["people"]["earner"])
    award = Award.objects.get(educator=world["people"]["earner"], state="active")
    with django_capture_on_commit_callbacks(execute=True):  # credential_revoked is sent on commit
        revoke(two_credentials[0], by=world["people"]["issuer_admin"], reason="Evidence was not the earner's own.")
    award.refresh_from_db()
    assert award.state == "withdrawn"
    assert str(two_credentials[0].pk) in award.withdrawn_reason or "revoked" in award.withdrawn_reason.lower()
