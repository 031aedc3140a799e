import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from microcred.earning import selectors, services
from microcred.earning.models import Attempt, CoachAssignment, Decision, Notification, Submission
from microcred.earning.signals import attempt_earned

from .factories import answer_everything, levels_for, submit_complete


@pytest.fixture
def attempt(world, published):
    return services.start_attempt(earner=world["people"]["earner"], micro_credential=published.micro_credential)


def test_start_is_on_the_exact_published_version_and_idempotent(world, published, attempt):
    assert attempt.version_id == published.pk and attempt.state == "draft"
    assert attempt.responses.count() == 3
    again = services.start_attempt(earner=world["people"]["earner"], micro_credential=published.micro_credential)
    assert again.pk == attempt.pk and Attempt.objects.count() == 1


def test_cannot_start_drafts_or_invisible_mcs(world, publish_mc):
    from microcred.catalog import services as catalog_services
    from microcred.catalog.tests.factories import make_definition

    draft = catalog_services.create_micro_credential(owner=world["orgs"]["issuer"], definition=make_definition(title="Draft"), by=world["people"]["author"])
    with pytest.raises(ValidationError):
        services.start_attempt(earner=world["people"]["earner"], micro_credential=draft.micro_credential)
    members = publish_mc(title="Members", visibility="members", visible_to=["rural-district"])
    with pytest.raises(ValidationError):
        services.start_attempt(earner=world["people"]["other_earner"], micro_credential=members.micro_credential)
    assert services.start_attempt(earner=world["people"]["earner"], micro_credential=members.micro_credential).pk


def test_answers_autosave_and_refuse_bad_input(world, attempt):
    earner = world["people"]["earner"]
    part1 = attempt.version.parts.get(position=1)
    written, quiz = part1.prompts.order_by("position")
    services.save_answer(attempt=attempt, by=earner, prompt=written, text="First draft")
    services.save_answer(attempt=attempt, by=earner, prompt=written, text="Second draft")  # autosave replaces
    assert [e.text for e in selectors.evidence_of(attempt)] == ["Second draft"]
    with pytest.raises(ValidationError, match="Choose one of the options"):
        services.save_answer(attempt=attempt, by=earner, prompt=quiz, choice=7)
    video_prompt = attempt.version.parts.get(position=2).prompts.get()
    for bad in ("javascript:alert(1)", "ftp://x.org/a", "not a url", "https://" + "a" * 1000 + ".org"):
        with pytest.raises(ValidationError, match="http"):
            services.save_answer(attempt=attempt, by=earner, prompt=video_prompt, url=bad)
    with pytest.raises(ValidationError, match="under 20,000"):
        services.save_answer(attempt=attempt, by=earner, prompt=written, text="x" * 20_001)
    assert [e.text for e in selectors.evidence_of(attempt)] == ["Second draft"]  # nothing saved was lost
    services.save_answer(attempt=attempt, by=earner, prompt=written, text="<script>alert(1)</script>\x00")
    assert selectors.evidence_of(attempt).get().text == "<script>alert(1)</script>"


def test_only_the_earner_changes_the_attempt(world, published, attempt):
    prompt = attempt.version.parts.get(position=1).prompts.first()
    with pytest.raises(PermissionDenied):
        services.save_answer(attempt=attempt, by=world["people"]["other_earner"], prompt=prompt, text="hijack")
    with pytest.raises(PermissionDenied):
        services.submit_attempt(attempt=attempt, by=world["people"]["other_earner"])
    with pytest.raises(Http404):
        selectors.attempt_for(user=world["people"]["other_earner"], attempt_id=attempt.pk)
    other = services.start_attempt(earner=world["people"]["other_earner"], micro_credential=published.micro_credential)
    with pytest.raises(ValidationError, match="does not belong"):
        _foreign_prompt(world, other)


def _foreign_prompt(world, attempt):
    from microcred.catalog import services as catalog_services
    from microcred.catalog.tests.factories import make_definition

    version = catalog_services.create_micro_credential(owner=world["orgs"]["issuer"], definition=make_definition(title="Another"), by=world["people"]["author"])
    services.save_answer(attempt=attempt, by=attempt.earner, prompt=version.parts.first().prompts.first(), text="x")


def test_submit_needs_privacy_and_every_answer(world, attempt):
    earner = world["people"]["earner"]
    with pytest.raises(ValidationError) as exc:
        services.submit_attempt(attempt=attempt, by=earner)
    assert {"privacy", "parts"} <= set(exc.value.message_dict)
    assert any("Answer:" in m for m in exc.value.message_dict["parts"])
    submitted = submit_complete(attempt, earner, note="First try")
    assert submitted.state == "submitted"
    submission = submitted.submissions.get()
    assert submission.note_to_assessor == "First try" and submission.snapshot["parts"][0]["quiz"] == {"correct": 1, "total": 1}
    with pytest.raises(ValidationError, match="locked"):
        services.save_answer(attempt=submitted, by=earner, prompt=attempt.version.parts.first().prompts.first(), text="late change")


def test_double_submit_is_one_submission(world, attempt):
    earner = world["people"]["earner"]
    submit_complete(attempt, earner)
    services.submit_attempt(attempt=attempt, by=earner)
    assert Submission.objects.filter(attempt=attempt).count() == 1
    assert Notification.objects.filter(user=earner, kind="submitted").count() == 1


def test_withdraw_then_edit_then_resubmit(world, attempt):
    earner = world["people"]["earner"]
    with pytest.raises(ValidationError, match="waiting for assessment"):
        services.withdraw_submission(attempt=attempt, by=earner)
    submit_complete(attempt, earner)
    services.withdraw_submission(attempt=attempt, by=earner)
    attempt.refresh_from_db()
    assert attempt.state == "draft" and attempt.submissions.get().state == "withdrawn"
    services.submit_attempt(attempt=attempt, by=earner)
    assert attempt.submissions.count() == 2


def test_delete_an_unsubmitted_draft(world, attempt):
    services.abandon_attempt(attempt=attempt, by=world["people"]["earner"])
    assert not Attempt.objects.filter(pk=attempt.pk).exists()


def test_not_yet_then_revise_only_what_failed_then_earned(world, attempt, django_capture_on_commit_callbacks):
    earner, assessor = world["people"]["earner"], world["people"]["assessor"]
    submit_complete(attempt, earner)
    submission = attempt.submissions.get()
    part2 = attempt.version.parts.get(position=2)
    decision = services.record_decision(submission=submission, by=assessor, levels=levels_for(attempt, failing_parts=(2,)),
                                        part_feedback={part2.pk: "Show how you adjusted after the hinge question."})
    attempt.refresh_from_db()
    assert decision.result == "not_yet" and attempt.state == "not_yet"
    locked = dict(attempt.responses.values_list("part__position", "locked"))
    assert locked == {1: True, 2: False, 3: True}
    with pytest.raises(ValidationError, match="kept as it was"):
        services.save_answer(attempt=attempt, by=earner, prompt=attempt.version.parts.get(position=1).prompts.first(), text="change")
    services.save_answer(attempt=attempt, by=earner, prompt=part2.prompts.get(), url="https://video.example.org/lesson-2")
    services.submit_attempt(attempt=attempt, by=earner, note_to_assessor="I re-recorded the lesson.")
    second = attempt.submissions.get(number=2)
    earned = []
    attempt_earned.connect(lambda **kw: earned.append(kw["attempt_id"]), weak=False, dispatch_uid="test-earned")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.record_decision(submission=second, by=assessor, levels=levels_for(attempt))
            services.record_decision(submission=second, by=assessor, levels=levels_for(attempt, passing=False))  # exactly once
    finally:
        attempt_earned.disconnect(dispatch_uid="test-earned")
    attempt.refresh_from_db()
    assert attempt.state == "earned" and earned == [attempt.pk]
    assert Decision.objects.filter(submission__attempt=attempt).count() == 2
    history = selectors.submission_history(attempt)
    assert [h["decision"].result for h in history] == ["earned", "not_yet"]
    assert next(f for f in history[1]["feedback"] if f.part_id == part2.pk).feedback.startswith("Show how")
    assert selectors.earned_micro_credential_ids(earner) == {attempt.micro_credential_id}
    assert any("earned" in m.subject.lower() or "decision" in m.subject.lower() for m in mail.outbox)


def test_decision_refuses_incomplete_or_invalid_scores(world, attempt):
    submit_complete(attempt, world["people"]["earner"])
    submission = attempt.submissions.get()
    levels = levels_for(attempt)
    first = next(iter(levels))
    with pytest.raises(ValidationError, match="Score every criterion"):
        services.record_decision(submission=submission, by=world["people"]["assessor"], levels={k: v for k, v in levels.items() if k != first})
    with pytest.raises(ValidationError, match="rubric's levels"):
        services.record_decision(submission=submission, by=world["people"]["assessor"], levels={**levels, first: 9})
    assert not Decision.objects.exists()


def test_coach_conversation_required_after_n_not_yet(world, attempt):
    from microcred.catalog.models import MicroCredential

    MicroCredential.objects.filter(pk=attempt.micro_credential_id).update(coach_conversation_after=1)
    earner, coach = world["people"]["earner"], world["people"]["assessor"]
    submit_complete(attempt, earner)
    services.record_decision(submission=attempt.submissions.get(), by=coach, levels=levels_for(attempt, failing_parts=(3,)))
    attempt.refresh_from_db()
    with pytest.raises(ValidationError, match="talk with your coach"):
        services.submit_attempt(attempt=attempt, by=earner)
    with pytest.raises(PermissionDenied):
        services.record_coach_conversation(attempt=attempt, by=coach, held_on=attempt.started_at.date())
    CoachAssignment.objects.create(earner=earner, coach=coach)
    services.record_coach_conversation(attempt=attempt, by=coach, held_on=attempt.started_at.date(), note="Talked about reflection depth.")
    assert services.submit_attempt(attempt=attempt, by=earner).state == "submitted"


def test_coach_sees_only_shared_drafts_of_own_coachees(world, attempt):
    earner, coach, stranger = world["people"]["earner"], world["people"]["assessor"], world["people"]["other_earner"]
    CoachAssignment.objects.create(earner=earner, coach=coach)
    assert not selectors.can_view_attempt(coach, attempt)
    with pytest.raises(PermissionDenied):
        services.add_coach_comment(attempt=attempt, by=coach, text="Nice start")
    services.set_shared_with_coach(attempt=attempt, by=earner, shared=True)
    attempt.refresh_from_db()
    assert selectors.can_view_attempt(coach, attempt) and not selectors.can_view_attempt(stranger, attempt)
    services.add_coach_comment(attempt=attempt, by=coach, text="Nice start")
    assert Notification.objects.filter(user=earner, kind="coach_comment").exists()
    with pytest.raises(PermissionDenied):
        services.add_coach_comment(attempt=attempt, by=stranger, text="I am not your coach")


def test_submission_window(world, attempt):
    import datetime as dt

    from django.utils import timezone

    from microcred.earning.models import Cohort

    cohort = Cohort.objects.create(organization=world["orgs"]["district"], name="Spring cohort", deadline=timezone.now() - dt.timedelta(days=1))
    Attempt.objects.filter(pk=attempt.pk).update(cohort=cohort)
    attempt.refresh_from_db()
    answer_everything(attempt, world["people"]["earner"])
    services.confirm_privacy(attempt=attempt, by=world["people"]["earner"])
    with pytest.raises(ValidationError, match="deadline for Spring cohort"):
        services.submit_attempt(attempt=attempt, by=world["people"]["earner"])


def test_fees_and_vouchers(world, publish_mc):
    from microcred.earning.models import Voucher
    from microcred.earning.sponsorship import redeem_voucher

    paid = publish_mc(title="Paid MC", cost="fee", fee_amount="45.00")
    earner = world["people"]["earner"]
    attempt = services.start_attempt(earner=earner, micro_credential=paid.micro_credential)
    assert str(attempt.fee_amount) == "45.00" and attempt.paid_by_organization is None
    Voucher.objects.create(sponsor=world["orgs"]["district"], code="RURAL-2026", max_uses=1)
    with pytest.raises(ValidationError, match="not valid"):
        redeem_voucher(attempt=attempt, code="NOPE", by=earner)
    with pytest.raises(PermissionDenied):
        redeem_voucher(attempt=attempt, code="RURAL-2026", by=world["people"]["other_earner"])
    redeem_voucher(attempt=attempt, code="rural-2026", by=earner)
    attempt.refresh_from_db()
    assert attempt.paid_by_organization == world["orgs"]["district"]
    other = services.start_attempt(earner=world["people"]["other_earner"], micro_credential=paid.micro_credential)
    with pytest.raises(ValidationError):
        redeem_voucher(attempt=other, code="RURAL-2026", by=world["people"]["other_earner"])  # used up
    Voucher.objects.create(sponsor=world["orgs"]["other_district"], automatic_for_members=True)
    third_mc = publish_mc(title="Paid MC 2", cost="fee", fee_amount="10")
    auto = services.start_attempt(earner=world["people"]["other_earner"], micro_credential=third_mc.micro_credential)
    assert auto.paid_by_organization == world["orgs"]["other_district"]
