"""The issuer's list of issued credentials (/credentials/issued/ and /api/v1/credentials/issued/): issue 15, finding 3
("an issuer admin cannot find a credential to revoke")."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from microcred.credentials.services import issue_for_attempt

from .conftest import earn

LIST = "/credentials/issued/"
API = "/api/v1/credentials/issued/"


@pytest.fixture
def several(world, issued, publish_mc):
    """The earner's credential of the published MC, and credentials of two more MCs for both earners."""
    found = [issued]
    for title in ("Second practice", "Third practice"):
        version = publish_mc(title=title)
        for key in ("earner", "other_earner"):
            found.append(issue_for_attempt(earn(world, version, earner_key=key)))
    return found


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_issuer_admin_finds_a_credential_by_earner_name_and_revokes_it(client, world, issued):
    admin = world["people"]["issuer_admin"]
    client.force_login(admin)
    page = client.get(LIST, {"q": "earner tester"})
    body = page.content.decode()
    assert page.status_code == 200 and "1 credential" in body and "Earner Tester" in body
    assert f'/credentials/{issued.pk}/revoke?back=' in body  # the row's actions, as the policy allows
    assert client.get(LIST, {"q": "nobody-by-this-name"}).content.decode().count("issued-row") == 0
    asked = client.get(f"/credentials/{issued.pk}/revoke", {"back": "/credentials/issued/?q=earner"})
    assert asked.status_code == 200 and "Revocation is final" in asked.content.decode()
    done = client.post(f"/credentials/{issued.pk}/revoke", {"reason": "Not their own work", "confirmed": "yes",
                                                            "back": "/credentials/issued/?q=earner"})
    assert done.status_code == 302 and done["Location"] == "/credentials/issued/?q=earner"
    issued.refresh_from_db()
    assert issued.revoked_at is not None
    assert "Earner Tester" in client.get(LIST, {"state": "revoked"}).content.decode()
    assert "issued-row" not in client.get(LIST, {"state": "active"}).content.decode()


def test_revoking_goes_back_only_to_the_list(client, world, issued):
    client.force_login(world["people"]["issuer_admin"])
    done = client.post(f"/credentials/{issued.pk}/revoke", {"reason": "x", "confirmed": "yes", "back": "https://evil.example/"})
    assert done["Location"] == f"/credentials/{issued.pk}"


def test_filters_by_micro_credential_state_and_date(client, world, several):
    client.force_login(world["people"]["issuer_admin"])
    slug = several[1].version.micro_credential.slug
    body = client.get(LIST, {"micro_credential": slug}).content.decode()
    assert body.count("issued-row") == 2
    today = dt.date.today()
    assert client.get(LIST, {"issued_from": today.isoformat(), "issued_to": today.isoformat()}).content.decode().count("issued-row") == 5
    assert client.get(LIST, {"issued_to": (today - dt.timedelta(days=2)).isoformat()}).content.decode().count("issued-row") == 0
    bad = client.get(LIST, {"issued_from": today.isoformat(), "issued_to": (today - dt.timedelta(days=1)).isoformat()})
    assert bad.status_code == 400 and "before the start date" in bad.content.decode()
    assert client.get(LIST, {"state": "gone"}).status_code == 400  # not a choice: a form error, never a 500
    assert client.get(LIST, {"q": "x" * 500}).status_code == 400


def test_another_issuers_admin_sees_none_of_them(client, world, several):
    other = world["people"]["other_admin"]
    client.force_login(other)
    page = client.get(LIST, {"q": "tester"})
    assert page.status_code == 200 and "issued-row" not in page.content.decode() and "Earner Tester" not in page.content.decode()
    assert api(other).get(API).json()["count"] == 0
    assert client.get(f"/credentials/{several[0].pk}/revoke").status_code == 403


def test_platform_admins_list_all_but_do_not_revoke(client, world, several):
    client.force_login(world["people"]["platform_admin"])
    body = client.get(LIST).content.decode()
    assert body.count("issued-row") == 5 and "/revoke?back=" not in body  # revoking speaks for the issuer


@pytest.mark.parametrize("key", ["earner", "assessor", "author", "recognizer"])
def test_teachers_assessors_authors_and_recognizers_cannot_open_the_list(client, world, issued, key):
    client.force_login(world["people"][key])
    assert client.get(LIST).status_code == 403
    assert api(world["people"][key]).get(API).status_code == 403


def test_anonymous_is_sent_to_log_in(client, issued):
    assert client.get(LIST).status_code == 302
    assert APIClient().get(API).status_code in (401, 403)


def test_the_list_costs_the_same_queries_however_many_rows(client, world, issued, publish_mc):
    admin = world["people"]["issuer_admin"]
    client.force_login(admin)
    client.get(LIST)  # warm up (sessions, content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    for title in ("Second practice", "Third practice"):
        version = publish_mc(title=title)
        for key in ("earner", "other_earner"):
            issue_for_attempt(earn(world, version, earner_key=key))
    with CaptureQueriesContext(connection) as many:
        assert client.get(LIST).content.decode().count("issued-row") == 5
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as api_few:
        api(admin).get(API, {"limit": 1})
    with CaptureQueriesContext(connection) as api_many:
        api(admin).get(API, {"limit": 5})
    assert len(api_many) == len(api_few)


def test_api_lists_with_the_same_filters(world, several):
    admin = world["people"]["issuer_admin"]
    data = api(admin).get(API, {"q": "other_earner", "limit": 1}).json()
    assert data["count"] == 2 and len(data["results"]) == 1 and data["next_offset"] == 1
    row = data["results"][0]
    assert row["earner_name"] == "Other_Earner Tester" and row["earner_email"] == "other_earner@example.org"
    assert row["state"] == "active" and row["issuer"] == "issuer-one" and row["url"].startswith("/credentials/")
    assert api(admin).get(API, {"state": "revoked"}).json()["count"] == 0
    assert api(admin).get(API, {"issued_from": "not-a-date"}).status_code == 400
    assert api(admin).get(API, {"state": "<script>"}).status_code == 400
    assert api(admin).get(API, {"micro_credential": several[1].version.micro_credential.slug}).json()["count"] == 2
