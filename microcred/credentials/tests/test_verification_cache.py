"""What verification reads is cached (issue 18): a revocation, suspension or reinstatement is seen at once, and an
anonymous verification writes nothing (no session, no row)."""
import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from microcred.credentials import selectors, services


def test_credential_page_report_follows_a_revocation(world, issued):
    admin = world["people"]["issuer_admin"]
    assert selectors.live_verification(issued).verified
    with CaptureQueriesContext(connection) as queries:
        assert selectors.live_verification(issued).verified
    assert len(queries) == 0  # the second look is served from the cache
    services.revoke(issued, by=admin, reason="Evidence was not the earner's own work")
    assert not selectors.live_verification(issued).verified


def test_anonymous_verification_writes_nothing_and_sets_no_cookie(client, issued):
    body = json.dumps({"verifiableCredential": issued.credential})
    client.post("/credentials/verify", body, content_type="application/json")  # warm the caches
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/credentials/verify", body, content_type="application/json")
    assert response.status_code == 200 and response.json()["verified"] is True
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert writes == [] and "sessionid" not in response.cookies and len(queries) == 0


def test_hostile_verification_input_is_a_clear_400(client):
    for body in ("[" * 100_000, '{"a": "' + "[" * 10_000, "{" * 40 + "}" * 40):
        response = client.post("/credentials/verify", body, content_type="application/json")
        assert response.status_code == 400 and response.json()["verified"] is False
