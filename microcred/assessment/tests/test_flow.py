import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from microcred.assessment import services
from microcred.assessment.models import Assignment, Qualification, Review, ScoringPolicy
from microcred.earning.models import CoachAssignment, Decision

from .factories import certified_pool, levels, submitted


@pytest.fixture
def mc(published):
    return published.micro_credential


@pytest.fixture
def pool(world, mc):
    return certified_pool(world, mc)


def open_for(world, mc, who="earner"):
    return services.open_review(submission=submitted(world["people"][who], mc))


def single_scoring(mc):
    ScoringPolicy.objects.update_or_create(micro_credential=mc, defaults={"calibration_period": 0, "random_double_rate": 0, "conditional_double": False})


def test_single_scoring_decides_and_reaches_the_earner(world, mc, pool):
    single_scoring(mc)
    review = open_for(world, mc)
    assert review.stage == "first" and review.double_reason == ""
    first = review.assignments.get()
    assert first.assessor in pool
    services.submit_scores(assignment=first, by=first.assessor, levels=levels(review.version, "top"),
                           part_feedback={review.version.parts.first().pk: "Precise hinge questions."})
    review.refresh_from_db()
    assert review.stage == "decided" and review.final_result == "earned"
    assert review.submission.attempt.__class__.objects.get(pk=review.submission.attempt_id).state == "earned"
    assert Decision.objects.get(submission=review.submission).part_feedback.filter(feedback="Precise hinge questions.").exists()


def test_calibration_period_double_scores_and_agreement_finalizes(world, mc, pool):
    review = open_for(world, mc)  # first submission of a new version: calibration period
    assert review.double_reason == "calibration_period"
    first = review.assignments.get(role="first")
    services.submit_scores(assignment=first, by=first.assessor, levels=levels(review.version, "pass"))
    review.refresh_from_db()
    assert review.stage == "second"
    second = review.assignments.get(role="second")
    assert second.assessor != first.assessor
    services.submit_scores(assignment=second, by=second.assessor, levels=levels(review.version, "top"))  # within one level, same outcome
    review.refresh_from_db()
    assert review.stage == "decided" and review.final_result == "earned"


def test_disagreement_goes_to_a_senior_adjudicator_and_all_scores_are_kept(world, mc, pool):
    review = open_for(world, mc)
    first = review.assignments.get(role="first")
    services.submit_scores(assignment=first, by=first.assessor, levels=levels(review.version, "top"))
    second = review.assignments.get(role="second")
    services.submit_scores(assignment=second, by=second.assessor, levels=levels(review.version, "low"))
    review.refresh_from_db()
    assert review.stage == "adjudication"
    adjudicator = review.assignments.get(role="adjudicator")
    assert adjudicator.assessor.qualifications.get(micro_credential=mc).senior
    assert adjudicator.assessor not in (first.assessor, second.assessor)
    services.submit_scores(assignment=adjudicator, by=adjudicator.assessor, levels=levels(review.version, "low"))
    review.refresh_from_db()
    assert review.stage == "decided" and review.final_result == "not_yet"
    assert {a.role for a in review.assignments.filter(state="scored")} == {"first", "second", "adjudicator"}


def test_conditional_double_scoring_near_the_cut(world, mc, pool):
    ScoringPolicy.objects.update_or_create(micro_credential=mc, defaults={"calibration_period": 0, "random_double_rate": 0, "conditional_double": True})
    review = open_for(world, mc)
    first = review.assignments.get(role="first")
    criterion = review.version.parts.first().rubric.criteria.first()
    borderline = levels(review.version, "pass", {criterion.pk: 1})  # one criterion one level under the bar
    services.submit_scores(assignment=first, by=first.assessor, levels=borderline)
    review.refresh_from_db()
    assert review.stage == "second" and review.double_reason == "conditional"


def test_conflicts_of_interest_are_never_assigned(world, mc, pool):
    single_scoring(mc)
    earner = world["people"]["earner"]
    from microcred.accounts import services as account_services

    for rater in pool[:3]:
        account_services.grant_role(user=rater, organization=world["orgs"]["district"], role="earner")  # same district
    CoachAssignment.objects.create(earner=earner, coach=pool[3])  # the earner's coach
    review = open_for(world, mc)
    assert not review.assignments.exists()  # nobody eligible: stays in the open queue
    assert services.conflicts(pool[0], review.submission) == ["same school or district as the earner"]
    assert "the earner's coach" in services.conflicts(pool[3], review.submission)
    with pytest.raises(PermissionDenied):
        services.claim(review=review, by=pool[3])


def test_uncertified_assessors_cannot_be_assigned_or_claim(world, mc, pool):
    single_scoring(mc)
    Qualification.objects.filter(assessor__in=pool).update(status=Qualification.Status.TRAINING)
    review = open_for(world, mc)
    assert not review.assignments.exists()
    with pytest.raises(PermissionDenied):
        services.claim(review=review, by=pool[0])
    assert services.next_item(assessor=pool[0]) is None


def test_scores_outside_the_rubric_are_rejected_and_nothing_is_saved(world, mc, pool):
    single_scoring(mc)
    review = open_for(world, mc)
    first = review.assignments.get()
    bad = levels(review.version, "pass")
    bad[next(iter(bad))] = 7
    with pytest.raises(ValidationError, match="choose one of the rubric's levels"):
        services.submit_scores(assignment=first, by=first.assessor, levels=bad)
    missing = levels(review.version, "pass")
    missing.pop(next(iter(missing)))
    with pytest.raises(ValidationError):
        services.submit_scores(assignment=first, by=first.assessor, levels=missing)
    with pytest.raises(PermissionDenied):
        services.submit_scores(assignment=first, by=pool[-1] if pool[-1] != first.assessor else pool[0], levels=levels(review.version))
    first.refresh_from_db()
    assert first.state == "assigned" and not first.scores.exists()


def test_release_and_reassign(world, mc, pool):
    single_scoring(mc)
    review = open_for(world, mc)
    first = review.assignments.get()
    services.release(assignment=first, by=first.assessor, reason="conflict I know of")
    new = review.assignments.get(state="assigned")
    assert new.assessor != first.assessor
    target = next(p for p in pool if p not in (first.assessor, new.assessor))
    with pytest.raises(PermissionDenied):
        services.reassign(assignment=new, to=target, by=world["people"]["author"], reason="overdue")
    moved = services.reassign(assignment=new, to=target, by=world["people"]["issuer_admin"], reason="overdue")
    assert moved.assessor == target and Assignment.objects.filter(review=review, state="assigned").count() == 1


def test_withdrawn_submission_leaves_the_queue(world, mc, pool):
    from microcred.earning import services as earning_services

    single_scoring(mc)
    review = open_for(world, mc)
    earning_services.withdraw_submission(attempt=review.submission.attempt, by=world["people"]["earner"])
    services.close_withdrawn(submission_id=review.submission_id)
    review.refresh_from_db()
    assert review.stage == "withdrawn" and not review.assignments.filter(state="assigned").exists()


def test_precheck_returns_incomplete_without_review(world, mc, pool):
    from microcred.assessment.models import IssuerPolicy

    IssuerPolicy.objects.create(organization=mc.owner, precheck_enabled=True)
    review = open_for(world, mc)
    pre = review.assignments.get(role="precheck")
    services.precheck(assignment=pre, by=pre.assessor, complete=False, reason="The video does not play past 0:40.")
    review.refresh_from_db()
    attempt = review.submission.attempt.__class__.objects.get(pk=review.submission.attempt_id)
    assert review.stage == "returned" and attempt.state == "draft"


def test_calibration_certifies_at_the_bar_and_not_below(world, mc):
    from microcred.accounts import services as account_services
    from microcred.accounts.models import User
    from microcred.assessment.models import AnchorItem, AnchorScore

    version = mc.current_version
    for i in range(5):
        item = AnchorItem.objects.create(micro_credential=mc, version=version, title=f"Anchor {i}", snapshot={"parts": []})
        for part in version.parts.all():
            for c in part.rubric.criteria.all():
                AnchorScore.objects.create(item=item, criterion=c, level=part.rubric.levels.get(position=part.rubric.passing_level))
    admin = world["people"]["issuer_admin"]
    good, weak = (User.objects.create_user(username=u, password="a-long-password-1") for u in ("good", "weak"))
    for u in (good, weak):
        account_services.grant_role(user=u, organization=mc.owner, role="assessor")
        services.add_to_pool(assessor=u, micro_credential=mc, organization=mc.owner, by=admin)
    for user, value in ((good, "pass"), (weak, "low")):
        for a in services.start_calibration(assessor=user, micro_credential=mc):
            services.submit_scores(assignment=a, by=user, levels=levels(version, value))
    assert Qualification.objects.get(assessor=good).status == "certified"
    weak_q = Qualification.objects.get(assessor=weak)
    assert weak_q.status == "training" and weak_q.last_agreement < 0.8


def test_drift_pauses_an_assessor(world, mc, pool):
    from microcred.assessment.models import AnchorItem, AnchorScore, DriftFlag

    version = mc.current_version
    ScoringPolicy.objects.update_or_create(micro_credential=mc, defaults={"drift_min_comparisons": 3})
    item = AnchorItem.objects.create(micro_credential=mc, version=version, title="Check", snapshot={"parts": []})
    for part in version.parts.all():
        for c in part.rubric.criteria.all():
            AnchorScore.objects.create(item=item, criterion=c, level=part.rubric.levels.get(position=0))
    rater = pool[1]
    for _ in range(3):
        check = Assignment.objects.create(anchor_item=item, assessor=rater, role="check")
        services.submit_scores(assignment=check, by=rater, levels=levels(version, "top"))
    q = Qualification.objects.get(assessor=rater, micro_credential=mc)
    assert q.status == "paused" and DriftFlag.objects.filter(qualification=q).exists()


def test_two_assessors_finishing_at_once_make_one_decision(world, mc, pool):
    single_scoring(mc)
    review = open_for(world, mc)
    first = review.assignments.get()
    services.submit_scores(assignment=first, by=first.assessor, levels=levels(review.version, "top"))
    services.submit_scores(assignment=first, by=first.assessor, levels=levels(review.version, "low"))  # double click
    assert Decision.objects.filter(submission=review.submission).count() == 1
    assert Decision.objects.get(submission=review.submission).result == "earned"
    assert Review.objects.get(pk=review.pk).stage == "decided"
