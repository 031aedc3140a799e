"""Objects a process keeps as they are (core.cache.remembered_object, decision 0054): the same object while its
generation lives, and gone as soon as the cache entry behind it is: a bump, expiry, eviction or a cleared cache."""
import threading

import pytest
from django.core.cache import cache

from microcred.core import cache as core_cache
from microcred.core.cache import Generation, forget_objects, remembered_object

pytestmark = pytest.mark.engine_agnostic  # no database: the PostgreSQL pass skips them (conftest.py)


@pytest.fixture(autouse=True)
def _own_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path  # the generation stamps of the local-memory cache live here
    forget_objects()
    yield
    forget_objects()


class Counter:
    def __init__(self):
        self.made = []

    def __call__(self):
        self.made.append(object())
        return self.made[-1]


def test_the_same_object_is_handed_out_until_its_generation_is_bumped():
    topic, make = Generation("objects"), Counter()
    first = remembered_object(topic, "content", make)
    assert remembered_object(topic, "content", make) is first and len(make.made) == 1
    topic.bump()
    second = remembered_object(topic, "content", make)
    assert second is not first and len(make.made) == 2
    assert remembered_object(topic, "content", make) is second


def test_names_and_topics_are_kept_apart_even_for_hostile_names():
    make = Counter()
    one = remembered_object(Generation("a"), "<script>alert(1)</script>\x00" + "é" * 300, make)
    other = remembered_object(Generation("b"), "<script>alert(1)</script>\x00" + "é" * 300, make)
    assert one is not other and len(make.made) == 2


def test_a_cleared_cache_retires_what_the_process_keeps():
    topic, make = Generation("objects"), Counter()
    first = remembered_object(topic, "content", make)
    cache.clear()  # an operator, or a test, empties the cache: nothing kept outlives it
    assert remembered_object(topic, "content", make) is not first


def test_an_entry_expires_after_its_timeout(monkeypatch):
    topic, make = Generation("objects"), Counter()
    clock = [1000.0]
    monkeypatch.setattr(core_cache.time, "monotonic", lambda: clock[0])
    first = remembered_object(topic, "content", make, timeout=30)
    clock[0] += 23  # kept for 80–100 % of its timeout (core.cache.spread): 24 s at the least
    assert remembered_object(topic, "content", make, timeout=30) is first
    clock[0] += 8
    assert remembered_object(topic, "content", make, timeout=30) is not first


def test_at_most_objects_kept_are_kept_the_least_recently_used_leave_first(monkeypatch):
    monkeypatch.setattr(core_cache, "OBJECTS_KEPT", 3)
    topic, make = Generation("objects"), Counter()
    kept = {name: remembered_object(topic, name, make) for name in ("a", "b", "c")}
    assert remembered_object(topic, "a", make) is kept["a"]  # "a" used again: "b" is now the oldest
    remembered_object(topic, "d", make)
    assert len(core_cache._objects) == 3
    assert remembered_object(topic, "a", make) is kept["a"]
    assert remembered_object(topic, "b", make) is not kept["b"]  # left, made again


def test_a_failed_computation_keeps_nothing():
    topic = Generation("objects")

    def broken():
        raise ValueError("the database said no")

    for _ in range(2):
        with pytest.raises(ValueError):
            remembered_object(topic, "content", broken)
    assert len(core_cache._objects) == 0


def test_threads_asking_at_once_all_get_a_whole_object():
    topic, make = Generation("objects"), Counter()
    got, errors = [], []

    def ask():
        try:
            for _ in range(200):
                got.append(remembered_object(topic, "content", make))
        except Exception as error:  # pragma: no cover - the assertion below shows it
            errors.append(error)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(got) == 800
    assert set(map(id, got)) <= set(map(id, make.made)) and len(make.made) <= 4  # at most one race per thread


def test_spread_keeps_an_entry_for_80_to_100_percent_of_its_timeout_and_varies():
    kept = [core_cache.spread(60) for _ in range(500)]
    assert all(48 <= seconds <= 60 for seconds in kept)
    assert len(set(kept)) > 5  # processes that warmed up together do not all recompute at the same second
    assert core_cache.spread(1) == 1
    assert core_cache.spread(None) is None and core_cache.spread(0) == 0 and core_cache.spread(-5) == -5


def test_cached_values_and_pages_are_stored_for_their_spread_timeout(monkeypatch, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from microcred.core import page_cache

    stored = []
    real_set = cache.set
    monkeypatch.setattr(core_cache.random, "random", lambda: 1.0)  # the largest shortening: 20 %
    for module in (core_cache, page_cache):
        monkeypatch.setattr(module.cache, "set", lambda key, value, timeout=None: stored.append(timeout) or real_set(key, value, timeout))
    core_cache.remembered(Generation("spread"), "a value", lambda: 1, timeout=60)
    request = rf.get("/somewhere")
    request.user = AnonymousUser()
    page_cache.anonymous_page(request, Generation("spread"), lambda token: HttpResponse("page"), timeout=100)
    assert stored == [48, 80]
