"""Without Redis, cached values are files shared by every process of the machine (decision 0059): what one gunicorn
worker computed, the others read, and a generation bump in any of them retires it for all."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import override_settings

from microcred.core import cache as core_cache
from microcred.core.cache import Generation, forget_objects, remembered, remembered_object
from microcred.core.redis_cache import cache_settings

pytestmark = pytest.mark.engine_agnostic  # no database: files and processes only (the PostgreSQL pass skips them)

ROOT = Path(__file__).resolve().parents[3]

# One "worker": production settings (no Redis), the machine's data folder; asks for a value under a topic and
# prints who computed it, then optionally bumps the topic.
WORKER = r"""
import json, os, sys
import django
django.setup()
from django.conf import settings
from microcred.core.cache import Generation, remembered
topic = Generation("node-test")
value = remembered(topic, sys.argv[1], lambda: {"computed_by": os.getpid(), "text": sys.argv[1]}, timeout=60)
if len(sys.argv) > 2 and sys.argv[2] == "bump":
    topic.bump()
print(json.dumps({"pid": os.getpid(), "value": value, "backend": settings.CACHES["default"]["BACKEND"],
                  "location": settings.CACHES["default"].get("LOCATION")}))
"""


def _worker(data: Path, name: str, *extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MICROCRED_", "DATABASE_URL", "REDIS_URL"))}
    env.update({"DJANGO_SETTINGS_MODULE": "microcred.settings.production", "MICROCRED_DATA_DIR": str(data),
                "MICROCRED_SECRET_KEY": "k" * 50, "MICROCRED_ALLOWED_HOSTS": "127.0.0.1",
                "MICROCRED_SITE_URL": "https://127.0.0.1", "PYTHONPATH": str(ROOT)})
    done = subprocess.run([sys.executable, "-c", WORKER, name, *extra], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_processes_of_one_machine_share_what_one_of_them_computed_until_a_bump(tmp_path):
    first = _worker(tmp_path, "results for “classroom” <script>")
    assert first["backend"].endswith("FileBasedCache") and first["location"] == str(tmp_path / "cache" / "entries")
    assert first["value"]["computed_by"] == first["pid"]
    assert (tmp_path / "cache" / "entries").stat().st_mode & 0o777 == 0o700  # pickles: the microcred user's only
    second = _worker(tmp_path, "results for “classroom” <script>", "bump")  # another worker: reads, then retires
    assert second["pid"] != first["pid"] and second["value"] == first["value"]
    third = _worker(tmp_path, "results for “classroom” <script>")  # after the bump: computed again
    assert third["value"]["computed_by"] == third["pid"]
    other = _worker(tmp_path, "another search")  # names are kept apart
    assert other["value"] == {"computed_by": other["pid"], "text": "another search"}


def test_without_redis_the_settings_choose_files_in_the_data_folder_and_with_none_given_memory(tmp_path):
    chosen = cache_settings("", directory=tmp_path / "entries", max_entries=7)["default"]
    assert chosen == {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                      "LOCATION": str(tmp_path / "entries"), "OPTIONS": {"MAX_ENTRIES": 7, "CULL_FREQUENCY": 3}}
    assert cache_settings("   ")["default"]["BACKEND"].endswith("LocMemCache")
    assert cache_settings("redis://127.0.0.1:6379/0", directory=tmp_path)["default"]["BACKEND"].endswith("ResilientRedisCache")


@pytest.fixture
def file_cache(tmp_path):
    with override_settings(CACHES=cache_settings("", directory=tmp_path / "entries", max_entries=50)):
        forget_objects()
        yield tmp_path / "entries"
        cache.clear()
    forget_objects()


def test_hostile_names_large_values_and_expiry_in_the_file_cache(file_cache, monkeypatch):
    topic = Generation("node-hostile")
    names = ["\x00nul", "../../etc/passwd", "é" * 5000, "<script>alert(1)</script>", "a b\nc"]
    for name in names:
        assert remembered(topic, name, lambda n=name: {"name": n, "blob": b"\xff" * 100_000}) == {"name": name, "blob": b"\xff" * 100_000}
    assert all(remembered(topic, name, lambda: pytest.fail("computed again")) ["name"] == name for name in names)
    # Every file stays inside the cache folder, whatever the name.
    assert all(path.resolve().is_relative_to(file_cache.resolve()) for path in file_cache.rglob("*"))
    monkeypatch.setattr(core_cache.random, "random", lambda: 0.0)  # the full timeout: 1 s
    remembered(topic, "short", lambda: "first", timeout=1)
    import time

    time.sleep(1.1)
    assert remembered(topic, "short", lambda: "second", timeout=1) == "second"


def test_kept_objects_follow_the_shared_marker(file_cache):
    topic = Generation("node-objects")
    first = remembered_object(topic, "version 1 shown in es", lambda: {"parts": [1, 2]})
    assert remembered_object(topic, "version 1 shown in es", lambda: {"parts": []}) is first
    cache.clear()  # what clears the machine's files retires what this process keeps
    assert remembered_object(topic, "version 1 shown in es", lambda: {"parts": [3]}) == {"parts": [3]}


def test_the_file_cache_evicts_beyond_its_size(file_cache):
    for i in range(120):
        cache.set(f"microcred:test:{i}", i, 60)
    assert len(list(file_cache.glob("*.djcache"))) <= 51  # MAX_ENTRIES 50: a third culled each time it is passed


def test_a_release_migrate_empties_the_machines_cache_files(file_cache):
    from django.apps import apps
    from django.db.models.signals import post_migrate

    from microcred.core.apps import _empty_cache

    cache.set("microcred:page:before-the-release", b"old page", 60)
    core = apps.get_app_config("core")
    assert _empty_cache in post_migrate._live_receivers(core)[0]  # what `microcred migrate` calls once it is done
    _empty_cache(sender=core, app_config=core, using="default")
    assert cache.get("microcred:page:before-the-release") is None
    assert not list(file_cache.glob("*.djcache"))


def test_a_shared_redis_is_not_flushed_by_a_release(monkeypatch):
    cleared = []
    monkeypatch.setattr(core_cache, "_is_local_memory", lambda: False)
    monkeypatch.setattr(core_cache.cache, "clear", lambda: cleared.append(True))
    core_cache.clear_machine_cache()
    assert cleared == []
