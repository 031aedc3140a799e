"""/api/schema/ is generated once per process, API version and language, then kept (core/views_schema.py)."""
import pytest
from drf_spectacular.generators import SchemaGenerator

from microcred.core.views_schema import SchemaView


@pytest.fixture
def generations(monkeypatch):
    SchemaView._kept.clear()
    calls = []
    original = SchemaGenerator.get_schema

    def counting(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    yield calls
    SchemaView._kept.clear()


@pytest.mark.django_db
def test_the_schema_is_generated_once_and_answers_the_same(client, generations):
    first = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    second = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json() and "/api/v1/catalog/" in first.json()["paths"]
    assert len(generations) == 1
    yaml = client.get("/api/schema/")  # another rendering of the same kept document
    assert yaml.status_code == 200 and b"/api/v1/catalog/:" in yaml.content and len(generations) == 1


@pytest.mark.django_db
def test_each_language_and_hostile_parameters_get_a_schema_of_their_own_or_the_kept_one(client, generations):
    client.get("/api/schema/", HTTP_ACCEPT="application/json")
    spanish = client.get("/api/schema/", HTTP_ACCEPT="application/json", HTTP_ACCEPT_LANGUAGE="es")
    assert spanish.status_code == 200 and len(generations) == 2
    for hostile in ("\x00", "1' OR '1'='1", "v" * 10_000):  # an unknown version is not a new entry to keep
        assert client.get("/api/schema/", {"version": hostile}, HTTP_ACCEPT="application/json").status_code in (200, 404)
    assert len(SchemaView._kept) <= 3
