"""The policy's meanings that the authorization matrix does not reach directly (docs/decisions/0008)."""
import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory

from microcred.accounts import policy, services
from microcred.accounts.models import User


@pytest.mark.django_db
def test_platform_admins_oversee_issuers_but_do_not_speak_for_them(world):
    admin, issuer = world["people"]["platform_admin"], world["orgs"]["issuer"]
    assert policy.is_platform_admin(admin) and policy.manages_issuer(admin, issuer)
    assert not policy.is_issuer_admin(admin, issuer) and not policy.can_manage_keys(admin, issuer)
    issuer_admin = world["people"]["issuer_admin"]
    assert policy.is_issuer_admin(issuer_admin, issuer) and policy.can_manage_keys(issuer_admin, issuer)


@pytest.mark.django_db
def test_nobody_coaches_themselves(world):
    from microcred.earning.models import CoachAssignment

    earner = world["people"]["earner"]
    CoachAssignment.objects.create(earner=earner, coach=earner, active=True)
    assert not policy.is_coach_of(earner, earner)
    coach = User.objects.create_user(username="a-coach")
    CoachAssignment.objects.create(earner=earner, coach=coach, active=True)
    assert policy.is_coach_of(coach, earner) and not policy.is_coach_of(coach, coach)


@pytest.mark.django_db
def test_anonymous_is_refused_by_every_rule_that_takes_only_the_user():
    import inspect

    nobody = AnonymousUser()
    for name in policy.__all__:
        fn = getattr(policy, name)
        if name in ("remember", "assessor_ids_of") or len(inspect.signature(fn).parameters) != 1:
            continue  # assessor_ids_of takes an organization, not a person
        result = fn(nobody)
        if isinstance(result, dict):  # e.g. analytics_organization_ids: {kind: ids}, None meaning "all"
            assert all(ids is not None and not ids for ids in result.values()), name
        elif isinstance(result, tuple):  # account_flags: one flag per kind of account, every one off
            assert result and not any(result), name
        else:
            assert not result, name


@pytest.mark.django_db
def test_a_granted_role_counts_at_once_unless_remembered(world):
    person = User.objects.create_user(username="new-author")
    assert not policy.can_author(person)
    services.grant_role(user=person, organization=world["orgs"]["issuer"], role="author")
    assert policy.can_author(person)


@pytest.mark.django_db
def test_the_may_tag_asks_the_policy_and_refuses_unknown_rules(world):
    request = RequestFactory().get("/")
    request.user = world["people"]["platform_admin"]
    out = Template('{% load policy %}{% may "can_view_audit_trail" as ok %}{{ ok }}').render(Context({"request": request}))
    assert out == "True"
    request.user = world["people"]["earner"]
    assert Template('{% load policy %}{% may "can_view_audit_trail" as ok %}{{ ok }}').render(Context({"request": request})) == "False"
    with pytest.raises(TemplateSyntaxError):
        Template('{% load policy %}{% may "delete_everything" %}').render(Context({"request": request}))


@pytest.mark.django_db
def test_core_asks_through_has_perm(world):
    assert world["people"]["platform_admin"].has_perm("core.view_audit_trail")
    assert not world["people"]["issuer_admin"].has_perm("core.view_audit_trail")
    assert not AnonymousUser().has_perm("core.view_audit_trail")


@pytest.mark.django_db
def test_a_permission_row_granted_in_the_admin_does_not_widen_the_policy(world, client):
    """The policy's answer for its names is final: a group holding a "view_audit_trail" permission row (as a platform
    admin could create in Django's admin) does not open the audit trail to a teacher, and asking costs no
    permission-table query (the menu asks on every page)."""
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    teacher = world["people"]["earner"]
    permission, _ = Permission.objects.get_or_create(
        codename="view_audit_trail", content_type=ContentType.objects.get(app_label="core", model="auditevent"),
        defaults={"name": "Can view the audit trail"})
    group = Group.objects.create(name="auditors")
    group.permissions.add(permission)
    teacher.groups.add(group)
    teacher.user_permissions.add(permission)
    teacher = User.objects.get(pk=teacher.pk)  # no permission cache from before the grant
    assert "core.view_audit_trail" in teacher.get_all_permissions()  # the rows are there…
    with CaptureQueriesContext(connection) as asked:
        assert not teacher.has_perm("core.view_audit_trail")  # …and the policy still says no
    assert not [q for q in asked.captured_queries if "auth_permission" in q["sql"]]
    client.force_login(teacher)
    assert client.get("/audit/").status_code == 403
    assert "Audit trail" not in client.get("/earn/").content.decode()
    # Names the policy does not answer still go to Django's model permissions (the admin site's own).
    assert teacher.has_perm("core.view_audit_trail") is False and teacher.has_perm("auth.view_group") is False
    group.permissions.add(Permission.objects.get(codename="view_group"))
    assert User.objects.get(pk=teacher.pk).has_perm("auth.view_group")


# --- people administration (issue 14) ------------------------------------------------------------------------------

@pytest.fixture
def people_world(db):
    from microcred.accounts.models import Membership, Organization, User

    state = Organization.objects.create(name="State", slug="pw-state", kind="state_agency")
    district = Organization.objects.create(name="District", slug="pw-district", kind="district", parent=state)
    school = Organization.objects.create(name="School", slug="pw-school", kind="school", parent=district)
    other = Organization.objects.create(name="Other district", slug="pw-other", kind="district", parent=state)
    issuer = Organization.objects.create(name="Issuer", slug="pw-issuer", kind="nonprofit")
    people = {n: User.objects.create_user(n, password="x-long-password") for n in
              ("district_admin", "teacher", "issuer_admin", "outsider", "other_teacher")}
    Membership.objects.create(user=people["district_admin"], organization=district, role="org_admin")
    Membership.objects.create(user=people["teacher"], organization=school, role="earner")
    Membership.objects.create(user=people["issuer_admin"], organization=issuer, role="issuer_admin")
    Membership.objects.create(user=people["other_teacher"], organization=other, role="earner")
    return {"orgs": {"state": state, "district": district, "school": school, "other": other, "issuer": issuer}, **people}


def test_an_organization_admin_manages_its_organization_and_those_below_it_only(people_world):
    from microcred.accounts import policy

    admin, orgs = people_world["district_admin"], people_world["orgs"]
    assert policy.people_admin_organization_ids(admin) == {orgs["district"].pk, orgs["school"].pk}
    assert policy.can_manage_people(admin, orgs["school"]) and not policy.can_manage_people(admin, orgs["state"])
    assert not policy.can_manage_people(admin, orgs["other"])
    assert policy.can_manage_person(admin, people_world["teacher"])
    assert not policy.can_manage_person(admin, people_world["other_teacher"])
    assert not policy.can_manage_person(admin, admin)
    assert policy.can_import_roster(admin, orgs["school"]) and not policy.can_import_roster(admin, orgs["other"])
    assert set(policy.grantable_roles(admin, orgs["school"])) == {"earner", "coach", "org_admin"}
    assert policy.grantable_roles(admin, orgs["issuer"]) == ()


def test_nobody_grants_a_role_to_themselves_or_beyond_their_own_grants(people_world):
    from microcred.accounts import policy

    admin, issuer_admin, orgs = people_world["district_admin"], people_world["issuer_admin"], people_world["orgs"]
    assert policy.can_grant_role(admin, people_world["teacher"], orgs["school"], "coach")
    assert not policy.can_grant_role(admin, admin, orgs["district"], "coach")
    assert not policy.can_grant_role(admin, people_world["teacher"], orgs["school"], "platform_admin")
    assert not policy.can_grant_role(admin, people_world["teacher"], orgs["school"], "assessor")
    assert set(policy.grantable_roles(issuer_admin, orgs["issuer"])) == {"author", "assessor", "issuer_admin"}
    assert not policy.can_import_roster(issuer_admin, orgs["issuer"])
    outsider = people_world["outsider"]
    assert policy.people_admin_organization_ids(outsider) == set()
    assert not policy.can_manage_people(outsider, orgs["school"]) and not policy.can_import_roster(outsider, orgs["school"])


def test_a_roster_gives_earner_at_most_and_never_touches_staff(people_world):
    from microcred.accounts import policy
    from microcred.accounts.models import User

    admin, issuer_admin, orgs = people_world["district_admin"], people_world["issuer_admin"], people_world["orgs"]
    assert [policy.roster_role(r) for r in ("teacher", "Principal", "districtAdministrator")] == ["earner"] * 3
    assert policy.roster_role("student") is None and policy.roster_role("guardian") is None and policy.roster_role("") is None
    assert "earner" in policy.roster_grantable_roles(admin, orgs["school"])
    assert policy.roster_grantable_roles(admin, orgs["other"]) == ()
    assert policy.roster_grantable_roles(issuer_admin, orgs["issuer"]) == ()
    assert policy.roster_grantable_roles(None, orgs["school"]) == ("earner",)
    staff = User.objects.create_user(username="ops", password="pw-ops-123456", is_staff=True)
    touchable = User.objects.filter(policy.roster_may_touch())
    assert staff not in touchable and admin in touchable
