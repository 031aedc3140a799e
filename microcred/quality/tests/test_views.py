import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from microcred.quality import framework as fw
from microcred.quality import services
from microcred.quality.models import QualityFramework, QualityReview

from .conftest import GOOD, ratings

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_framework_page_is_public_and_shows_sources(client):
    page = client.get(reverse("quality:framework"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Backed by research" in text and "New America" in text and "Micro-credentials Partnership of States" in text


def test_adopt_page_refuses_bad_documents_and_keeps_the_text(client, qa):
    login(client, qa["people"]["platform_admin"])
    url = reverse("quality:adopt")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"document": "{not json <script>"})
    assert bad.status_code == 400 and "not valid JSON" in bad.content.decode()
    assert "&lt;script&gt;" in bad.content.decode()
    latin = client.post(url, {"file": SimpleUploadedFile("f.json", "{\"title\": \"caf\xe9\"}".encode("latin-1"))})
    assert latin.status_code == 400 and "UTF-8" in latin.content.decode()
    assert client.post(url, {"document": "x" * 300_000}).status_code == 400
    assert QualityFramework.objects.count() == 1
    ok = client.post(url, {"document": json.dumps(fw.shipped(1)), "note": "=cmd|calc"})
    assert ok.status_code == 302 and QualityFramework.objects.get(number=2).note == "=cmd|calc"


def test_adopt_page_is_404_to_issuers(client, qa):
    login(client, qa["people"]["issuer_admin"])
    assert client.get(reverse("quality:adopt")).status_code == 404


def test_walk_submit_rate_reconcile_decide(client, qa):
    people = qa["people"]
    login(client, people["issuer_admin"])
    page = client.get(reverse("quality:micro_credential", args=[qa["mc"].slug]))
    assert page.status_code == 200 and "Every automatic check passes." in page.content.decode()
    response = client.post(reverse("quality:submit", args=[qa["mc"].slug, qa["version"].number]))
    review = QualityReview.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("quality:review", args=[review.pk])
    for who in ("reviewer_a", "reviewer_b"):
        login(client, people[who])
        assert review.version.title in client.get(reverse("quality:reviews")).content.decode()
        data = {**{f"level-{k}": str(v) for k, v in GOOD.items()}, **{f"comment-{k}": "<b>ok</b>" for k in GOOD}}
        assert client.post(reverse("quality:rate", args=[review.pk]), data).status_code == 302
    page = client.get(reverse("quality:review", args=[review.pk]))
    assert "Reconcile and record the outcome" in page.content.decode() and "&lt;b&gt;ok&lt;/b&gt;" in page.content.decode()
    bad = client.post(reverse("quality:decide", args=[review.pk]), {"outcome": "approved"})
    assert bad.status_code == 400
    decided = client.post(reverse("quality:decide", args=[review.pk]), {**{f"score-{k}": str(v) for k, v in GOOD.items()},
                                                                       "outcome": "approved"})
    assert decided.status_code == 302
    review.refresh_from_db()
    assert review.outcome == "approved"
    login(client, people["issuer_admin"])
    assert "Approved" in client.get(reverse("quality:micro_credential", args=[qa["mc"].slug])).content.decode()


def test_blocked_submission_shows_the_reasons(client, qa):
    from microcred.assessment.models import Qualification

    Qualification.objects.all().delete()
    login(client, qa["people"]["issuer_admin"])
    response = client.post(reverse("quality:submit", args=[qa["mc"].slug, qa["version"].number]))
    assert response.status_code == 400 and "No certified assessor" in response.content.decode()
    assert not QualityReview.objects.exists()


def test_authors_organization_may_not_rate_and_outsiders_get_404(client, qa):
    review = services.submit_for_review(by=qa["people"]["issuer_admin"], version=qa["version"])
    login(client, qa["people"]["insider"])  # certified, but an author of the owning organization
    assert "Your rating" not in client.get(reverse("quality:review", args=[review.pk])).content.decode()
    assert client.post(reverse("quality:rate", args=[review.pk]), {"level-focus": "2"}).status_code == 403
    login(client, qa["people"]["other_earner"])
    assert client.get(reverse("quality:review", args=[review.pk])).status_code == 404
    assert client.post(reverse("quality:rate", args=[review.pk]), {"level-focus": "2"}).status_code == 404
    assert not review.ratings.exists()


def test_ratings_stay_hidden_while_open(client, qa):
    review = services.submit_for_review(by=qa["people"]["issuer_admin"], version=qa["version"])
    services.rate(by=qa["people"]["reviewer_a"], review=review, ratings=ratings(comment="SECRET-A"))
    login(client, qa["people"]["reviewer_b"])
    assert "SECRET-A" not in client.get(reverse("quality:review", args=[review.pk])).content.decode()


def test_record_page_and_queries_stay_constant(client, qa, django_assert_max_num_queries):
    review = services.submit_for_review(by=qa["people"]["issuer_admin"], version=qa["version"])
    services.rate(by=qa["people"]["reviewer_a"], review=review, ratings=ratings())
    review = services.rate(by=qa["people"]["reviewer_b"], review=review, ratings=ratings())
    services.decide(by=qa["people"]["reviewer_a"], review=review, scores=GOOD, outcome="approved")
    url = reverse("quality:record", args=[qa["mc"].slug])
    with django_assert_max_num_queries(20):
        page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Too few to report" in text and "State QA panel" in text


def test_catalog_filters_and_sorts_by_quality(client, qa, publish_mc):
    other = publish_mc(title="Aardvark practice")  # first by title, not reviewed
    review = services.submit_for_review(by=qa["people"]["issuer_admin"], version=qa["version"])
    services.rate(by=qa["people"]["reviewer_a"], review=review, ratings=ratings())
    review = services.rate(by=qa["people"]["reviewer_b"], review=review, ratings=ratings())
    services.decide(by=qa["people"]["reviewer_a"], review=review, scores=GOOD, outcome="approved")
    only = client.get(reverse("catalog:search"), {"quality": "approved"}).content.decode()
    assert "Hinge questions" in only and "Aardvark practice" not in only and "Quality approved" in only
    ordered = client.get(reverse("catalog:search"), {"sort": "quality"}).content.decode()
    assert ordered.index("Hinge questions") < ordered.index("Aardvark practice")
    body = client.get("/api/v1/catalog/", {"quality": "approved"}).json()
    assert [r["slug"] for r in body["results"]] == [qa["mc"].slug] and body["results"][0]["quality_status"] == "approved"
    assert other.micro_credential.slug in {r["slug"] for r in client.get("/api/v1/catalog/").json()["results"]}


def test_catalog_page_links_the_quality_record(client, qa):
    page = client.get(reverse("catalog:detail", args=[qa["mc"].slug])).content.decode()
    assert "Not reviewed for quality yet." in page and reverse("quality:record", args=[qa["mc"].slug]) in page


def test_review_pages_keep_their_query_count(client, qa, publish_mc, django_assert_max_num_queries):
    from microcred.quality.tests.conftest import ready_pool

    first = services.submit_for_review(by=qa["people"]["issuer_admin"], version=qa["version"])
    services.rate(by=qa["people"]["reviewer_a"], review=first, ratings=ratings())
    login(client, qa["people"]["reviewer_a"])
    with django_assert_max_num_queries(40) as before:
        client.get(reverse("quality:reviews"))
    with django_assert_max_num_queries(40) as page_before:
        client.get(reverse("quality:review", args=[first.pk]))
    for title in ("Second practice", "Third practice"):
        version = publish_mc(title=title)
        ready_pool(version, qa["orgs"]["issuer"], qa["people"]["assessor"])
        services.submit_for_review(by=qa["people"]["issuer_admin"], version=version)
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(reverse("quality:reviews")).status_code == 200
    with django_assert_max_num_queries(len(page_before.captured_queries)):
        assert client.get(reverse("quality:review", args=[first.pk])).status_code == 200


def test_a_members_only_mcs_record_is_there_for_whoever_sees_it_in_the_catalog(client, world, publish_mc):
    """The catalog page links its quality record: the link works for every reader of the page, and for no one else."""
    version = publish_mc(visibility="members", title="Members-only practice")
    url = f"/quality/record/{version.micro_credential.slug}/"
    api = f"/api/v1/micro-credentials/{version.micro_credential.slug}/quality/"
    assert client.get(url).status_code == 404 and client.get(api).status_code == 404
    client.force_login(world["people"]["other_admin"])  # another issuer: not a member
    assert client.get(url).status_code == 404 and client.get(api).status_code == 404
    client.force_login(world["people"]["assessor"])  # a member of the owning issuer
    catalog_page = client.get(f"/catalog/mc/{version.micro_credential.slug}/").content.decode()
    assert url in catalog_page
    page = client.get(url)
    assert page.status_code == 200 and "Members-only practice" in page.content.decode()
    assert client.get(api).status_code == 200
