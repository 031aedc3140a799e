"""The navigation offers each person exactly the pages they may open (core/menu.py, each app's menu.py).

For every role of the authorization matrix (and the Django staff superuser), every registered menu entry is
checked against the page itself: an entry that is shown opens (HTTP 200), an entry that is hidden refuses (403,
404, or the login page). One exception, declared here: the coaching page answers every signed-in person (it lists
their coachees, usually none), and the menu offers it only to coaches.
"""
from __future__ import annotations

import re

import pytest

# Entries whose page answers every signed-in person but which the menu offers only to the people it concerns.
OFFERED_BY_RELEVANCE = {"coaching"}
ROLES = ("anonymous", *sorted({"earner", "other_earner", "coach", "other_coach", "assessor_assigned",
                               "assessor_unassigned", "assessor_uncertified", "author", "other_author", "issuer_admin",
                               "other_admin", "recognizer", "other_recognizer", "platform_admin", "staff"}))


def _nav_links(html: str) -> set[str]:
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', html, re.S)
    assert nav, "the page has no main navigation"
    return set(re.findall(r'<a href="([^"]+)"', nav.group(1)))


@pytest.mark.parametrize("role", ROLES)
def test_each_menu_entry_is_shown_exactly_to_who_may_open_it(role, matrix_world, matrix_client):
    from django.contrib.auth.models import AnonymousUser
    from django.urls import reverse

    from microcred.accounts.models import User
    from microcred.core import menu

    user = AnonymousUser() if role == "anonymous" else User.objects.get(pk=matrix_world["people"][role].pk)
    shown = {e["key"] for e in menu.visible_entries(user)}
    client = matrix_client(None if role == "anonymous" else role)
    links = _nav_links(client.get(reverse("home")).content.decode())

    wrong = []
    for entry in menu.entries():
        url = reverse(entry.url_name)
        response = client.get(url)
        status = response.status_code
        if status == 302 and entry.key in shown:  # an entry may open on the person's own page (analytics' dashboard)
            status = client.get(response["Location"]).status_code
        opens = status == 200
        if (url in links) != (entry.key in shown):
            wrong.append(f"{entry.key}: visible_entries says {entry.key in shown}, the page's menu says {url in links}")
        if entry.key in shown and not opens:
            wrong.append(f"{entry.key} is offered but {url} answers HTTP {status}")
        if entry.key not in shown and opens and entry.key not in OFFERED_BY_RELEVANCE:
            wrong.append(f"{entry.key} is hidden but {url} opens (HTTP 200)")
        if not opens and status not in (302, 403, 404):
            wrong.append(f"{entry.key}: {url} answers HTTP {status}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


def test_every_app_contributes_its_entries():
    from microcred.core import menu

    keys = {e.key for e in menu.entries()}
    assert keys >= {"catalog", "stacks", "my_mcs", "my_credentials", "my_recognition", "recognition_policies",
                    "coaching", "priorities", "sponsorship", "assess", "assessment", "authoring", "audit", "admin"}
    assert all(e.allowed is None or callable(e.allowed) for e in menu.entries())


def test_the_menu_reads_roles_once(django_assert_max_num_queries, matrix_world, db):
    """The menu asks a dozen rules; the person's memberships are read once, not once per rule."""
    from microcred.accounts.models import User
    from microcred.core import menu

    user = User.objects.get(pk=matrix_world["people"]["platform_admin"].pk)
    with django_assert_max_num_queries(6):
        keys = {e["key"] for e in menu.visible_entries(user)}
    assert {"audit", "authoring", "assessment", "recognition_policies"} <= keys and "assess" not in keys


def _keys(user_id) -> set[str]:
    from microcred.accounts.models import User
    from microcred.core import menu

    return {e["key"] for e in menu.visible_entries(User.objects.get(pk=user_id))}


def test_the_menu_is_kept_per_person_and_read_again_after_any_change_it_depends_on(django_assert_max_num_queries,
                                                                                   matrix_world, db):
    """What the menu offers is kept per person (decision 0050); a role, a qualification, a quality reviewer's
    certification or an account flag changes it at the person's next page, and one person's never serves another."""
    from microcred.accounts import services as accounts_services
    from microcred.accounts.models import User
    from microcred.assessment.models import Qualification
    from microcred.catalog.models import MicroCredential
    from microcred.quality.models import QualityReviewer

    earner = matrix_world["people"]["earner"]
    other = matrix_world["people"]["other_earner"]
    issuer = matrix_world["orgs"]["issuer"]
    before = _keys(earner.pk)
    assert "assess" not in before and "assessment" not in before and "quality_reviews" not in before
    with django_assert_max_num_queries(1):  # reading the person; the rules' answer is kept
        assert _keys(earner.pk) == before
    accounts_services.grant_role(user=User.objects.get(pk=other.pk), organization=issuer, role="issuer_admin")
    assert "assessment" in _keys(other.pk) and "assessment" not in _keys(earner.pk)  # a membership; never another's
    Qualification.objects.create(assessor_id=earner.pk, micro_credential=MicroCredential.objects.order_by("pk").first(),
                                 organization=issuer)
    assert "assess" in _keys(earner.pk)  # a qualification
    QualityReviewer.objects.create(user_id=earner.pk, organization=issuer)
    assert "quality_reviews" in _keys(earner.pk)  # a quality reviewer's certification
    User.objects.filter(pk=earner.pk).update(is_staff=True)  # no signal at all: the account flags name the kept copy
    assert "admin" in _keys(earner.pk)
