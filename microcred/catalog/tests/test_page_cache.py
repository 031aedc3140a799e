"""The public catalog page, cached whole for anonymous visitors (issue 18, decision 0044): every visitor still gets
their own working CSRF token, a change to the catalog shows at once, and nobody signed in (or with a message
waiting) is ever served the anonymous copy."""
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from microcred.catalog import services
from microcred.catalog.models import MicroCredentialVersion
from microcred.catalog.selectors import CATALOG
from microcred.core.page_cache import MAX_QUERY_STRING, anonymous_page

PLACEHOLDER = re.compile(rb"csrf-[0-9a-f]{32}")


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def token_in(content: bytes) -> str:
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
    assert found, "the language form has no CSRF token"
    return found.group(1).decode()


def test_the_second_anonymous_view_runs_no_sql_and_shows_the_same_catalog(world, published):
    first = Client().get("/catalog/")
    assert first.status_code == 200 and published.title.encode() in first.content
    with CaptureQueriesContext(connection) as queries:
        second = Client().get("/catalog/")
    assert second.status_code == 200
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert published.title.encode() in second.content
    # Identical but for each visitor's token.
    assert first.content.replace(token_in(first.content).encode(), b"T") == \
        second.content.replace(token_in(second.content).encode(), b"T")


def test_each_visitor_gets_a_token_of_their_own_that_the_language_form_accepts(world, published):
    Client().get("/catalog/")  # stored
    visitors = [Client(enforce_csrf_checks=True) for _ in range(2)]
    pages = [v.get("/catalog/") for v in visitors]
    tokens = [token_in(p.content) for p in pages]
    assert tokens[0] != tokens[1]
    for page in pages:
        assert not PLACEHOLDER.search(page.content)
        assert page.cookies.get("csrftoken")  # the cookie the token belongs to is sent, as when rendered
        assert f'"X-CSRFToken": "{token_in(page.content)}"'.encode() in page.content  # htmx's header too
    for visitor, token in zip(visitors, tokens):
        changed = visitor.post("/accounts/language/", {"language": "es", "next": "/catalog/",
                                                      "csrfmiddlewaretoken": token})
        assert changed.status_code == 302, changed.content[:300]
    # Another visitor's token does not work with this visitor's cookie: they really are per visitor.
    stranger = Client(enforce_csrf_checks=True)
    stranger.get("/catalog/")
    refused = stranger.post("/accounts/language/", {"language": "es", "next": "/", "csrfmiddlewaretoken": "x" * 64})
    assert refused.status_code == 403


def test_a_publish_shows_at_once(world, published, publish_mc):
    assert b"A brand new practice" not in Client().get("/catalog/").content
    publish_mc(title="A brand new practice")
    assert b"A brand new practice" in Client().get("/catalog/").content


def test_a_retired_mc_leaves_the_cached_page_at_once(world, published):
    assert published.title.encode() in Client().get("/catalog/").content
    services.retire(version=published, by=world["people"]["issuer_admin"],
                    reason="Superseded by a newer practice.")
    assert published.title.encode() not in Client().get("/catalog/").content


def test_signed_in_people_never_get_the_anonymous_copy(world, published):
    Client().get("/catalog/")
    member = Client()
    member.force_login(world["people"]["earner"])
    page = member.get("/catalog/")
    assert page.status_code == 200
    assert b"Log out" in page.content and b'href="/accounts/login/"' not in page.content


def test_members_only_mcs_are_not_leaked_through_the_cache(world, publish_mc):
    hidden = publish_mc(title="Members only practice", visibility="members")
    member = Client()
    member.force_login(world["people"]["issuer_admin"])
    assert b"Members only practice" in member.get("/catalog/").content
    assert b"Members only practice" not in Client().get("/catalog/").content
    assert hidden.state == MicroCredentialVersion.State.PUBLISHED


def test_each_language_and_query_and_htmx_request_is_its_own_page(world, published, publish_mc):
    publish_mc(title="Reading conferences")
    english = Client().get("/catalog/")
    spanish = Client(HTTP_ACCEPT_LANGUAGE="es").get("/catalog/")
    assert b'lang="es"' in spanish.content and b'lang="en"' in english.content
    found = Client().get("/catalog/?q=conferences")
    assert b"Reading conferences" in found.content and published.title.encode() not in found.content
    partial = Client().get("/catalog/?q=conferences", HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content and b"Reading conferences" in partial.content
    again = Client().get("/catalog/?q=conferences")
    assert b"<html" in again.content  # the full page, not the stored partial


def test_a_waiting_message_or_a_session_is_rendered_not_read_from_the_cache(world, published):
    Client().get("/catalog/")
    with_session = Client()
    session = with_session.session
    session["anything"] = 1
    session.save()
    with CaptureQueriesContext(connection) as queries:
        assert with_session.get("/catalog/").status_code == 200
    assert len(queries) > 0  # rendered
    with_message = Client()
    with_message.cookies["messages"] = "x"
    with CaptureQueriesContext(connection) as queries:
        assert with_message.get("/catalog/").status_code == 200
    assert len(queries) > 0


@pytest.mark.parametrize("query", ["q=" + "a" * (MAX_QUERY_STRING + 1), "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
                                   "page=abc", "q=%00%ff", "subject=" + "x" * 300])
def test_hostile_or_oversized_queries_are_answered_and_escaped(world, published, query):
    for _ in range(2):  # drawn, then (short ones) from the cache
        response = Client().get(f"/catalog/?{query}")
        assert response.status_code == 200
        assert b"<script>alert(1)</script>" not in response.content
        assert not PLACEHOLDER.search(response.content)


def test_an_author_cannot_guess_the_placeholder(world, publish_mc):
    # The placeholder is random per stored page: a title written like one stays as written.
    publish_mc(title="csrf-0123456789abcdef0123456789abcdef practice")
    for _ in range(2):
        page = Client().get("/catalog/")
        assert b"csrf-0123456789abcdef0123456789abcdef practice" in page.content


def test_responses_other_than_200_are_not_kept(rf, world):
    calls = []

    def render(token):
        from django.http import HttpResponse

        calls.append(token)
        return HttpResponse(f"gone {token}", status=410)

    for _ in range(2):
        request = rf.get("/somewhere/")
        request.user = AnonymousUser()
        request.COOKIES = {}
        response = anonymous_page(request, CATALOG, render)
        assert response.status_code == 410 and b"csrf-" not in response.content
    assert len(calls) == 2


def test_an_mc_page_is_cached_for_anonymous_visitors_and_retired_by_a_change(world, published):
    url = f"/catalog/mc/{published.micro_credential.slug}/"
    first = Client().get(url)
    assert first.status_code == 200 and published.title.encode() in first.content
    with CaptureQueriesContext(connection) as queries:
        second = Client().get(url)
    assert second.status_code == 200 and len(queries) == 0
    assert b"Log in to start" in second.content and not PLACEHOLDER.search(second.content)
    services.retire(version=published, by=world["people"]["issuer_admin"], reason="Superseded by a newer practice.")
    assert Client().get(url).status_code == 404  # retired: gone from the catalog at once


def test_a_members_only_mc_page_stays_hidden_from_anonymous_visitors(world, publish_mc):
    hidden = publish_mc(title="Members only practice", visibility="members")
    url = f"/catalog/mc/{hidden.micro_credential.slug}/"
    member = Client()
    member.force_login(world["people"]["issuer_admin"])
    assert member.get(url).status_code == 200
    for _ in range(2):
        assert Client().get(url).status_code == 404
    signed_in = member.get(url)
    assert signed_in.status_code == 200 and b"Log in to start" not in signed_in.content  # never the anonymous copy
