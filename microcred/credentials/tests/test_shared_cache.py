"""Verification with the shared cache of several web nodes (issue 18, decision 0039): a revocation on one node is
seen at the next verification on another, and verification still answers while Redis is down."""
import json
from contextlib import contextmanager

from django.core.cache import caches

from microcred.core.redis_cache import ResilientRedisCache, cache_settings
from microcred.credentials import selectors, services


@contextmanager
def on_node(node):
    previous = caches["default"]
    caches["default"] = node
    try:
        yield
    finally:
        caches["default"] = previous


def test_a_revocation_on_one_node_is_seen_by_the_other_at_once(settings, redis_server, world, issued):
    settings.CACHES = cache_settings(redis_server.url)
    node_a, node_b = caches.create_connection("default"), caches.create_connection("default")
    assert isinstance(node_a, ResilientRedisCache)  # two connections to one Redis, not one process's memory
    with on_node(node_a):
        assert selectors.live_verification(issued).verified  # cached in Redis
    with on_node(node_b):
        services.revoke(issued, by=world["people"]["issuer_admin"], reason="Evidence was not the earner's own work")
    with on_node(node_a):
        assert not selectors.live_verification(issued).verified


def test_redis_down_the_verify_endpoint_still_answers(settings, redis_server, client, issued, caplog):
    settings.CACHES = cache_settings(redis_server.url)
    body = json.dumps({"verifiableCredential": issued.credential})
    assert client.post("/credentials/verify", body, content_type="application/json").json()["verified"] is True
    redis_server.stop()
    response = client.post("/credentials/verify", body, content_type="application/json")
    assert response.status_code == 200 and response.json()["verified"] is True
    hostile = client.post("/credentials/verify", "[" * 10_000, content_type="application/json")
    assert hostile.status_code == 400  # bad input is still a clear 400, not a 500
    assert any("shared cache (Redis) cannot be used" in r.getMessage() for r in caplog.records)
