"""My MCs shows the most recent earned MCs; every one of them is on the paginated "Earned" page (an educator may
hold hundreds). Bad page numbers give a page, never an error; nobody sees another person's list."""
from datetime import timedelta

import pytest
from django.utils import timezone

from microcred.earning import selectors
from microcred.earning.models import Attempt, CredentialStanding

HOSTILE = '<script>alert("x")</script>'


def _earn(earner, version, n: int) -> list[Attempt]:
    """n earned attempts, the last one the most recently changed."""
    now = timezone.now()
    attempts = [Attempt.objects.create(earner=earner, version=version, micro_credential=version.micro_credential,
                                       state=Attempt.State.EARNED, decided_at=now) for _ in range(n)]
    for i, attempt in enumerate(attempts):  # updated_at is auto_now: set it apart afterwards
        Attempt.objects.filter(pk=attempt.pk).update(updated_at=now - timedelta(minutes=n - i))
    return attempts


def _ids_on(page: str, attempts) -> list[int]:
    return [a.pk for a in attempts if f'id="earned-{a.pk}"' in page]


@pytest.fixture
def earner_client(client, world):
    client.force_login(world["people"]["earner"])
    return client


def test_home_shows_the_most_recent_earned_and_links_to_all(earner_client, world, published):
    attempts = _earn(world["people"]["earner"], published, selectors.EARNED_ON_HOME + 3)
    CredentialStanding.objects.create(attempt=attempts[-1], credential_id="00000000-0000-0000-0000-000000000001",
                                      url="/credentials/1/", state="revoked", changed_at=timezone.now(), reason="Plagiarism")
    page = earner_client.get("/earn/").content.decode()
    assert _ids_on(page, attempts) == [a.pk for a in attempts[-selectors.EARNED_ON_HOME:]]
    assert f"The {selectors.EARNED_ON_HOME} most recent of {len(attempts)} earned micro-credentials." in page
    assert 'href="/earn/earned/" id="all-earned"' in page
    assert f'id="earned-{attempts[-1].pk}" class="earned-revoked"' in page and "Plagiarism" in page


def test_home_without_more_earned_has_no_link(earner_client, world, published):
    _earn(world["people"]["earner"], published, 2)
    page = earner_client.get("/earn/").content.decode()
    assert 'id="all-earned"' not in page and page.count('<li id="earned-') == 2


def test_earned_page_lists_every_earned_mc_page_by_page(earner_client, world, published):
    attempts = _earn(world["people"]["earner"], published, selectors.EARNED_PAGE_SIZE + 5)
    first = earner_client.get("/earn/earned/").content.decode()
    second = earner_client.get("/earn/earned/?page=2").content.decode()
    newest_first = list(reversed(attempts))
    assert [pk for pk in (a.pk for a in newest_first) if f'id="earned-{pk}"' in first] == [a.pk for a in newest_first[:selectors.EARNED_PAGE_SIZE]]
    assert sorted(_ids_on(first, attempts) + _ids_on(second, attempts)) == sorted(a.pk for a in attempts)
    assert f"{len(attempts)} earned micro-credentials, most recent first." in first
    assert "Page 1 of 2" in first and 'href="?page=2"' in first and "Page 2 of 2" in second and 'href="?page=1"' in second


@pytest.mark.parametrize("number", ["abc", "0", "-1", "1.5", "999999", "9" * 5000, HOSTILE, ""])
def test_a_bad_page_number_gives_a_page_not_an_error(earner_client, world, published, number):
    _earn(world["people"]["earner"], published, 3)
    response = earner_client.get("/earn/earned/", {"page": number})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<li id="earned-') == 3 and HOSTILE not in page


def test_no_earned_mc_yet(earner_client):
    page = earner_client.get("/earn/earned/").content.decode()
    assert "0 earned micro-credentials" in page and "None yet." in page


def test_only_ones_own_list_and_only_when_signed_in(client, world, published):
    attempts = _earn(world["people"]["earner"], published, 3)
    response = client.get("/earn/earned/")
    assert response.status_code == 302 and "/earn/earned/" in response["Location"]  # to the sign-in page
    client.force_login(world["people"]["other_earner"])
    page = client.get("/earn/earned/").content.decode()
    assert _ids_on(page, attempts) == [] and "0 earned micro-credentials" in page


def test_the_earned_page_in_spanish(earner_client, world, published):
    _earn(world["people"]["earner"], published, 2)
    page = earner_client.get("/earn/earned/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Microcredenciales obtenidas" in page and "2 microcredenciales obtenidas" in page


def test_the_earned_page_queries_do_not_grow_with_rows(earner_client, world, published, django_assert_max_num_queries):
    _earn(world["people"]["earner"], published, 2)
    with django_assert_max_num_queries(40) as few:
        earner_client.get("/earn/earned/")
    _earn(world["people"]["earner"], published, selectors.EARNED_PAGE_SIZE + 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        earner_client.get("/earn/earned/")


def test_home_queries_do_not_grow_with_earned_mcs(earner_client, world, published, django_assert_max_num_queries):
    _earn(world["people"]["earner"], published, 2)
    with django_assert_max_num_queries(60) as few:
        earner_client.get("/earn/")
    _earn(world["people"]["earner"], published, selectors.EARNED_ON_HOME * 3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        earner_client.get("/earn/")
