"""Catalog facet counts in the shared cache of several web nodes (issue 18, decisions 0033 and 0039): a publish on one
node retires the counts every node cached, and a Redis outage leaves the catalog working from the database."""
from contextlib import contextmanager

from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches

from microcred.catalog.selectors import search_catalog
from microcred.core.redis_cache import ResilientRedisCache, cache_settings


@contextmanager
def on_node(node):
    previous = caches["default"]
    caches["default"] = node
    try:
        yield
    finally:
        caches["default"] = previous


def issuer_counts():
    return {f.value: f.count for f in search_catalog(user=AnonymousUser()).facets["issuer"]}


def test_a_publish_on_one_node_retires_the_facets_on_the_other(settings, redis_server, world, published, publish_mc):
    settings.CACHES = cache_settings(redis_server.url)
    node_a, node_b = caches.create_connection("default"), caches.create_connection("default")
    assert isinstance(node_a, ResilientRedisCache)  # two connections to one Redis, not one process's memory
    with on_node(node_a):
        assert issuer_counts() == {"issuer-one": 1}
    with on_node(node_b):
        assert issuer_counts() == {"issuer-one": 1}  # served from what node A cached
        publish_mc(owner=world["orgs"]["other_issuer"], title="Second issuer's MC")  # a write on node B
    with on_node(node_a):
        assert issuer_counts() == {"issuer-one": 1, "issuer-two": 1}  # node A's very next read sees it


def test_facets_are_read_from_redis_not_recomputed(settings, redis_server, world, published):
    settings.CACHES = cache_settings(redis_server.url)
    search_catalog(user=AnonymousUser())
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as cold_queries:
        caches["default"].clear()
        search_catalog(user=AnonymousUser())
    with CaptureQueriesContext(connection) as warm_queries:
        search_catalog(user=AnonymousUser())
    assert len(warm_queries) < len(cold_queries)  # the eight facet counts come from Redis


def test_redis_down_the_catalog_still_renders_from_the_database(settings, redis_server, client, world, published,
                                                               caplog):
    settings.CACHES = cache_settings(redis_server.url)
    assert client.get("/catalog/").status_code == 200
    redis_server.stop()
    client.force_login(world["people"]["earner"])
    for url in ("/catalog/", "/catalog/?q=formative&subject=nonexistent", "/"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "Modifying Instruction" in client.get("/catalog/?q=formative").content.decode()
    assert any("shared cache (Redis) cannot be used" in r.getMessage() for r in caplog.records)
