import json
from io import StringIO

import pytest
from django.core.management import call_command

from microcred.accounts.models import Membership, Organization, User
from microcred.assessment.models import Assignment, Qualification, Review
from microcred.catalog.definition import validate_definition
from microcred.catalog.models import MicroCredential, MicroCredentialVersion, Stack
from microcred.demo import content
from microcred.earning.models import Decision


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_seed_demo_is_idempotent_and_prints_logins(seeded_demo):
    counts = (Organization.objects.count(), User.objects.count(), Membership.objects.count(), MicroCredential.objects.count(),
              MicroCredentialVersion.objects.count(), Stack.objects.count())
    logins = json.loads(seed("--json"))
    assert counts == (Organization.objects.count(), User.objects.count(), Membership.objects.count(), MicroCredential.objects.count(),
                      MicroCredentialVersion.objects.count(), Stack.objects.count())
    assert {"role", "username", "password"} <= set(logins[0])
    roles = {m.role for m in Membership.objects.all()}
    assert roles >= {"earner", "coach", "assessor", "author", "issuer_admin", "recognizer_admin", "platform_admin"}
    for login in logins:  # every printed login works
        assert User.objects.get(username=login["username"]).check_password(login["password"])


@pytest.mark.django_db(transaction=True)
def test_demo_catalog_is_the_appendix_names_and_stacks(seeded_demo):
    titles = set(MicroCredentialVersion.objects.filter(state="published").values_list("title", flat=True))
    for name in ("Teaching Phonics", "Interactive Read Aloud", "Strategic Grouping Based on Data", "Observation & Feedback",
                 "Building Your Team", "Creating Algorithms"):
        assert any(name.lower() in t.lower() for t in titles), name
    stacks = set(Stack.objects.filter(state="published").values_list("title", flat=True))
    for name in ("Early Literacy", "Classroom Management", "Data-Driven Instruction", "Effective Coaching", "Collective Leadership"):
        assert any(name in s for s in stacks), name
    assert Stack.objects.filter(kind="pathway", state="published").exists()
    kinds = set(Organization.objects.values_list("kind", flat=True))
    assert {"state_agency", "district", "school", "higher_ed", "nonprofit"} <= kinds
    assert Organization.objects.filter(kind="district", locale="rural").exists()
    assert MicroCredentialVersion.objects.filter(state__in=["draft", "in_review"]).exists()


@pytest.mark.django_db(transaction=True)
def test_every_demo_definition_is_valid(seeded_demo):
    for spec in content.MICRO_CREDENTIALS:
        validate_definition({k: v for k, v in spec.items() if k not in ("owner", "demo_state")})


@pytest.mark.django_db(transaction=True)
def test_demo_assessment_is_scored_for_real_double_scored_adjudicated_and_queued(seeded_demo):
    from django.utils import timezone

    reviews = Review.objects.count()
    seed()  # idempotent: no second season of scoring
    assert Review.objects.count() == reviews

    def scored(role):
        return set(Assignment.objects.filter(role=role, state="scored", review__isnull=False).values_list("review_id", flat=True))

    decided = set(Review.objects.filter(stage="decided").values_list("pk", flat=True))
    double = decided & scored("first") & scored("second")
    assert len(double) >= 30
    assert decided & scored("adjudicator"), "at least one disagreement was adjudicated"
    assert {"earned", "not_yet"} <= set(Review.objects.filter(stage="decided").values_list("final_result", flat=True))

    # Enough first/second criterion pairs for agreement, kappa, QWK, alpha and AC1 on the busiest MCs.
    pairs: dict[int, int] = {}
    for review in Review.objects.filter(pk__in=double):
        first = review.assignments.get(role="first", state="scored").scores.count()
        pairs[review.micro_credential_id] = pairs.get(review.micro_credential_id, 0) + first
    assert sorted(pairs.values())[-2] >= 60

    assert Qualification.objects.filter(status="certified").count() >= 20
    assert Qualification.objects.exclude(status="certified").exists(), "one assessor missed the certification bar"
    assert Qualification.objects.filter(senior=True, status="certified").exists()

    waiting = Review.objects.filter(stage__in=["first", "second", "adjudication"])
    assert waiting.count() >= 3
    assert waiting.filter(due_at__lt=timezone.now()).exists(), "the queue shows an overdue item"

    # No bypass: every decision an earner reads came out of a decided review, and vice versa.
    # (The analytics demo's fictional "demo-educator-NN" year of history is synthesized for the dashboards, like
    # generate_scale_data, and is not part of the assessment demo.)
    assessed = Decision.objects.exclude(submission__attempt__earner__username__startswith="demo-educator-")
    assert not assessed.exclude(submission__review__stage="decided").exists()
    assert assessed.count() == len(decided)
    teacher_ira = Decision.objects.get(submission__attempt__earner__username="teacher",
                                       submission__attempt__micro_credential__slug="interactive-read-aloud")
    assert teacher_ira.result == "not_yet" and "planned stopping points" in teacher_ira.part_feedback.get(passed=False).feedback

    # Issue 15, finding 1: the featured English-learner MC can be assessed; the in-review SIOP MC shows the warning.
    from microcred.catalog.coverage import coverage_of
    from microcred.catalog.selectors import featured_micro_credentials

    featured = MicroCredential.objects.get(slug="helping-students-clarify-and-support-their-ideas")
    assert coverage_of(featured.current_version).complete
    siop = MicroCredentialVersion.objects.get(state="in_review")
    assert coverage_of(siop).gaps and coverage_of(siop).certified_assessors == 0
    assert all(v.coverage.has_assessors for v in featured_micro_credentials(user=User.objects.get(username="teacher"))[:3])


# `microcred demo` itself (an empty data folder: migrate, seed, print the logins and the address, serve) is tested
# in tests/browser/test_demo_whole_job.py, which starts it once for that check and for the whole job in a browser.


@pytest.mark.django_db(transaction=True)
def test_the_demo_has_an_mc_in_english_and_spanish(client, seeded_demo):
    from microcred.catalog import selectors, translation
    from microcred.catalog.models import VersionTranslation

    stored = VersionTranslation.objects.select_related("version").get(language="es")
    version = stored.version
    assert version.micro_credential.slug == content.MIF
    reading = selectors.version_for_reading(user=None, slug=content.MIF, number=version.number)
    untranslated = [f.english for f in translation.translatable_fields(reading) if not translation.value_at(stored.content, f.path)]
    assert untranslated == []  # every field of it, rubric included
    html = client.get(f"/catalog/mc/{content.MIF}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<h1 lang="es">Modificar la enseñanza mediante evaluaciones formativas durante una clase</h1>' in html
    assert "Todavía no" in html and "Competente" in html
    seed()  # idempotent: a second seed keeps the one translation
    assert VersionTranslation.objects.count() == 1


@pytest.mark.django_db
def test_the_demo_registers_an_illustrative_lms_once(seeded_demo):
    from django.core.management import call_command

    from microcred.interop.models import LtiPlatform

    call_command("seed_demo", verbosity=0)  # on top of the seeded world: still one
    (platform,) = LtiPlatform.objects.all()
    assert platform.organization.slug == "cumberland-valley-schools" and platform.deployments
