"""Who must not see or do what: anonymous visitors, another educator, a recognizer of another jurisdiction, an
issuer admin. Recognizers see individuals only within their jurisdiction; educators see only their own progress."""
import csv
import io

import pytest
from rest_framework.test import APIClient

from microcred.recognition import services
from microcred.recognition.models import EducatorFact, Policy

from .pages_fixtures import (awarded, city_policy, city_published, city_recognizer, login, mcs,  # noqa: F401
                             published_policy, qualifiers_get, state_policy, two_credentials)

pytestmark = pytest.mark.django_db
BASE = "/api/v1/recognition"

RECOGNIZER_PAGES = ["/recognition/manage/", "/recognition/manage/state-agency/new/", "/recognition/manage/state-agency/facts/",
                    "/recognition/manage/state-agency/awards.csv", "/recognition/policies/tn-renewal/",
                    "/recognition/policies/tn-renewal/v1/dry-run/", "/recognition/policies/tn-renewal/qualifiers/"]
API_READS = [f"{BASE}/policies/", f"{BASE}/policies/tn-renewal/", f"{BASE}/policies/tn-renewal/dry-run/",
             f"{BASE}/policies/tn-renewal/qualifiers/", f"{BASE}/awards/?recognizer=state-agency"]


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_anonymous_visitors_are_sent_to_log_in(client, world, awarded):
    for url in ["/recognition/", "/recognition/portability/", *RECOGNIZER_PAGES]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert client.post("/recognition/policies/tn-renewal/v1/publish/").status_code == 302
    for url in [f"{BASE}/me/progress/", f"{BASE}/me/awards/", f"{BASE}/me/portability/", *API_READS]:
        assert api().get(url).status_code in (401, 403), url
    assert api().post(f"{BASE}/policies/", {"document": state_policy()}, format="json").status_code in (401, 403)
    assert api().post(f"{BASE}/facts/", {}, format="json").status_code in (401, 403)


@pytest.mark.parametrize("who", ["earner", "other_earner", "issuer_admin", "author", "assessor"])
def test_educators_and_issuer_admins_cannot_manage_policies(client, world, awarded, who):
    user = world["people"][who]
    c = login(client, user)
    assert c.get("/recognition/manage/").status_code == 403
    assert c.get("/recognition/manage/state-agency/new/").status_code == 403
    assert c.post("/recognition/manage/state-agency/new/", {"document": "{}"}).status_code == 403
    assert c.get("/recognition/manage/state-agency/awards.csv").status_code == 403
    assert c.post("/recognition/manage/state-agency/facts/", {"username": "earner", "key": "years_licensed", "value": "9"}).status_code == 403
    for url in ["/recognition/policies/tn-renewal/", "/recognition/policies/tn-renewal/v1/dry-run/",
                "/recognition/policies/tn-renewal/qualifiers/"]:
        assert c.get(url).status_code == 404, url  # drafts and qualifiers stay private
    assert c.post("/recognition/policies/tn-renewal/", {"document": "{}"}).status_code == 404
    assert c.post("/recognition/policies/tn-renewal/v1/publish/").status_code == 404
    a = api(user)
    assert a.get(f"{BASE}/policies/").status_code == 403
    assert a.post(f"{BASE}/policies/", {"document": state_policy(title="Hijack")}, format="json").status_code == 403
    for url in API_READS[1:4]:
        assert a.get(url).status_code == 404, url
    assert a.post(f"{BASE}/policies/tn-renewal/publish/", {}, format="json").status_code == 404
    assert a.get(f"{BASE}/awards/", {"recognizer": "state-agency"}).status_code == 403
    assert a.post(f"{BASE}/facts/", {"recognizer": "state-agency", "educator": "earner", "key": "years_licensed", "value": 9},
                  format="json").status_code == 403
    assert not EducatorFact.objects.exists() and Policy.objects.get().title != "Hijack"


def test_educators_see_only_their_own_progress_and_awards(client, world, awarded):
    other = world["people"]["other_earner"]
    html = login(client, other).get("/recognition/").content.decode()
    assert "No awards yet" in html and "Practice number 1 (issued" not in html and "Credentials that count (0)" in html
    assert api(other).get(f"{BASE}/me/awards/").json() == []
    progress = api(other).get(f"{BASE}/me/progress/").json()["policies"]
    assert progress[0]["counted_credentials"] == [] and not progress[0]["achieved"]


def test_a_recognizer_of_another_jurisdiction(client, world, awarded, city_recognizer, city_published, qualifiers_get):
    c = login(client, city_recognizer)
    # Cannot see or edit the state's policy, export its awards or record facts for it.
    assert c.get("/recognition/policies/tn-renewal/").status_code == 404
    assert c.post("/recognition/policies/tn-renewal/", {"document": "{}"}).status_code == 404
    assert c.get("/recognition/manage/state-agency/awards.csv").status_code == 403
    a = api(city_recognizer)
    assert a.get(f"{BASE}/policies/tn-renewal/").status_code == 404
    assert a.post(f"{BASE}/policies/", {"document": state_policy(title="Hijack")}, format="json").status_code == 403
    assert [p["slug"] for p in a.get(f"{BASE}/policies/").json()] == ["city-stipend"]
    # The earner (rural district) is outside the city district: counted in aggregates, never named.
    data = qualifiers_get(a, f"{BASE}/policies/city-stipend/qualifiers/").json()
    # One educator is a small group: the counts are suppressed (docs/decisions/0025-small-cell-suppression.md).
    assert data["qualified"] == [] and data["elsewhere"] == {"educators": None, "qualified": None, "close": 0}
    assert {"name": "Rural District", "educators": None, "qualified": None, "close": 0} in data["by_district"]
    html = qualifiers_get(c, "/recognition/policies/city-stipend/qualifiers/").content.decode()
    assert "Earner Tester" not in html and "earner" not in html.replace("Earner", "")
    run = a.get(f"{BASE}/policies/city-stipend/dry-run/").json()
    assert run["educators"] == 0 and run["rows"] == []
    # No facts about educators outside the jurisdiction (refused exactly like an unknown username).
    response = a.post(f"{BASE}/facts/", {"recognizer": "city-district", "educator": "earner", "key": "years_licensed", "value": 9},
                      format="json")
    assert response.status_code == 400 and "No educator with that username" in response.json()["educator"][0]
    assert not EducatorFact.objects.exists()


def test_exports_name_only_educators_in_the_jurisdiction(client, world, awarded, city_recognizer):
    # The earner moves out of the state's jurisdiction: their award stays, but the state's export no longer names them.
    from microcred.accounts.models import Membership

    Membership.objects.filter(user=world["people"]["earner"]).delete()
    response = login(client, world["people"]["recognizer"]).get("/recognition/manage/state-agency/awards.csv")
    assert list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))) == []
    assert api(world["people"]["recognizer"]).get(f"{BASE}/awards/", {"recognizer": "state-agency"}).json()["results"] == []


def test_platform_admins_may_manage_any_recognizer(client, world, awarded):
    admin = world["people"]["platform_admin"]
    assert login(client, admin).get("/recognition/policies/tn-renewal/").status_code == 200
    draft = services.create_or_update_draft(recognizer=world["orgs"]["district"], by=admin,
                                            document=state_policy(slug="district-pay", recognizer="rural-district"))
    assert api(admin).get(f"{BASE}/policies/district-pay/").status_code == 200 and draft.state == "draft"


def test_jurisdiction_inverse_matches_the_educators_own_jurisdiction(world):
    """Who a recognizer may see individually is exactly whose policies-that-apply include that recognizer."""
    from microcred.accounts.models import EducatorProfile, Organization, User
    from microcred.recognition import selectors

    school = Organization.objects.create(slug="hill-school", name="Hill School", kind="school", parent=world["orgs"]["other_district"])
    other_state = Organization.objects.create(slug="ky-agency", name="KY Agency", kind="state_agency", state="KY")
    by_profile_state = User.objects.create_user(username="tn_by_profile")
    EducatorProfile.objects.create(user=by_profile_state, state="TN")
    by_school = User.objects.create_user(username="at_school")
    EducatorProfile.objects.create(user=by_school, school=school)
    in_ky = User.objects.create_user(username="in_ky")
    EducatorProfile.objects.create(user=in_ky, state="KY")
    people = [*world["people"].values(), by_profile_state, by_school, in_ky]
    for recognizer in [*world["orgs"].values(), school, other_state]:
        inverse = selectors.jurisdiction_educator_ids(recognizer)
        for person in people:
            assert (recognizer.pk in selectors.jurisdiction_ids(person)) == (person.pk in inverse), (recognizer.slug, person.username)
    assert by_school.pk in selectors.jurisdiction_educator_ids(world["orgs"]["state"])
    assert in_ky.pk not in selectors.jurisdiction_educator_ids(world["orgs"]["state"])
