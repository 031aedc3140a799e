"""The earner's home keeps its guidance (recommendations, stacks' progress) per earner, and any write that could change
it shows at once (decision 0050): the earner's own attempts, plans, priorities, profiles, memberships, the catalog."""
import pytest

from microcred.accounts import services as accounts_services
from microcred.accounts.models import EducatorProfile, User
from microcred.accounts.selectors import PEOPLE
from microcred.earning import plans, services
from microcred.earning.models import Attempt
from microcred.rosters import services as roster_services
from microcred.rosters.models import ImportRun

pytestmark = pytest.mark.django_db
ES = {"HTTP_ACCEPT_LANGUAGE": "es"}


@pytest.fixture
def earner(world):
    user = world["people"]["earner"]
    EducatorProfile.objects.create(user=user, position=EducatorProfile.Position.TEACHER, district=world["orgs"]["district"])
    return user


@pytest.fixture
def home(client, earner):
    client.force_login(earner)

    def draw(**headers) -> list[str]:
        response = client.get("/earn/", **headers)
        assert response.status_code == 200
        return [r["micro_credential"].slug for r in response.context["recommended"]]
    return draw


@pytest.fixture
def computed(monkeypatch):
    """How many times the recommendations were computed (not taken from what was kept)."""
    calls = []
    original = plans.recommendations
    monkeypatch.setattr(plans, "recommendations", lambda **kw: calls.append(kw) or original(**kw))
    return calls


def test_the_guidance_is_computed_once_and_then_kept(home, computed, publish_mc, django_assert_max_num_queries):
    mc = publish_mc(title="Hinge Questions").micro_credential
    assert home() == [mc.slug]
    with django_assert_max_num_queries(60) as first:
        assert home() == [mc.slug]
    assert len(computed) == 1  # the second drawing took what the first kept
    assert len(first.captured_queries) < 30


def test_starting_earning_and_abandoning_show_at_once(home, computed, earner, publish_mc):
    hinge, feedback = publish_mc(title="Hinge Questions").micro_credential, publish_mc(title="Feedback Loops").micro_credential
    assert set(home()) == {hinge.slug, feedback.slug}
    attempt = services.start_attempt(earner=earner, micro_credential=hinge)
    assert home() == [feedback.slug]
    Attempt.objects.filter(pk=attempt.pk).update(state=Attempt.State.EARNED)  # earned: still not suggested
    assert home() == [feedback.slug]
    Attempt.objects.filter(pk=attempt.pk).update(state=Attempt.State.WITHDRAWN)  # not open any more: suggested again
    assert set(home()) == {hinge.slug, feedback.slug}
    assert len(computed) == 3  # the last drawing's history is the first one's again (nothing open, nothing earned)


def test_plans_priorities_profiles_memberships_and_the_catalog_show_at_once(home, computed, world, earner, publish_mc):
    hinge = publish_mc(title="Hinge Questions").micro_credential
    counsel = publish_mc(title="Counseling Conversations", educator_roles=["counselor"]).micro_credential
    city = publish_mc(title="City Only", visibility="members", visible_to=["city-district"]).micro_credential
    assert home() == [hinge.slug]
    # A plan item (the earner's own proposal).
    plans.propose_item(plan=plans.plan_for(earner), by=earner, micro_credential=counsel)
    assert home() == [counsel.slug, hinge.slug]
    # The district's priority, named with its reason.
    plans.unmark_priority(organization=world["orgs"]["state"], micro_credential=hinge, by=world["people"]["recognizer"])
    plans.mark_priority(organization=world["orgs"]["state"], micro_credential=hinge, by=world["people"]["recognizer"], reason="Growth area")
    assert home() == [counsel.slug, hinge.slug]
    # A profile change: a counselor now.
    profile = EducatorProfile.objects.get(user=earner)
    profile.position = EducatorProfile.Position.COUNSELOR
    profile.save()
    assert home() == [counsel.slug, hinge.slug] and len(computed) == 4
    # A membership: the city district's members-only MC becomes visible (and written for nobody in particular).
    accounts_services.grant_role(user=earner, organization=world["orgs"]["other_district"], role="earner")
    plans.mark_priority(organization=world["orgs"]["state"], micro_credential=city, by=world["people"]["recognizer"])
    assert city.slug in home()
    # The catalog: a new MC for counselors.
    newer = publish_mc(title="Counseling Groups", educator_roles=["counselor"]).micro_credential
    assert newer.slug in home()


def test_the_reader_language_has_its_own_copy(home, publish_mc, client):
    publish_mc(title="Hinge Questions")
    english = client.get("/earn/").context["recommended"][0]["reasons"]
    spanish = client.get("/earn/", **ES).context["recommended"][0]["reasons"]
    assert english == ["Written for teachers"] and spanish != english


def test_a_roster_facts_import_shows_at_once(home, computed, world, earner, publish_mc, tmp_path):
    """Bulk writes send no signals: the import retires the kept guidance itself."""
    aligned = publish_mc(title="Questioning", alignments=[{"framework": "Danielson", "code": "3b", "name": "Using Questioning"}],
                         educator_roles=["principal"]).micro_credential
    assert home() == []
    path = tmp_path / "facts.csv"
    path.write_text("sourced_id,email,username,license_number,license_type,years_experience,evaluation_rating,"
                    f"evaluation_growth_areas,school\n,,{earner.username},TN-9,Practitioner,3,,3b,\n")
    result, _record = roster_services.import_path(path=path, organization=world["orgs"]["district"], kind=ImportRun.Kind.FACTS)
    assert result.errors == 0
    assert home() == [aligned.slug]


def test_signing_in_or_a_new_account_retires_nothing_but_a_name_change_does(earner):
    before = PEOPLE.current()
    earner.save(update_fields=["last_login"])
    User.objects.create_user(username="newcomer", password="pw-newcomer-123456")
    assert PEOPLE.current() == before
    earner.first_name = "Renamed"
    earner.save()
    assert PEOPLE.current() != before


def test_another_earners_guidance_is_never_shown(client, world, earner, publish_mc):
    """The kept copy is the earner's own: someone else with the same catalog sees their own suggestions."""
    hinge = publish_mc(title="Hinge Questions").micro_credential
    client.force_login(earner)
    assert [r["micro_credential"] for r in client.get("/earn/").context["recommended"]] == [hinge]
    other = User.objects.create_user(username="other-teacher", password="pw-other-123456")
    services.start_attempt(earner=other, micro_credential=hinge)
    client.force_login(other)
    assert client.get("/earn/").context["recommended"] == []
