"""Assessor pages (queue, blind scoring, pre-check, release, calibration) and the issuer dashboard, over HTTP."""
import datetime as dt

import pytest
from django.utils import timezone

from microcred.accounts import services as account_services
from microcred.accounts.models import EducatorProfile, Organization, User
from microcred.assessment import services
from microcred.assessment.models import AnchorItem, Assignment, IssuerPolicy, Qualification, Review, Score, ScoringPolicy
from microcred.earning.models import Attempt, Decision

from .factories import certified_pool, levels, submitted

HOSTILE = '<script>alert("x")</script>'


@pytest.fixture
def mc(published):
    return published.micro_credential


@pytest.fixture
def pool(world, mc):
    return certified_pool(world, mc)


@pytest.fixture
def private_earner(world):
    """An earner whose every identifying detail is a string that appears nowhere else on the pages."""
    district = Organization.objects.create(slug="okefenokee-county", name="Okefenokee County Schools", kind="district", state="GA")
    school = Organization.objects.create(slug="pinecrest-hollow", name="Pinecrest Hollow Elementary", kind="school", parent=district)
    user = User.objects.create_user(username="wquack_7731", email="wilhelmina.q@uniq-mail.example", password="a-long-password-1",
                                    first_name="Wilhelmina", last_name="Quackenbush")
    account_services.grant_role(user=user, organization=district, role="earner")
    EducatorProfile.objects.create(user=user, district=district, school=school, state="GA")
    return user


IDENTITY = ["wquack_7731", "Wilhelmina", "Quackenbush", "wilhelmina.q@uniq-mail.example", "Okefenokee", "Pinecrest Hollow"]


def single_scoring(mc):
    ScoringPolicy.objects.update_or_create(micro_credential=mc, defaults={"calibration_period": 0, "random_double_rate": 0, "conditional_double": False})


def open_for(earner, mc):
    return services.open_review(submission=submitted(earner, mc))


def form_data(version, value="pass", overrides=None, feedback=None, comments=None):
    data = {f"level-{cid}": str(lvl) for cid, lvl in levels(version, value, overrides).items()}
    data.update({f"comment-{cid}": text for cid, text in (comments or {}).items()})
    data.update({f"feedback-{pid}": text for pid, text in (feedback or {}).items()})
    return data


def as_user(client, user):
    client.force_login(user)
    return client


def test_score_next_item_through_the_pages(client, world, mc, pool):
    single_scoring(mc)
    review = open_for(world["people"]["earner"], mc)
    first = review.assignments.get()
    c = as_user(client, first.assessor)
    queue = c.get("/assess/").content.decode()
    assert "Score next item" in queue and mc.current_version.title in queue and f"/assess/items/{first.pk}/" in queue
    assert ">First<" in queue and "Certified" in queue
    response = c.post("/assess/next/")
    assert response.status_code == 302 and response["Location"] == f"/assess/items/{first.pk}/"
    page = c.get(response["Location"]).content.decode()
    assert "Part 1:" in page and "Overview questions" in page and 'type="radio"' in page and "Submit scores" in page
    assert "Evidence of the practice — Demonstrated" in page  # descriptor text in the grid cell
    assert "https://video.example.org/lesson-1" in page and "Exit ticket" in page and "correct" in page
    part = review.version.parts.get(position=2)
    criterion = part.rubric.criteria.first()
    data = form_data(review.version, "top", {criterion.pk: 0}, feedback={part.pk: "Show the moment you changed course."},
                     comments={criterion.pk: "The video stops before the hinge question."})
    done = c.post(f"/assess/items/{first.pk}/", data, follow=True)
    assert "Scores saved" in done.content.decode()
    review.refresh_from_db()
    assert review.stage == "decided" and review.final_result == "not_yet"
    decision = Decision.objects.get(submission=review.submission)
    assert decision.part_feedback.filter(feedback="Show the moment you changed course.").exists()
    assert "Nothing to score right now" in c.post("/assess/next/", follow=True).content.decode()


def test_blind_view_shows_no_identity_and_escapes_evidence(client, world, mc, pool, private_earner):
    from microcred.earning import services as earning_services
    from microcred.earning.tests.factories import answer_everything

    single_scoring(mc)
    attempt = earning_services.start_attempt(earner=private_earner, micro_credential=mc)
    answer_everything(attempt, private_earner, text=HOSTILE)
    earning_services.confirm_privacy(attempt=attempt, by=private_earner)
    earning_services.submit_attempt(attempt=attempt, by=private_earner, note_to_assessor="Part 2 video starts at 1:10.")
    review = services.open_review(submission=attempt.submissions.get())
    first = review.assignments.get()
    c = as_user(client, first.assessor)
    for url in ("/assess/", f"/assess/items/{first.pk}/"):
        html = c.get(url).content.decode()
        for secret in IDENTITY:
            assert secret not in html, (url, secret)
    page = c.get(f"/assess/items/{first.pk}/").content.decode()
    assert "Part 2 video starts at 1:10." in page
    assert HOSTILE not in page and "&lt;script&gt;" in page


def test_second_reader_does_not_see_the_first_readers_scores(client, world, mc, pool):
    review = open_for(world["people"]["earner"], mc)  # calibration period: double scored
    first = review.assignments.get(role="first")
    part = review.version.parts.first()
    criterion = part.rubric.criteria.first()
    as_user(client, first.assessor).post(f"/assess/items/{first.pk}/", form_data(
        review.version, "pass", feedback={part.pk: "FIRST-READER-FEEDBACK-91"}, comments={criterion.pk: "FIRST-READER-COMMENT-37"}))
    second = review.assignments.get(role="second")
    assert second.assessor != first.assessor
    page = as_user(client, second.assessor).get(f"/assess/items/{second.pk}/").content.decode()
    assert "Second" in page and "Submit scores" in page
    assert "FIRST-READER-COMMENT-37" not in page and "FIRST-READER-FEEDBACK-91" not in page
    assert first.assessor.username not in page and first.assessor.first_name not in page
    assert "checked" not in page  # no level pre-selected from anyone's scores


def test_other_assessors_get_404_on_someone_elses_item(client, world, mc, pool):
    single_scoring(mc)
    review = open_for(world["people"]["earner"], mc)
    first = review.assignments.get()
    other = next(p for p in pool if p != first.assessor)
    c = as_user(client, other)
    assert c.get(f"/assess/items/{first.pk}/").status_code == 404
    assert c.post(f"/assess/items/{first.pk}/", form_data(review.version)).status_code == 404
    assert c.post(f"/assess/items/{first.pk}/release/", {"reason": "mine now"}).status_code == 404
    assert c.get("/assess/items/999999/").status_code == 404
    first.refresh_from_db()
    assert first.state == "assigned" and not first.scores.exists()


def test_earners_and_anonymous_visitors_cannot_reach_assessor_pages(client, world, mc, pool):
    single_scoring(mc)
    review = open_for(world["people"]["earner"], mc)
    first = review.assignments.get()
    for url in ("/assess/", f"/assess/items/{first.pk}/", "/assess/issuer/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    c = as_user(client, world["people"]["earner"])
    assert c.get("/assess/").status_code == 403
    assert c.post("/assess/next/").status_code == 403
    assert c.get(f"/assess/items/{first.pk}/").status_code == 404
    assert c.get("/assess/issuer/").status_code == 403
    assert "Assess<" not in c.get("/earn/").content.decode()  # no nav link for non-assessors
    assert 'href="/assess/"' in as_user(client, first.assessor).get("/earn/").content.decode()


def test_scores_outside_the_rubric_are_rejected_and_what_was_entered_is_kept(client, world, mc, pool):
    single_scoring(mc)
    review = open_for(world["people"]["earner"], mc)
    first = review.assignments.get()
    c = as_user(client, first.assessor)
    part = review.version.parts.first()
    criterion, other = part.rubric.criteria.all()[:2]
    bad = form_data(review.version, "pass", {criterion.pk: 7}, feedback={part.pk: "My careful feedback"}, comments={other.pk: "Kept comment"})
    page = c.post(f"/assess/items/{first.pk}/", bad).content.decode()
    assert "choose one of the rubric&#x27;s levels" in page and criterion.title in page
    assert "My careful feedback" in page and "Kept comment" in page
    assert f'name="level-{other.pk}" value="{part.rubric.passing_level}" aria-label="{other.title}: Demonstrated" checked' in page
    not_a_number = form_data(review.version, "pass")
    not_a_number[f"level-{criterion.pk}"] = "high"
    assert "choose one of the rubric&#x27;s levels" in c.post(f"/assess/items/{first.pk}/", not_a_number).content.decode()
    missing = form_data(review.version, "pass")
    del missing[f"level-{criterion.pk}"]
    assert "choose one of the rubric&#x27;s levels" in c.post(f"/assess/items/{first.pk}/", missing).content.decode()
    first.refresh_from_db()
    assert first.state == "assigned" and not Score.objects.filter(assignment=first).exists()
    assert Review.objects.get(pk=review.pk).stage == "first"


def test_release_needs_a_reason_and_hands_the_item_on(client, world, mc, pool):
    single_scoring(mc)
    review = open_for(world["people"]["earner"], mc)
    first = review.assignments.get()
    c = as_user(client, first.assessor)
    assert "Say why you release the item" in c.post(f"/assess/items/{first.pk}/release/", {"reason": "  "}).content.decode()
    first.refresh_from_db()
    assert first.state == "assigned"
    assert c.post(f"/assess/items/{first.pk}/release/", {"reason": "I taught with this person"}).status_code == 302
    first.refresh_from_db()
    assert first.state == "released" and review.assignments.get(state="assigned").assessor != first.assessor
    assert c.get(f"/assess/items/{first.pk}/").status_code == 404  # no longer theirs to see


def test_precheck_return_and_send_to_scoring(client, world, mc, pool):
    IssuerPolicy.objects.create(organization=mc.owner, precheck_enabled=True)
    review = open_for(world["people"]["earner"], mc)
    pre = review.assignments.get(role="precheck")
    c = as_user(client, pre.assessor)
    page = c.get(f"/assess/items/{pre.pk}/").content.decode()
    assert "Complete — send to scoring" in page and "Incomplete — return to earner" in page and 'type="radio"' not in page
    no_reason = c.post(f"/assess/items/{pre.pk}/precheck/", {"complete": "0", "reason": ""}).content.decode()
    assert "Say what is missing" in no_reason
    assert Review.objects.get(pk=review.pk).stage == "precheck"
    assert c.post(f"/assess/items/{pre.pk}/", form_data(review.version)).status_code == 200  # scores are not how a pre-check ends
    assert not Score.objects.exists()
    c.post(f"/assess/items/{pre.pk}/precheck/", {"complete": "0", "reason": "The video does not play past 0:40."})
    review.refresh_from_db()
    assert review.stage == "returned" and Attempt.objects.get(pk=review.submission.attempt_id).state == "draft"

    other = open_for(world["people"]["other_earner"], mc)
    pre2 = other.assignments.get(role="precheck")
    as_user(client, pre2.assessor).post(f"/assess/items/{pre2.pk}/precheck/", {"complete": "1"})
    other.refresh_from_db()
    assert other.stage == "first" and other.assignments.filter(role="first", state="assigned").exists()


def _decided_review(world, mc, earner="earner"):
    single_scoring(mc)
    review = open_for(world["people"][earner], mc)
    first = review.assignments.get()
    services.submit_scores(assignment=first, by=first.assessor, levels=levels(review.version, "pass"))
    review.refresh_from_db()
    return review


def test_check_items_look_exactly_like_first_reads(client, world, mc, pool):
    review = _decided_review(world, mc)
    anchor = services.create_anchor_from_submission(submission=review.submission, by=world["people"]["issuer_admin"], title="SECRET-ANCHOR-TITLE",
                                                    levels=levels(review.version, "pass"))
    rater = pool[3]
    check = Assignment.objects.create(anchor_item=anchor, assessor=rater, role="check")
    c = as_user(client, rater)
    queue = c.get("/assess/").content.decode()
    assert ">First<" in queue and "Check" not in queue and "SECRET-ANCHOR-TITLE" not in queue
    page = c.get(f"/assess/items/{check.pk}/").content.decode()
    assert 'id="item-role">First<' in page and "Due " in page and "Submit scores" in page
    assert "SECRET-ANCHOR-TITLE" not in page and "check" not in page.lower().replace("checked", "")
    c.post(f"/assess/items/{check.pk}/", form_data(review.version, "pass"))
    check.refresh_from_db()
    assert check.state == "scored"


def test_issuer_dashboard_shows_health_reliability_and_pools(client, world, mc, pool):
    _decided_review(world, mc)
    c = as_user(client, world["people"]["issuer_admin"])
    overview = c.get("/assess/issuer/").content.decode()
    assert mc.current_version.title in overview and "Waiting 0 · Overdue 0 · Unassigned 0 · Pool" in overview
    assert f'href="/assess/issuer/mc/{mc.slug}/"' in overview  # the details are on the MC's own page (issue 18)
    page = c.get(f"/assess/issuer/mc/{mc.slug}/").content.decode()
    for text in ("Queue health", "Exact agreement", "Quadratic weighted kappa", "Krippendorff", "Gwet", "Pass rate", "Assessor pool",
                 "Calibration set", "make an anchor", pool[0].get_full_name()):
        assert text in page, text
    assert as_user(client, world["people"]["platform_admin"]).get(f"/assess/issuer/mc/{mc.slug}/").status_code == 200


def test_issuer_dashboard_is_closed_to_other_organizations_and_assessors(client, world, mc, pool):
    c = as_user(client, world["people"]["other_admin"])
    assert c.get(f"/assess/issuer/mc/{mc.slug}/").status_code == 403
    assert mc.current_version.title not in c.get("/assess/issuer/").content.decode()
    assert c.post(f"/assess/issuer/mc/{mc.slug}/pool/", {f"p{mc.pk}-assessor": world["people"]["assessor"].pk}).status_code == 403
    assert as_user(client, pool[0]).get("/assess/issuer/").status_code == 403
    assert as_user(client, world["people"]["assessor"]).get(f"/assess/issuer/mc/{mc.slug}/").status_code == 403
    assert not Qualification.objects.filter(assessor=world["people"]["assessor"]).exists()


def test_reassign_an_overdue_item_requires_a_reason(client, world, mc, pool):
    single_scoring(mc)
    review = open_for(world["people"]["earner"], mc)
    Review.objects.filter(pk=review.pk).update(due_at=timezone.now() - dt.timedelta(days=2))
    stuck = review.assignments.get()
    target = next(p for p in pool if p != stuck.assessor)
    c = as_user(client, world["people"]["issuer_admin"])
    page = c.get(f"/assess/issuer/mc/{mc.slug}/").content.decode()
    assert f'action="/assess/issuer/assignments/{stuck.pk}/reassign/"' in page and target.get_full_name() in page
    no_reason = c.post(f"/assess/issuer/assignments/{stuck.pk}/reassign/", {f"r{stuck.pk}-to": target.pk, f"r{stuck.pk}-reason": ""}, follow=True)
    assert "Say why the item is reassigned." in no_reason.content.decode()
    stuck.refresh_from_db()
    assert stuck.state == "assigned"
    assert as_user(client, world["people"]["other_admin"]).post(
        f"/assess/issuer/assignments/{stuck.pk}/reassign/", {f"r{stuck.pk}-to": target.pk, f"r{stuck.pk}-reason": "overdue"}).status_code == 403
    c = as_user(client, world["people"]["issuer_admin"])
    done = c.post(f"/assess/issuer/assignments/{stuck.pk}/reassign/", {f"r{stuck.pk}-to": target.pk, f"r{stuck.pk}-reason": "Overdue by two days"},
                  follow=True)
    assert "Item reassigned." in done.content.decode()
    assert review.assignments.get(state="assigned").assessor == target


def test_pool_manager_calibration_set_and_calibration(client, world, mc, pool):
    review = _decided_review(world, mc)
    newcomer = world["people"]["assessor"]
    admin = as_user(client, world["people"]["issuer_admin"])
    added = admin.post(f"/assess/issuer/mc/{mc.slug}/pool/", {f"p{mc.pk}-assessor": newcomer.pk, f"p{mc.pk}-senior": "on"}, follow=True)
    assert "is in the pool" in added.content.decode()
    q = Qualification.objects.get(assessor=newcomer, micro_credential=mc)
    assert q.status == "training" and q.senior

    c = as_user(client, newcomer)
    assert "Start calibration" in c.get("/assess/").content.decode()
    assert "no calibration set yet" in c.post(f"/assess/calibration/{mc.slug}/start/", follow=True).content.decode()

    admin = as_user(client, world["people"]["issuer_admin"])
    form = admin.get(f"/assess/issuer/reviews/{review.pk}/anchor/").content.decode()
    assert "checked" in form  # starts from the deciding levels
    assert "Give the anchor a title." in admin.post(f"/assess/issuer/reviews/{review.pk}/anchor/",
                                                    form_data(review.version, "pass", ) | {"title": ""}).content.decode()
    made = admin.post(f"/assess/issuer/reviews/{review.pk}/anchor/", form_data(review.version, "pass") | {"title": "Solid pass, clear video"},
                      follow=True)
    assert "Solid pass, clear video" in made.content.decode()
    assert AnchorItem.objects.get().anchor_scores.count() == sum(p.rubric.criteria.count() for p in review.version.parts.all())

    c = as_user(client, newcomer)
    started = c.post(f"/assess/calibration/{mc.slug}/start/")
    calibration = Assignment.objects.get(assessor=newcomer, role="calibration")
    assert started["Location"] == f"/assess/items/{calibration.pk}/"
    assert "Calibration item 1" in c.get("/assess/").content.decode()
    c.post(f"/assess/items/{calibration.pk}/", form_data(review.version, "pass"))
    q.refresh_from_db()
    assert q.status == "certified"
    assert as_user(client, pool[0]).post(f"/assess/calibration/{mc.slug}/start/").status_code in (302,)  # in the pool: allowed
    outsider = User.objects.create_user(username="outsider", password="a-long-password-1")
    account_services.grant_role(user=outsider, organization=mc.owner, role="assessor")
    assert as_user(client, outsider).post(f"/assess/calibration/{mc.slug}/start/").status_code == 404


def test_locked_parts_are_shown_as_passed_earlier_without_inputs(client, world, mc, pool):
    from microcred.earning import services as earning_services
    from microcred.earning.tests.factories import levels_for, submit_complete

    single_scoring(mc)
    earner = world["people"]["earner"]
    attempt = earning_services.start_attempt(earner=earner, micro_credential=mc)
    submit_complete(attempt, earner)
    review = services.open_review(submission=attempt.submissions.get())
    first = review.assignments.get()
    services.submit_scores(assignment=first, by=first.assessor, levels=levels_for(attempt, failing_parts=(3,)))
    attempt.refresh_from_db()
    assert attempt.state == "not_yet"
    submit_complete(attempt, earner)
    again = services.open_review(submission=attempt.submissions.get(number=2))
    item = again.assignments.get()
    page = as_user(client, item.assessor).get(f"/assess/items/{item.pk}/").content.decode()
    assert page.count("Passed earlier, not re-scored.") == 2
    part3 = mc.current_version.parts.get(position=3)
    locked_criterion = mc.current_version.parts.get(position=1).rubric.criteria.first()
    assert f"level-{part3.rubric.criteria.first().pk}" in page and f"level-{locked_criterion.pk}" not in page
    c = as_user(client, item.assessor)
    c.post(f"/assess/items/{item.pk}/", {f"level-{part3.rubric.criteria.first().pk}": "1", f"feedback-{part3.pk}": "Specific now."})
    again.refresh_from_db()
    assert again.final_result == "earned"
