"""Assessor coverage (catalog.coverage, filled by assessment): issue 15, finding 1 — "a teacher can start and submit
an MC that nobody can assess, and is never told; publishing with no certified assessors and no anchors gives no
warning"."""
import datetime as dt

import pytest
from django.utils import timezone

from microcred.assessment.models import AnchorItem, Qualification
from microcred.assessment.tests.factories import certified_pool
from microcred.catalog import coverage, services
from microcred.catalog.models import MicroCredentialVersion
from microcred.core.models import AuditEvent
from microcred.earning import services as earning
from microcred.earning.tests.factories import answer_everything


def in_review(world, **overrides):
    from microcred.catalog.tests.factories import make_definition

    version = services.create_micro_credential(owner=world["orgs"]["issuer"], definition=make_definition(**overrides),
                                               by=world["people"]["author"])
    return services.submit_for_review(version=version, by=world["people"]["author"])


def anchor(version):
    return AnchorItem.objects.create(micro_credential=version.micro_credential, version=version, title="Anchor",
                                     snapshot={"parts": []})


def test_coverage_counts_certified_unexpired_active_assessors_and_anchors(world, published):
    assert coverage.coverage_of(published) == coverage.Coverage(0, 0)
    pool = certified_pool(world, published.micro_credential, n=3)
    pool[1].is_active = False
    pool[1].save()
    Qualification.objects.filter(assessor=pool[2]).update(expires_at=timezone.now() - dt.timedelta(days=1))
    Qualification.objects.create(assessor=world["people"]["assessor"], micro_credential=published.micro_credential,
                                 organization=world["orgs"]["issuer"])  # in training: not certified
    anchor(published)
    found = coverage.coverage_of(published)
    assert (found.certified_assessors, found.anchors, found.complete, found.gaps) == (1, 1, True, [])


def test_coverage_of_many_versions_costs_constant_queries(world, publish_mc, django_assert_max_num_queries):
    versions = [publish_mc(title=f"Practice {i}") for i in range(5)]
    with django_assert_max_num_queries(3):
        found = coverage.coverage_for(v.pk for v in versions)
    assert len(found) == 5 and all(not c.has_assessors for c in found.values())


def test_publishing_without_coverage_needs_publish_anyway_and_is_audited(world):
    version = in_review(world)
    admin = world["people"]["issuer_admin"]
    with pytest.raises(services.CoverageGap) as gap:
        services.publish_checked(version=version, by=admin)
    assert len(gap.value.coverage.gaps) == 2
    version.refresh_from_db()
    assert version.state == MicroCredentialVersion.State.IN_REVIEW
    services.publish_checked(version=version, by=admin, publish_anyway=True)
    event = AuditEvent.objects.get(action="mc.published_without_coverage")
    assert event.data == {"certified_assessors": 0, "anchors": 0}


def test_publishing_with_certified_assessors_and_anchors_asks_nothing(world):
    version = in_review(world)
    certified_pool(world, version.micro_credential, n=1)
    anchor(version)
    services.publish_checked(version=version, by=world["people"]["issuer_admin"])
    version.refresh_from_db()
    assert version.state == MicroCredentialVersion.State.PUBLISHED
    assert not AuditEvent.objects.filter(action="mc.published_without_coverage").exists()


def test_assessors_without_anchors_still_warn(world):
    version = in_review(world)
    certified_pool(world, version.micro_credential, n=1)
    with pytest.raises(services.CoverageGap) as gap:
        services.publish_checked(version=version, by=world["people"]["issuer_admin"])
    assert gap.value.coverage.gaps == [coverage.Coverage(1, 0).gaps[0]] and "anchors" in gap.value.coverage.gaps[0]


def test_teacher_is_told_before_and_after_submitting_that_nobody_can_assess_yet(client, world, published):
    earner = world["people"]["earner"]
    client.force_login(earner)
    detail = client.get(f"/catalog/mc/{published.micro_credential.slug}/").content.decode()
    assert 'id="no-assessors"' in detail and "prepare your evidence" in detail
    card = client.get("/catalog/").content.decode()
    assert "No assessors yet" in card
    attempt = earning.start_attempt(earner=earner, micro_credential=published.micro_credential)
    page = client.get(f"/earn/attempts/{attempt.pk}/").content.decode()
    assert 'id="no-assessors"' in page and "waits in the queue" in page
    answer_everything(attempt, earner)
    earning.confirm_privacy(attempt=attempt, by=earner)
    done = client.post(f"/earn/attempts/{attempt.pk}/submit/", {"privacy": "on"}, follow=True).content.decode()
    assert "no assessor is certified for this micro-credential yet" in done.replace("\n", " ")
    assert 'id="waiting-for-assessors"' in done


def test_with_a_certified_assessor_nothing_is_said(client, world, published):
    certified_pool(world, published.micro_credential, n=1)
    client.force_login(world["people"]["earner"])
    assert 'id="no-assessors"' not in client.get(f"/catalog/mc/{published.micro_credential.slug}/").content.decode()
    assert "No assessors yet" not in client.get("/catalog/").content.decode()


def test_recommendations_say_when_nobody_can_assess_yet(client, world, published):
    from microcred.earning import plans
    from microcred.earning.models import PriorityMicroCredential

    PriorityMicroCredential.objects.create(organization=world["orgs"]["district"], micro_credential=published.micro_credential)
    earner = world["people"]["earner"]
    [row] = plans.recommendations(earner=earner)
    assert not row["coverage"].has_assessors
    client.force_login(earner)
    assert "No assessors yet" in client.get("/earn/").content.decode()
    certified_pool(world, published.micro_credential, n=1)
    assert plans.recommendations(earner=earner)[0]["coverage"].has_assessors
