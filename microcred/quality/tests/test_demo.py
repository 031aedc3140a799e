import pytest
from django.core.management import call_command

from microcred.catalog.models import MicroCredential
from microcred.quality import selectors
from microcred.quality.models import QualityReview


@pytest.mark.django_db(transaction=True)
def test_demo_shows_three_outcomes_and_refuses_the_quiz_only_mc(seeded_demo):
    outcomes = set(QualityReview.objects.filter(state="decided").values_list("outcome", flat=True))
    assert outcomes == {"approved", "approved_with_conditions", "revise"}
    for review in QualityReview.objects.all():  # reviewers from elsewhere than the issuer
        assert review.version.micro_credential.owner.name not in {r.organization.name for r in review.ratings.all()}
    fafsa = MicroCredential.objects.get(slug="fafsa-basics")
    assert not QualityReview.objects.filter(version__micro_credential=fafsa).exists()
    record = selectors.quality_record(MicroCredential.objects.get(slug="teaching-phonics"))
    assert record["status"] == "approved"
    from microcred.quality.models import Pilot

    pilot = Pilot.objects.get(version__micro_credential__slug="assessing-how-time-is-currently-used")
    report = selectors.pilot_report(pilot)
    assert pilot.state == "open" and report["submissions"] == 3 and report["double_scored"] == 3 and report["pairs"] > 3
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # idempotent
    assert QualityReview.objects.count() == 3
    assert Pilot.objects.count() == 1 and selectors.pilot_report(pilot)["submissions"] == 3
