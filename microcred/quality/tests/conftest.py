"""A world for quality tests: a published MC of issuer-one with a pool (two certified assessors, one anchor), QA
reviewers from issuer-two and from a state panel, and one certified reviewer who belongs to issuer-one."""
import pytest
from django.utils import timezone

from microcred.catalog.tests.factories import make_definition


def ready_pool(version, organization, *assessors):
    from microcred.assessment.models import AnchorItem, Qualification

    for assessor in assessors:
        Qualification.objects.create(assessor=assessor, micro_credential=version.micro_credential, organization=organization,
                                     status=Qualification.Status.CERTIFIED, certified_at=timezone.now())
    AnchorItem.objects.create(micro_credential=version.micro_credential, version=version, title="Anchor", snapshot={})


@pytest.fixture
def qa(world):
    from microcred.accounts import services as accounts
    from microcred.accounts.models import Organization, User
    from microcred.catalog import services as catalog
    from microcred.quality.models import QualityReviewer

    orgs, people = world["orgs"], world["people"]
    admin = people["issuer_admin"]
    version = catalog.create_micro_credential(owner=orgs["issuer"], definition=make_definition(title="Hinge questions"), by=people["author"])
    catalog.submit_for_review(version=version, by=people["author"])
    version = catalog.publish(version=version, by=admin)
    second = User.objects.create_user(username="assessor_two", password="pw-assessor-two-123")
    accounts.grant_role(user=second, organization=orgs["issuer"], role="assessor")
    ready_pool(version, orgs["issuer"], people["assessor"], second)

    panel = Organization.objects.create(slug="state-panel", name="State QA panel", kind="state_agency", state="TN")

    def reviewer(username, organization, *, member_of=None, state_panel=False):
        user = User.objects.create_user(username=username, password=f"pw-{username}-123", email=f"{username}@example.org")
        if member_of is not None:
            accounts.grant_role(user=user, organization=member_of, role="author")
        QualityReviewer.objects.create(user=user, organization=organization, state_panel=state_panel, certified_by=people["platform_admin"])
        return user

    people["reviewer_a"] = reviewer("reviewer_a", orgs["other_issuer"], member_of=orgs["other_issuer"])
    people["reviewer_b"] = reviewer("reviewer_b", panel, state_panel=True)
    people["insider"] = reviewer("insider", orgs["other_issuer"], member_of=orgs["issuer"])  # certified, but of the author's organization
    return {**world, "version": version, "mc": version.micro_credential, "panel": panel}


GOOD = {"focus": 3, "research": 2, "resources": 2, "evidence": 3, "assessment": 2, "transparency": 2, "improvement": 2}


def ratings(levels=None, comment="Fine."):
    return {k: (v, comment) for k, v in (levels or GOOD).items()}
