"""A credential's public page, cached whole for anonymous visitors (issue 18, decision 0044): a revocation, a
suspension or the earner hiding it shows at once, an expiring credential's page is never kept past its expiry, and
the earner or an issuer admin always get the page drawn for them."""
import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from microcred.credentials import services
from microcred.credentials.tests.conftest import earn

HTML = {"HTTP_ACCEPT": "text/html"}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def page(credential, client=None):
    return (client or Client()).get(f"/credentials/{credential.pk}", **HTML)


def test_the_second_anonymous_view_runs_no_sql(world, issued):
    first = page(issued)
    assert first.status_code == 200 and b"Verified" in first.content
    with CaptureQueriesContext(connection) as queries:
        second = page(issued)
    assert second.status_code == 200 and b"Verified" in second.content
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert {"Accept", "Cookie"} <= {v.strip() for v in second["Vary"].split(",")}
    assert not re.search(rb"csrf-[0-9a-f]{32}", second.content)


def test_the_json_at_the_same_url_is_never_the_cached_page(world, issued):
    page(issued)
    document = Client().get(f"/credentials/{issued.pk}", HTTP_ACCEPT="application/json")
    assert document["Content-Type"] == "application/vc+ld+json" and document.json()["id"] == issued.credential["id"]


def test_a_revocation_and_a_suspension_show_at_once(world, published, settings):
    settings.MICROCRED_CREDENTIAL_SUSPENSION = True  # issued with a suspension entry
    issued = services.issue_for_attempt(earn(world, published))
    admin = world["people"]["issuer_admin"]
    assert b"Revoked" not in page(issued).content
    services.suspend(issued, by=admin, reason="Under review")
    assert b'id="suspended"' in page(issued).content
    services.unsuspend(issued, by=admin, reason="Review closed")
    assert b'id="suspended"' not in page(issued).content
    issued.refresh_from_db()
    services.revoke(issued, by=admin, reason="Evidence was not the earner's own work")
    shown = page(issued).content
    assert b"evoked" in shown and b"Verified</" not in shown


def test_hidden_by_its_earner_it_is_gone_at_once(world, issued):
    assert page(issued).status_code == 200
    services.set_visibility(issued, by=world["people"]["earner"], visibility="private")
    assert page(issued).status_code == 404
    with CaptureQueriesContext(connection) as queries:
        assert page(issued).status_code == 404  # a 404 is never stored
    assert len(queries) > 0


def test_an_expired_credentials_page_is_not_kept(world, published):
    expired = services.issue_for_attempt(earn(world, published), valid_until=timezone.now() - dt.timedelta(days=1))
    assert page(expired).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert page(expired).status_code == 200
    assert len(queries) > 0  # drawn again: its validity is judged on every view


def test_the_earner_and_the_issuer_admin_get_their_own_page(world, issued):
    page(issued)  # stored for anonymous visitors
    earner, admin = Client(), Client()
    earner.force_login(world["people"]["earner"])
    admin.force_login(world["people"]["issuer_admin"])
    own = page(issued, earner).content
    assert world["people"]["earner"].get_full_name().encode() in own
    assert b"/revoke" in page(issued, admin).content
    assert b"/revoke" not in page(issued).content


@pytest.mark.parametrize("suffix", ["?format=nonsense", "?x=%3Cscript%3E", "?" + "a" * 600])
def test_odd_queries_still_get_the_page(world, issued, suffix):
    for _ in range(2):
        response = Client().get(f"/credentials/{issued.pk}{suffix}", **HTML)
        assert response.status_code == 200 and b"<script>" not in response.content


def test_an_unknown_credential_is_a_404_page(world, db):
    assert Client().get("/credentials/00000000-0000-4000-8000-000000000000", **HTML).status_code == 404
