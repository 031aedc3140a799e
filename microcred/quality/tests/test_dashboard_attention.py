"""The issuer's assessment dashboard shows, per MC, what its quality record says needs attention (issue 16 item 7),
through assessment/attention.py (assessment cannot import quality)."""
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from microcred.assessment import attention
from microcred.quality import selectors
from microcred.quality.models import QualityReview


def _decided(version, outcome="revise", changes="Add a classroom-artifact part."):
    return QualityReview.objects.create(version=version, framework=selectors.current_framework(), state=QualityReview.State.DECIDED,
                                        outcome=outcome, changes_requested=changes, decided_at=timezone.now())


def test_the_dashboard_lists_what_needs_attention_with_links(qa, client):
    _decided(qa["version"])
    client.force_login(qa["people"]["issuer_admin"])
    page = client.get(reverse("assessment:issuer")).content.decode()
    assert f'id="attention-{qa["mc"].slug}"' in page
    assert "Quality reviewers asked for changes: Add a classroom-artifact part." in page
    assert reverse("quality:micro_credential", args=[qa["mc"].slug]) in page
    assert reverse("catalog:author_transition", args=[qa["mc"].slug, qa["version"].number, "new-version"]) in page


def test_the_batch_agrees_with_the_quality_page(qa):
    _decided(qa["version"], outcome="approved_with_conditions", changes="Name the anchor set.")
    batch = attention.for_micro_credentials([qa["mc"].pk])[qa["mc"].pk]
    assert batch == selectors.needs_attention(qa["mc"])
    assert [i["code"] for i in batch] == ["review_changes"]


def test_nothing_to_attend_to_shows_nothing(qa, client):
    _decided(qa["version"], outcome="approved", changes="")
    assert attention.for_micro_credentials([qa["mc"].pk]) == {}
    client.force_login(qa["people"]["issuer_admin"])
    assert "Needs attention:" not in client.get(reverse("assessment:issuer")).content.decode()


def test_hostile_reviewer_text_is_escaped(qa, client):
    _decided(qa["version"], changes='<script>alert("x")</script>')
    client.force_login(qa["people"]["issuer_admin"])
    page = client.get(reverse("assessment:issuer")).content.decode()
    assert '<script>alert("x")</script>' not in page and "&lt;script&gt;" in page


def test_only_the_issuers_own_mcs(qa, client, publish_mc):
    _decided(qa["version"], changes="Issuer one secret conditions.")
    theirs = publish_mc(owner=qa["orgs"]["other_issuer"], title="Their MC")
    _decided(theirs, changes="Issuer two conditions.")
    client.force_login(qa["people"]["other_admin"])
    page = client.get(reverse("assessment:issuer")).content.decode()
    assert "Issuer two conditions." in page and "secret conditions" not in page
    for who in ("earner", "assessor", "author"):       # not issuer admins: no dashboard at all
        client.force_login(qa["people"][who])
        response = client.get(reverse("assessment:issuer"))
        assert response.status_code in (403, 404) or "secret conditions" not in response.content.decode()


def test_constant_queries_however_many_mcs(qa, client, publish_mc):
    _decided(qa["version"])
    client.force_login(qa["people"]["issuer_admin"])
    url = reverse("assessment:issuer")
    client.get(url)
    cache.clear()  # the list is kept for 15 minutes: count the queries of computing it
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    with CaptureQueriesContext(connection) as kept:
        client.get(url)
    assert len(kept) < len(one)  # the second view reads the kept list
    for n in range(3):
        _decided(publish_mc(title=f"Another MC {n}"))
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert page.count("Needs attention:") == 4
    assert len(many) == len(one)
