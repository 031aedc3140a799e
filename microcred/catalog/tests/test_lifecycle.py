import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from microcred.catalog import services
from microcred.catalog.definition import export_definition
from microcred.catalog.models import MicroCredential, MicroCredentialVersion
from microcred.core.models import AuditEvent
from microcred.core.transitions import InvalidTransition

from .factories import make_definition

S = MicroCredentialVersion.State


@pytest.fixture
def draft(world):
    return services.create_micro_credential(owner=world["orgs"]["issuer"], definition=make_definition(), by=world["people"]["author"])


def test_draft_review_publish_and_audit(world, draft):
    author, admin = world["people"]["author"], world["people"]["issuer_admin"]
    assert draft.state == S.DRAFT and draft.number == 1
    services.submit_for_review(version=draft, by=author)
    published = services.publish(version=draft, by=admin)
    assert published.state == S.PUBLISHED and published.published_by == admin
    mc = MicroCredential.objects.get(pk=draft.micro_credential_id)
    assert mc.current_version_id == draft.pk
    actions = list(AuditEvent.objects.filter(target_id=str(draft.pk), target_type="catalog.microcredentialversion").values_list("action", flat=True))
    assert {"mc.created", "mc.submitted_for_review", "mc.published"} <= set(actions)


def test_publishing_a_draft_that_skipped_review_is_refused(world, draft):
    with pytest.raises(InvalidTransition, match="cannot move from “Draft” to “Published”"):
        services.publish(version=draft, by=world["people"]["issuer_admin"])


def test_reviewer_returns_draft_with_note(world, draft):
    services.submit_for_review(version=draft, by=world["people"]["author"])
    back = services.return_to_draft(version=draft, by=world["people"]["issuer_admin"], note="Add a second research citation.")
    assert back.state == S.DRAFT and "second research" in back.review_note


def test_published_versions_are_frozen(world, published):
    with pytest.raises(ValidationError, match="start a new version"):
        services.update_draft(version=published, definition=make_definition(title="Changed"), by=world["people"]["author"])
    fresh = MicroCredentialVersion.objects.get(pk=published.pk)
    fresh.title = "Sneaky edit"
    with pytest.raises(ValidationError, match="cannot be edited"):
        fresh.save()
    assert MicroCredentialVersion.objects.get(pk=published.pk).title.startswith("Modifying")


def test_new_version_then_publish_retires_the_old_one(world, published):
    author, admin = world["people"]["author"], world["people"]["issuer_admin"]
    v2 = services.start_new_version(micro_credential=published.micro_credential, by=author)
    assert v2.number == 2 and v2.state == S.DRAFT
    assert services.start_new_version(micro_credential=published.micro_credential, by=author).pk == v2.pk  # one open draft
    services.update_draft_fields(version=v2, changes={"title": "Formative Assessment, revised"}, by=author)
    services.submit_for_review(version=v2, by=author)
    services.publish(version=v2, by=admin)
    published.refresh_from_db()
    assert published.state == S.RETIRED and published.title.startswith("Modifying")  # v1 kept as it was
    assert MicroCredential.objects.get(pk=published.micro_credential_id).current_version.title == "Formative Assessment, revised"
    # v1's content is unchanged and still readable: whatever was earned on it points at it.
    assert export_definition(published)["parts"] == export_definition(v2)["parts"]


def test_retire_requires_a_reason_and_the_right_person(world, published):
    with pytest.raises(ValidationError):
        services.retire(version=published, by=world["people"]["issuer_admin"], reason="  ")
    with pytest.raises(PermissionDenied):
        services.retire(version=published, by=world["people"]["author"], reason="old")
    services.retire(version=published, by=world["people"]["issuer_admin"], reason="Replaced by a state-approved MC")
    assert MicroCredential.objects.get(pk=published.micro_credential_id).current_version is None


@pytest.mark.parametrize("who", ["other_author", "other_admin", "earner", "assessor", "recognizer"])
def test_only_the_owning_organization_edits(world, draft, who):
    with pytest.raises(PermissionDenied):
        services.update_draft(version=draft, definition=make_definition(title="Hijack"), by=world["people"][who])


@pytest.mark.parametrize("who", ["author", "other_admin", "earner"])
def test_only_issuer_admins_of_the_owner_publish(world, draft, who):
    services.submit_for_review(version=draft, by=world["people"]["author"])
    with pytest.raises(PermissionDenied):
        services.publish(version=draft, by=world["people"][who])


def test_create_in_another_organization_is_refused(world):
    with pytest.raises(PermissionDenied):
        services.create_micro_credential(owner=world["orgs"]["other_issuer"], definition=make_definition(owner="issuer-two"), by=world["people"]["author"])


def test_publishing_needs_an_issuer(world):
    version = services.create_micro_credential(owner=world["orgs"]["issuer"], definition=make_definition(organizations=[{"organization": "issuer-one", "role": "developer"}]),
                                               by=world["people"]["author"])
    services.submit_for_review(version=version, by=world["people"]["author"])
    with pytest.raises(ValidationError, match="issuing organization"):
        services.publish(version=version, by=world["people"]["issuer_admin"])


def test_failed_update_keeps_what_was_saved(world, draft):
    broken = make_definition(title="")
    with pytest.raises(ValidationError):
        services.update_draft(version=draft, definition=broken, by=world["people"]["author"])
    draft.refresh_from_db()
    assert draft.title.startswith("Modifying") and draft.parts.count() == 3
