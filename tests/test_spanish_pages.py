"""Issue 15's definition of done: with Accept-Language: es, every page of the teacher's and the assessor's paths is in
Spanish. The demo is seeded; each role's pages are found by following the links a person can follow from the home
page (menus, lists, an attempt, a credential, the scoring page…), and each page's text is read as in tests/spanish.py.
"""
from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.urls import Resolver404, resolve

from tests.spanish import ENGLISH, DataStrings, interface_texts, untranslated

# Not pages of a person's path: administration, API, downloads, sign-out and sign-in flows of other systems.
NOT_PAGES = ("/admin/", "/api/", "/static/", "/media/", "/accounts/logout/", "/sso/", "/lti/", "/.well-known/",
             "/__debug__/")
DOWNLOADS = (".pdf", ".png", ".svg", ".json", ".jsonld", ".csv", ".zip", ".jwt", ".txt", ".xml", ".ics")
PER_VIEW = 2  # pages per view (two attempts, two credentials…: the same template with other data)
LIMIT = 90


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _links(base: str, html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    out = []
    for href in parser.hrefs:
        url = urldefrag(urljoin(base, href)).url
        parts = urlsplit(url)
        if parts.scheme not in ("", "http", "https") or (parts.netloc and parts.netloc != "testserver"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith(NOT_PAGES) or parts.path.lower().endswith(DOWNLOADS):
            continue
        out.append(path)
    return out


def crawl(client, start: str = "/") -> dict[str, str]:
    """The HTML pages reachable from ``start`` by links, at most PER_VIEW per view."""
    pages, queue, seen, per_view = {}, [start], {start}, Counter()
    while queue and len(pages) < LIMIT:
        url = queue.pop(0)
        try:
            view = resolve(urlsplit(url).path).view_name
        except Resolver404:
            continue
        if per_view[view] >= PER_VIEW:
            continue
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="es", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        per_view[view] += 1
        html = response.content.decode()
        pages[url] = html
        for link in _links(url, html):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return pages


@pytest.fixture
def demo(transactional_db, seeded_demo):
    """The seeded demo world (seeded once per run, see the root conftest.py)."""


def _report(pages: dict[str, str], data: DataStrings) -> dict[str, list[str]]:
    return {url: found for url, html in pages.items() if (found := untranslated(html, data))}


@pytest.mark.parametrize("username, must_reach", [
    ("teacher", ["earning:attempt", "catalog:detail", "credentials:mine", "recognition:worth", "help", "credentials:credential"]),
    ("assessor", ["assessment:queue", "assessment:item", "help"]),
])
@pytest.mark.django_db(transaction=True)
def test_every_page_of_the_path_is_in_spanish(demo, client, username, must_reach):
    from microcred.accounts.models import User

    person = User.objects.get(username=username)
    if username == "assessor":  # an item in hand, as after "Score the next submission"
        from microcred.assessment import services

        assert services.next_item(assessor=person) is not None
    client.force_login(person)
    pages = crawl(client)
    reached = {resolve(urlsplit(url).path).view_name for url in pages}
    assert set(must_reach) <= reached, f"the crawl did not reach {set(must_reach) - reached}; reached {sorted(reached)}"
    assert all('<html lang="es"' in html for html in pages.values())
    problems = _report(pages, DataStrings.from_database())
    assert not problems, "English interface text on Spanish pages:\n" + "\n".join(
        f"{url}: {texts[:12]}" for url, texts in problems.items())


def test_the_reader_skips_other_languages_names_and_scripts_and_finds_english_labels():
    html = """<html lang="es"><body><nav aria-label="Main menu"><a href="/">Inicio</a></nav>
      <h1 lang="en">Teaching Phonics</h1><span translate="no">Ann Wells</span><script>var the = 1;</script>
      <p>Envíe su evidencia</p><button title="Submit your evidence">Enviar</button><input type="submit" value="Save">
      <p>Comentario de Will Stone</p><p>Part 2 of 3</p></body></html>"""
    texts = interface_texts(html)
    assert "Teaching Phonics" not in texts and "Ann Wells" not in texts and not any("var" in t for t in texts)
    data = DataStrings(["Will Stone"])
    assert untranslated(html, data) == ["Main menu", "Submit your evidence", "Save", "Part 2 of 3"]
    assert "no" not in ENGLISH and "plan" not in ENGLISH  # Spanish words too
