"""Growth plans, priorities and recommendations: services, pages and who must not be able to use them."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from microcred.accounts.models import EducatorProfile, User
from microcred.accounts import services as accounts_services
from microcred.catalog import services as catalog_services
from microcred.core.models import AuditEvent
from microcred.earning import plans, services
from microcred.earning.models import Attempt, CoachAssignment, Notification, PlanItem, PriorityMicroCredential

HOSTILE = '<script>alert("pwned")</script>'


@pytest.fixture
def mcs(world, publish_mc):
    """Four published public MCs: two for teachers, one for principals, one for counselors."""
    return {
        "hinge": publish_mc(title="Hinge Questions").micro_credential,
        "feedback": publish_mc(title="Feedback Loops").micro_credential,
        "leader": publish_mc(title="Leading Data Teams", educator_roles=["principal"]).micro_credential,
        "counsel": publish_mc(title="Counseling Conversations", educator_roles=["counselor"]).micro_credential,
    }


@pytest.fixture
def supervisor(world):
    """The earner's principal: a member of the earner's district (supervisors come from one's own organizations)."""
    user = User.objects.create_user(username="principal", password="pw-principal-123", first_name="Pat", last_name="Principal")
    accounts_services.grant_role(user=user, organization=world["orgs"]["district"], role="earner")
    return user


@pytest.fixture
def coach(world):
    user = User.objects.create_user(username="coach", password="pw-coach-123", first_name="Casey", last_name="Coach")
    CoachAssignment.objects.create(earner=world["people"]["earner"], coach=user)
    return user


def _plan(world, supervisor=None):
    plan = plans.plan_for(world["people"]["earner"])
    if supervisor:
        plans.set_supervisor(plan=plan, by=world["people"]["earner"], supervisor=supervisor)
    return plan


# --- Services --------------------------------------------------------------------------------

def test_plan_is_created_once_and_goals_are_the_earners(world):
    earner = world["people"]["earner"]
    plan = plans.plan_for(earner)
    assert plans.plan_for(earner).pk == plan.pk
    plans.update_goals(plan=plan, by=earner, goals="  Better questioning in grade 5 math.  ")
    plan.refresh_from_db()
    assert plan.goals == "Better questioning in grade 5 math."
    assert AuditEvent.objects.filter(action="plan.goals_updated").exists()
    with pytest.raises(ValidationError) as exc:
        plans.update_goals(plan=plan, by=earner, goals="x" * 5001)
    assert "5,000" in exc.value.message_dict["goals"][0]
    with pytest.raises(PermissionDenied):
        plans.update_goals(plan=plan, by=world["people"]["other_earner"], goals="Mine now")
    plan.refresh_from_db()
    assert plan.goals == "Better questioning in grade 5 math."


def test_propose_by_earner_supervisor_and_coach(world, mcs, supervisor, coach):
    earner = world["people"]["earner"]
    plan = _plan(world, supervisor)
    own = plans.propose_item(plan=plan, by=earner, micro_credential=mcs["hinge"], note="For my math block")
    guided = plans.propose_item(plan=plan, by=supervisor, micro_credential=mcs["feedback"])
    coached = plans.propose_item(plan=plan, by=coach, micro_credential=mcs["leader"])
    assert [i.state for i in (own, guided, coached)] == ["proposed"] * 3
    rows = {row["item"].pk: row for row in plans.plan_items(plan)}
    assert not rows[own.pk]["guided"] and rows[guided.pk]["guided"] and rows[coached.pk]["guided"]
    # The earner hears about guided choices, not about their own proposals.
    assert Notification.objects.filter(user=earner, kind="plan").count() == 2


def test_proposals_refuse_duplicates_strangers_and_bad_input(world, mcs, publish_mc):
    earner = world["people"]["earner"]
    plan = _plan(world)
    plans.propose_item(plan=plan, by=earner, micro_credential=mcs["hinge"])
    with pytest.raises(ValidationError) as exc:
        plans.propose_item(plan=plan, by=earner, micro_credential=mcs["hinge"])
    assert "already on this growth plan" in exc.value.message_dict["micro_credential"][0]
    with pytest.raises(PermissionDenied):
        plans.propose_item(plan=plan, by=world["people"]["other_earner"], micro_credential=mcs["feedback"])
    with pytest.raises(ValidationError):
        plans.propose_item(plan=plan, by=earner)
    with pytest.raises(ValidationError):
        plans.propose_item(plan=plan, by=earner, micro_credential=mcs["feedback"], note="x" * 501)
    hidden = publish_mc(title="City Only", visibility="members", visible_to=["city-district"]).micro_credential
    with pytest.raises(ValidationError) as exc:
        plans.propose_item(plan=plan, by=earner, micro_credential=hidden)
    assert "not open" in exc.value.message_dict["micro_credential"][0]
    assert plan.items.count() == 1


def test_a_declined_item_may_be_proposed_again(world, mcs, supervisor):
    earner = world["people"]["earner"]
    plan = _plan(world, supervisor)
    item = plans.propose_item(plan=plan, by=earner, micro_credential=mcs["hinge"])
    plans.decide_item(item=item, by=supervisor, approve=False)
    again = plans.propose_item(plan=plan, by=earner, micro_credential=mcs["hinge"])
    assert again.pk != item.pk


def test_decide_only_by_supervisor_or_own_coach(world, mcs, supervisor, coach):
    earner = world["people"]["earner"]
    plan = _plan(world, supervisor)
    item = plans.propose_item(plan=plan, by=earner, micro_credential=mcs["hinge"])
    with pytest.raises(PermissionDenied):
        plans.decide_item(item=item, by=earner, approve=True)
    someone_elses_coach = User.objects.create_user(username="othercoach", password="pw-x-123456")
    CoachAssignment.objects.create(earner=world["people"]["other_earner"], coach=someone_elses_coach)
    with pytest.raises(PermissionDenied):
        plans.decide_item(item=item, by=someone_elses_coach, approve=True)
    inactive = User.objects.create_user(username="formercoach", password="pw-x-123456")
    CoachAssignment.objects.create(earner=earner, coach=inactive, active=False)
    with pytest.raises(PermissionDenied):
        plans.decide_item(item=item, by=inactive, approve=True)
    item.refresh_from_db()
    assert item.state == "proposed"

    plans.decide_item(item=item, by=supervisor, approve=True)
    plans.decide_item(item=item, by=supervisor, approve=True)  # twice: one notification
    item.refresh_from_db()
    assert item.state == "approved" and item.decided_by == supervisor
    assert Notification.objects.filter(user=earner, kind="plan", message__contains="approved").count() == 1
    other = plans.propose_item(plan=plan, by=earner, micro_credential=mcs["feedback"])
    plans.decide_item(item=other, by=coach, approve=False)
    other.refresh_from_db()
    assert other.state == "declined"


@pytest.mark.parametrize("who", ["other_earner", "issuer_admin", "platform_admin", "inactive"])
def test_a_supervisor_outside_the_earners_organizations_is_refused_and_never_named_or_notified(client, world, who):
    """Issue 14: the supervisor field turned any username into a full name and notified that person."""
    earner = world["people"]["earner"]
    if who == "inactive":
        person = User.objects.create_user(username="gone", first_name="Gone", last_name="Away", is_active=False)
        accounts_services.grant_role(user=person, organization=world["orgs"]["district"], role="earner")
    else:
        person = world["people"][who]
    plan = _plan(world)
    with pytest.raises(ValidationError, match="No active person of your school or district"):
        plans.set_supervisor(plan=plan, by=earner, supervisor=person)
    client.force_login(earner)
    response = client.post(reverse("earning:plan"), {"action": "supervisor", "supervisor": person.username.upper()})
    body = response.content.decode()
    assert response.status_code == 200 and "No active person of your school or district has that username" in body
    assert person.get_full_name() not in body  # the page does not reveal who holds the username
    # The same answer as for a username nobody holds.
    unknown = client.post(reverse("earning:plan"), {"action": "supervisor", "supervisor": "nobody-at-all"}).content.decode()
    assert "No active person of your school or district has that username" in unknown
    plan.refresh_from_db()
    assert plan.supervisor is None and not Notification.objects.filter(user=person).exists()


def test_supervisor_candidates_are_the_earners_organizations_members(world, supervisor):
    earner = world["people"]["earner"]
    assert list(plans.supervisor_candidates(earner)) == [supervisor]


def test_supervisor_is_set_by_the_earner_or_a_platform_admin(world, supervisor):
    earner = world["people"]["earner"]
    plan = _plan(world)
    with pytest.raises(PermissionDenied):
        plans.set_supervisor(plan=plan, by=supervisor, supervisor=supervisor)
    with pytest.raises(ValidationError):
        plans.set_supervisor(plan=plan, by=earner, supervisor=earner)
    plans.set_supervisor(plan=plan, by=world["people"]["platform_admin"], supervisor=supervisor)
    plan.refresh_from_db()
    assert plan.supervisor == supervisor
    assert Notification.objects.filter(user=supervisor, kind="plan").exists()
    plans.set_supervisor(plan=plan, by=earner, supervisor=None)
    plan.refresh_from_db()
    assert plan.supervisor is None


def test_priorities_by_recognizer_admins_of_districts_and_states_only(world, mcs):
    state, district, issuer = world["orgs"]["state"], world["orgs"]["district"], world["orgs"]["issuer"]
    recognizer = world["people"]["recognizer"]
    priority = plans.mark_priority(organization=state, micro_credential=mcs["hinge"], by=recognizer, reason="Evaluation growth area")
    assert priority.reason == "Evaluation growth area"
    plans.mark_priority(organization=state, micro_credential=mcs["hinge"], by=recognizer, reason="Updated")  # again: updates
    assert PriorityMicroCredential.objects.get().reason == "Updated"
    with pytest.raises(PermissionDenied):  # a state recognizer is not the district's admin
        plans.mark_priority(organization=district, micro_credential=mcs["hinge"], by=recognizer)
    with pytest.raises(PermissionDenied):
        plans.mark_priority(organization=state, micro_credential=mcs["feedback"], by=world["people"]["earner"])
    with pytest.raises(ValidationError):
        plans.mark_priority(organization=issuer, micro_credential=mcs["hinge"], by=world["people"]["platform_admin"])
    with pytest.raises(ValidationError):
        plans.mark_priority(organization=state, micro_credential=mcs["feedback"], by=recognizer, reason="x" * 301)
    plans.mark_priority(organization=district, micro_credential=mcs["feedback"], by=world["people"]["platform_admin"])
    plans.unmark_priority(organization=state, micro_credential=mcs["hinge"], by=recognizer)
    plans.unmark_priority(organization=state, micro_credential=mcs["hinge"], by=recognizer)  # idempotent
    assert list(PriorityMicroCredential.objects.values_list("micro_credential__slug", flat=True)) == [mcs["feedback"].slug]


# --- Recommendations -------------------------------------------------------------------------

def test_recommendations_rank_plan_then_priorities_then_role(world, mcs, supervisor, publish_mc):
    earner = world["people"]["earner"]
    extra = publish_mc(title="Wait Time").micro_credential  # for teachers, on nobody's list
    plan = _plan(world, supervisor)
    proposed = plans.propose_item(plan=plan, by=earner, micro_credential=mcs["counsel"])
    approved = plans.propose_item(plan=plan, by=earner, micro_credential=mcs["leader"])
    plans.decide_item(item=approved, by=supervisor, approve=True)
    plans.mark_priority(organization=world["orgs"]["state"], micro_credential=mcs["feedback"], by=world["people"]["recognizer"],
                        reason="Most common growth area")
    admin = User.objects.create_user(username="district_admin", password="pw-x-123456")
    accounts_services.grant_role(user=admin, organization=world["orgs"]["district"], role="recognizer_admin")
    plans.mark_priority(organization=world["orgs"]["district"], micro_credential=mcs["hinge"], by=admin)
    EducatorProfile.objects.create(user=earner, position=EducatorProfile.Position.TEACHER, state="TN", district=world["orgs"]["district"])

    recs = plans.recommendations(earner=earner, limit=10)
    slugs = [r["micro_credential"].slug for r in recs]
    assert slugs == [mcs["leader"].slug, mcs["counsel"].slug, mcs["hinge"].slug, mcs["feedback"].slug, extra.slug]
    by_slug = {r["micro_credential"].slug: r for r in recs}
    assert by_slug[mcs["leader"].slug]["reasons"] == ["On your growth plan, approved by Pat Principal"]
    assert by_slug[mcs["feedback"].slug]["reasons"][0] == "A priority of State Agency: Most common growth area"
    assert "Written for teachers" in by_slug[mcs["feedback"].slug]["reasons"]  # a second reason, same entry
    assert by_slug[mcs["hinge"].slug]["reasons"][0] == "A priority of Rural District"
    assert by_slug[extra.slug]["reasons"] == ["Written for teachers"]
    assert recs[0]["version"] == mcs["leader"].current_version
    assert len(plans.recommendations(earner=earner, limit=2)) == 2
    assert proposed.state == "proposed"


def test_written_for_the_position_adds_its_reason_to_chosen_mcs_and_fills_the_places_left(world, mcs, publish_mc):
    earner = world["people"]["earner"]
    EducatorProfile.objects.create(user=earner, position=EducatorProfile.Position.TEACHER)
    newer = publish_mc(title="Wait Time").micro_credential  # for teachers, published after hinge and feedback
    plans.mark_priority(organization=world["orgs"]["state"], micro_credential=mcs["hinge"], by=world["people"]["recognizer"])
    plans.mark_priority(organization=world["orgs"]["state"], micro_credential=mcs["leader"], by=world["people"]["recognizer"])
    # The limit is full with priorities: the oldest teacher MC among them still says it is written for teachers.
    full = plans.recommendations(earner=earner, limit=2)
    assert [(r["micro_credential"].slug, r["reasons"]) for r in full] == [
        (mcs["hinge"].slug, ["A priority of State Agency", "Written for teachers"]), (mcs["leader"].slug, ["A priority of State Agency"])]
    # Places left: the newest teacher MCs fill them, after the chosen ones, never twice.
    more = plans.recommendations(earner=earner, limit=4)
    assert [r["micro_credential"].slug for r in more] == [mcs["hinge"].slug, mcs["leader"].slug, newer.slug, mcs["feedback"].slug]


def test_recommendations_exclude_earned_open_and_invisible(world, mcs, publish_mc):
    earner = world["people"]["earner"]
    EducatorProfile.objects.create(user=earner, position=EducatorProfile.Position.TEACHER)
    hidden = publish_mc(title="City Only", visibility="members", visible_to=["city-district"]).micro_credential
    plans.mark_priority(organization=world["orgs"]["state"], micro_credential=hidden, by=world["people"]["recognizer"])
    services.start_attempt(earner=earner, micro_credential=mcs["hinge"])  # open: excluded
    earned = services.start_attempt(earner=earner, micro_credential=mcs["feedback"])
    Attempt.objects.filter(pk=earned.pk).update(state=Attempt.State.EARNED)
    slugs = {r["micro_credential"].slug for r in plans.recommendations(earner=earner)}
    assert slugs.isdisjoint({mcs["hinge"].slug, mcs["feedback"].slug, hidden.slug})
    # A withdrawn attempt is not open: the MC may be recommended again.
    Attempt.objects.filter(earner=earner, micro_credential=mcs["hinge"]).update(state=Attempt.State.WITHDRAWN)
    assert mcs["hinge"].slug in {r["micro_credential"].slug for r in plans.recommendations(earner=earner)}


def test_a_stack_on_the_plan_recommends_its_unearned_mcs(world, mcs):
    earner = world["people"]["earner"]
    stack = catalog_services.save_stack(owner=world["orgs"]["issuer"], by=world["people"]["issuer_admin"], title="Assessment Stack",
                                        items=[{"micro_credential": mcs["hinge"]}, {"micro_credential": mcs["feedback"]}])
    stack = catalog_services.set_stack_state(stack=stack, state="published", by=world["people"]["issuer_admin"])
    plan = _plan(world)
    plans.propose_item(plan=plan, by=earner, stack=stack)
    earned = services.start_attempt(earner=earner, micro_credential=mcs["hinge"])
    Attempt.objects.filter(pk=earned.pk).update(state=Attempt.State.EARNED)
    recs = plans.recommendations(earner=earner)
    assert [r["micro_credential"].slug for r in recs] == [mcs["feedback"].slug]
    assert "Assessment Stack" in recs[0]["reasons"][0]


def test_no_profile_and_anonymous_get_sensible_answers(world, mcs):
    from django.contrib.auth.models import AnonymousUser

    assert plans.recommendations(earner=world["people"]["other_earner"]) == []
    assert plans.recommendations(earner=AnonymousUser()) == []


# --- Pages -----------------------------------------------------------------------------------

def test_my_plan_page_goals_propose_supervisor_and_start(client, world, mcs, supervisor):
    earner = world["people"]["earner"]
    EducatorProfile.objects.create(user=earner, position=EducatorProfile.Position.TEACHER)
    client.force_login(earner)
    url = reverse("earning:plan")
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Written for teachers" in body and reverse("earning:start", args=[mcs["hinge"].slug]) in body

    response = client.post(url, {"action": "goals", "goals": "Grow in questioning."}, follow=True)
    assert "Goals saved." in response.content.decode()
    response = client.post(url, {"action": "propose", "propose-micro_credential": mcs["hinge"].slug, "propose-note": "Math"}, follow=True)
    assert "Added “Hinge Questions”" in response.content.decode()
    response = client.post(url, {"action": "propose", "propose-micro_credential": mcs["hinge"].slug})
    assert response.status_code == 200 and "already on this growth plan" in response.content.decode()
    response = client.post(url, {"action": "supervisor", "supervisor": "principal"}, follow=True)
    assert "Pat Principal is now your supervisor" in response.content.decode()
    response = client.post(url, {"action": "supervisor", "supervisor": "nobody-like-this"})
    assert "No active person of your school or district has that username" in response.content.decode()
    plan = plans.plan_for(earner)
    assert plan.goals == "Grow in questioning." and plan.supervisor == supervisor and plan.items.count() == 1


def test_too_long_goals_re_render_without_losing_saved_goals(client, world):
    earner = world["people"]["earner"]
    plans.update_goals(plan=plans.plan_for(earner), by=earner, goals="Saved goals")
    client.force_login(earner)
    response = client.post(reverse("earning:plan"), {"action": "goals", "goals": "y" * 5001})
    assert response.status_code == 200
    body = response.content.decode()
    assert "errorlist" in body and "y" * 5001 in body  # what they typed is still in the box
    assert plans.plan_for(earner).goals == "Saved goals"


def test_hostile_text_is_escaped_on_plan_pages(client, world, mcs, supervisor):
    earner = world["people"]["earner"]
    plan = _plan(world, supervisor)
    plans.update_goals(plan=plan, by=earner, goals=HOSTILE)
    plans.propose_item(plan=plan, by=earner, micro_credential=mcs["hinge"], note=HOSTILE)
    client.force_login(earner)
    body = client.get(reverse("earning:plan")).content.decode()
    assert HOSTILE not in body and "&lt;script&gt;" in body
    client.force_login(supervisor)
    body = client.get(reverse("earning:plan_for_earner", args=[earner.pk])).content.decode()
    assert HOSTILE not in body and "&lt;script&gt;" in body


def test_plan_for_earner_is_for_the_supervisor_and_coach_only(client, world, mcs, supervisor, coach):
    earner = world["people"]["earner"]
    plan = _plan(world, supervisor)
    item = plans.propose_item(plan=plan, by=earner, micro_credential=mcs["hinge"])
    url = reverse("earning:plan_for_earner", args=[earner.pk])
    for outsider in (world["people"]["other_earner"], world["people"]["recognizer"], earner):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "approve", "item": item.pk}).status_code == 404
    assert client.get(reverse("earning:plan_for_earner", args=[99999])).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page

    client.force_login(coach)
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "propose", "propose-micro_credential": mcs["feedback"].slug}, follow=True)
    assert "Added “Feedback Loops”" in response.content.decode() and "Guided choice" in response.content.decode()
    client.force_login(supervisor)
    response = client.post(url, {"action": "approve", "item": item.pk}, follow=True)
    assert response.status_code == 200 and "Approved" in response.content.decode()
    item.refresh_from_db()
    assert item.state == PlanItem.State.APPROVED
    # An item of another plan is not reachable through this one.
    other_plan = plans.plan_for(world["people"]["other_earner"])
    foreign = plans.propose_item(plan=other_plan, by=world["people"]["other_earner"], micro_credential=mcs["hinge"])
    assert client.post(url, {"action": "decline", "item": foreign.pk}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.state == "proposed"


def test_priorities_page(client, world, mcs):
    url = reverse("earning:priorities")
    for person in ("earner", "issuer_admin", "author"):
        client.force_login(world["people"][person])
        assert client.get(url).status_code == 403
    client.force_login(world["people"]["recognizer"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "mark", "organization": "state-agency", "micro_credential": mcs["hinge"].slug,
                                 "reason": HOSTILE}, follow=True)
    body = response.content.decode()
    assert "is a priority of State Agency" in body and HOSTILE not in body and "&lt;script&gt;" in body
    # A district the recognizer does not administer is not a valid choice.
    response = client.post(url, {"action": "mark", "organization": "rural-district", "micro_credential": mcs["feedback"].slug})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    response = client.post(url, {"action": "unmark", "organization": "state-agency", "micro_credential": mcs["hinge"].slug}, follow=True)
    assert "no longer a priority" in response.content.decode()
    assert not PriorityMicroCredential.objects.exists()


def test_recommendations_prefer_mcs_aligned_to_the_evaluation_growth_areas(world, publish_mc):
    """Imported educator facts (rosters' educator facts CSV): an MC aligned to a growth area of the educator's
    evaluation comes before priorities and role matches."""
    earner = world["people"]["earner"]
    aligned = publish_mc(title="Questioning", alignments=[{"framework": "Danielson", "code": "3b", "name": "Using Questioning"}])
    other = publish_mc(title="Grouping", alignments=[{"framework": "Danielson", "code": "1e", "name": "Designing Instruction"}])
    plans.mark_priority(organization=world["orgs"]["state"], micro_credential=other.micro_credential,
                        by=world["people"]["recognizer"])
    EducatorProfile.objects.create(user=earner, evaluation_growth_areas=["3B", "=not-a-code"])
    recs = plans.recommendations(earner=earner)
    assert recs[0]["micro_credential"] == aligned.micro_credential
    assert recs[0]["reasons"][0] == "Matches a growth area of your evaluation: 3B"
    assert [r["micro_credential"] for r in recs][:2] == [aligned.micro_credential, other.micro_credential]
