"""Memberships are read once per request (issue 18), and a membership change within the request is seen at once."""
from django.db import connection
from django.test.utils import CaptureQueriesContext

from microcred.accounts import policy, selectors
from microcred.accounts.models import Membership, Role


def _membership_queries(queries) -> int:
    return sum(1 for q in queries.captured_queries if 'FROM "accounts_membership"' in q["sql"] and "organization_id" in q["sql"])


def test_one_membership_read_per_request_scope(db, world):
    admin = world["people"]["issuer_admin"]
    token = policy.begin_request_scope()
    try:
        with CaptureQueriesContext(connection) as queries:
            for _ in range(5):
                assert policy.is_issuer_admin(admin)
                assert selectors.organization_ids_with_role(admin, Role.ISSUER_ADMIN)
                assert selectors.has_role(admin, Role.ISSUER_ADMIN)
        assert _membership_queries(queries) == 1
    finally:
        policy.end_request_scope(token)


def test_a_membership_change_within_the_request_is_seen(db, world):
    earner = world["people"]["earner"]
    org = world["orgs"]["issuer"]
    token = policy.begin_request_scope()
    try:
        assert not policy.is_issuer_admin(earner, org)
        membership = Membership.objects.create(user=earner, organization=org, role=Role.ISSUER_ADMIN)
        assert policy.is_issuer_admin(earner, org)
        membership.delete()
        assert not policy.is_issuer_admin(earner, org) and org.pk not in selectors.organization_ids_with_role(earner)
    finally:
        policy.end_request_scope(token)


def test_outside_a_request_nothing_is_remembered(db, world):
    earner, org = world["people"]["earner"], world["orgs"]["issuer"]
    assert not policy.is_issuer_admin(earner, org)
    Membership.objects.create(user=earner, organization=org, role=Role.ISSUER_ADMIN)
    assert policy.is_issuer_admin(earner, org)


def test_a_page_reads_the_memberships_once(client, world):
    client.force_login(world["people"]["issuer_admin"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/assess/issuer/").status_code == 200
    assert _membership_queries(queries) <= 1
