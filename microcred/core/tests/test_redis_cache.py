"""The shared cache of several web nodes (issue 18, decision 0039): REDIS_URL picks Redis, two nodes share the
generations of decision 0033, a bad address is a readable start-up error, and an outage degrades to the database."""
import logging
from contextlib import contextmanager

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured

from microcred.core import cache as core_cache
from microcred.core.cache import Generation, remembered
from microcred.core.redis_cache import CacheUnavailable, ResilientRedisCache, cache_settings

pytestmark = pytest.mark.engine_agnostic  # no database: the PostgreSQL pass skips them (conftest.py)


@contextmanager
def on_node(node):
    """Run as one web node: ``django.core.cache.cache`` is that node's own connection."""
    previous = caches["default"]
    caches["default"] = node
    try:
        yield
    finally:
        caches["default"] = previous


@pytest.fixture
def two_nodes(settings, redis_server):
    settings.CACHES = cache_settings(redis_server.url)
    return caches.create_connection("default"), caches.create_connection("default")


def test_settings_pick_local_memory_without_an_address_and_redis_with_one():
    assert cache_settings("")["default"]["BACKEND"].endswith("LocMemCache")
    assert cache_settings("   ", max_entries=7)["default"]["OPTIONS"] == {"MAX_ENTRIES": 7}
    for url in ("redis://cache.internal:6379/0", "rediss://:secret@cache.internal/2", "unix:///run/redis/redis.sock",
                "redis://10.0.0.5"):
        chosen = cache_settings(url, timeout_seconds=0.25)["default"]
        assert chosen["BACKEND"] == "microcred.core.redis_cache.ResilientRedisCache" and chosen["LOCATION"] == url
        assert chosen["OPTIONS"] == {"socket_connect_timeout": 0.25, "socket_timeout": 0.25}  # never hang a request


@pytest.mark.parametrize("url, words", [
    ("localhost:6379", "must start with redis://"),
    ("http://cache.internal:6379/0", "it starts with http://"),
    ("redis://cache.internal:notaport/0", "port must be a number"),
    ("redis://cache.internal:99999/0", "port must be a number"),
    ("redis://:6379/0", "names no host"),
    ("redis://cache.internal:6379/zero", "database (after the last /) must be a number"),
    ("unix://", "names no socket file"),
    ("redis://user:hunter2@cache.internal:6379/<script>", "must be a number"),
])
def test_a_bad_address_is_a_readable_startup_error_that_never_shows_the_password(url, words):
    with pytest.raises(ImproperlyConfigured) as error:
        cache_settings(url)
    message = str(error.value)
    assert words in message and "REDIS_URL" in message and "redis://HOST:6379/0" in message
    assert "hunter2" not in message and "<script>" not in message


def test_the_running_settings_follow_redis_url(settings, redis_server):
    settings.CACHES = cache_settings(redis_server.url)
    assert isinstance(caches["default"], ResilientRedisCache)
    caches["default"].set("microcred:test", {"a": 1}, 30)
    assert caches.create_connection("default").get("microcred:test") == {"a": 1}  # a second connection sees it


def test_two_nodes_share_a_generation_bump(two_nodes):
    node_a, node_b = two_nodes
    topic = Generation("test-topic")
    computed = []

    def compute():
        computed.append(1)
        return len(computed)

    with on_node(node_a):
        assert remembered(topic, "answer", compute) == 1
        assert remembered(topic, "answer", compute) == 1  # cached on A
    with on_node(node_b):
        assert remembered(topic, "answer", compute) == 1  # B reads what A cached: one shared cache
        before = topic.current()
        topic.bump()  # a write on node B
        assert topic.current() > before
    with on_node(node_a):
        assert remembered(topic, "answer", compute) == 2  # A recomputes at its very next read
    assert computed == [1, 1]


def test_redis_down_is_a_miss_with_one_warning_and_a_bump_is_sent_once_it_answers(two_nodes, redis_server, caplog):
    node_a, node_b = two_nodes
    topic = Generation("outage")
    with on_node(node_a):
        assert remembered(topic, "v", lambda: "old") == "old"
        generation = topic.current()
    redis_server.stop()
    with on_node(node_b), caplog.at_level(logging.WARNING, logger="microcred.cache"):
        assert node_b.get("anything", "default") == "default" and node_b.add("k", 1) is False
        assert node_b.set("k", 1) is None and node_b.get_many(["k"]) == {} and node_b.delete("k") is False
        with pytest.raises(CacheUnavailable):
            node_b.incr("k")
        assert remembered(topic, "v", lambda: "from the database") == "from the database"
        topic.bump()  # a revocation during the outage: cannot be sent now
        assert topic.topic in core_cache._unsent_bumps
    warnings = [r for r in caplog.records if "cannot be used" in r.getMessage()]
    assert len(warnings) == 1  # one per outage, not one per read
    # Redis comes back (a partition heals: here it restarts empty) and node B's next read sends the bump it owed.
    redis_server.start()
    node_a.set(topic.key, generation, None)  # as if the old entries had survived the outage
    node_a.set(f"microcred:outage:{generation}:x", "stale", 300)
    node_b._down_until = 0  # the retry pause is over
    with on_node(node_b):
        assert topic.current() != generation
    assert topic.topic not in core_cache._unsent_bumps
    with on_node(node_a):
        assert remembered(topic, "v", lambda: "new") == "new"


def test_an_unreachable_redis_is_tried_again_only_after_a_pause(settings, redis_server):
    settings.CACHES = cache_settings(redis_server.url)
    node = caches["default"]
    redis_server.stop()
    assert node.get("k") is None
    redis_server.start()
    node.set("k", "v", 30)  # within the pause: not even tried
    assert node.get("k") is None
    node._down_until = 0
    node.set("k", "v", 30)
    assert node.get("k") == "v"


def test_a_full_redis_that_refuses_writes_is_an_outage_not_an_error(settings, redis_server, caplog):
    import redis

    settings.CACHES = cache_settings(redis_server.url)
    admin = redis.Redis.from_url(redis_server.url)
    admin.config_set("maxmemory-policy", "noeviction")
    admin.config_set("maxmemory", "1")  # every write now fails with "OOM command not allowed"
    with caplog.at_level(logging.WARNING, logger="microcred.cache"):
        assert remembered(Generation("full"), "v", lambda: "computed") == "computed"
        caches["default"].set("k", "v" * 1000, 30)
    assert any("OutOfMemoryError" in r.getMessage() for r in caplog.records)
    admin.close()


def test_an_object_kept_by_one_node_is_retired_by_a_bump_on_another(two_nodes):
    node_a, node_b = two_nodes
    topic = Generation("test-objects")
    core_cache.forget_objects()
    with on_node(node_a):
        first = core_cache.remembered_object(topic, "content", lambda: ["version", 1])
        assert core_cache.remembered_object(topic, "content", lambda: ["version", 2]) is first
    with on_node(node_b):
        topic.bump()  # a catalog write on node B
    with on_node(node_a):
        assert core_cache.remembered_object(topic, "content", lambda: ["version", 2]) == ["version", 2]
    core_cache.forget_objects()
