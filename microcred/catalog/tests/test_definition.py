import json

import pytest

from microcred.catalog import services
from microcred.catalog.definition import DefinitionErrors, export_definition, validate_definition

from .factories import make_definition, make_rubric


def errors_of(definition):
    with pytest.raises(DefinitionErrors) as exc:
        validate_definition(definition)
    return exc.value.message_dict


def test_a_complete_definition_validates(world):
    clean = validate_definition(make_definition())
    assert clean["title"].startswith("Modifying Instruction")
    assert [p["rubric"]["levels"] for p in clean["parts"]][0] == ["Not Met", "Progressing", "Demonstrated"]


@pytest.mark.parametrize("bad, path", [
    ({"title": ""}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"title": 12}, "title"),
    ({"parts": []}, "parts"),
    ({"parts": "not a list"}, "parts"),
    ({"parts": [{}] * 13}, "parts"),
    ({"grade_bands": ["13-14"]}, "grade_bands[0]"),
    ({"cost": "fee"}, "fee_amount"),
    ({"estimated_hours": "-3"}, "estimated_hours"),
    ({"estimated_hours": "NaN"}, "estimated_hours"),
    ({"estimated_hours": True}, "estimated_hours"),
    ({"research": [{"citation": "x", "url": "javascript:alert(1)"}]}, "research[0].url"),
    ({"organizations": [{"organization": "nobody", "role": "issuer"}]}, "organizations[0].organization"),
    ({"organizations": [{"organization": "issuer-one", "role": "owner"}]}, "organizations[0].role"),
    ({"visible_to": ["ghost-org"]}, "visible_to[0]"),
    ({"format": "something-else/2"}, "format"),
])
def test_malformed_definitions_name_the_offending_field(world, bad, path):
    errors = errors_of(make_definition(**bad))
    assert path in errors, errors


def test_rubric_errors_point_into_the_part(world):
    definition = make_definition()
    definition["parts"][1]["rubric"]["criteria"][0]["descriptors"] = ["only one"]
    definition["parts"][2]["rubric"]["levels"] = ["Only"]
    definition["parts"][0]["prompts"][1]["choices"] = ["lonely"]
    definition["parts"][0]["evidence_types"] = ["telepathy"]
    errors = errors_of(definition)
    assert "3 expected, 1 given" in errors["parts[1].rubric.criteria[0].descriptors"][0]
    assert "parts[2].rubric.levels" in errors
    assert "parts[0].prompts[1].choices" in errors
    assert "parts[0].evidence_types[0]" in errors


def test_duplicate_level_names_and_bad_passing_level(world):
    definition = make_definition()
    definition["parts"][0]["rubric"] = make_rubric(levels=("Yes", "yes"), passing_level=5, criteria=("C",))
    errors = errors_of(definition)
    assert "parts[0].rubric.levels" in errors and "parts[0].rubric.passing_level" in errors


def test_not_an_object(world):
    assert "definition" in errors_of(["a", "list"])


def test_parse_refuses_oversized_non_utf8_and_broken_json(settings, world):
    settings.MICROCRED_MAX_DEFINITION_BYTES = 100
    with pytest.raises(DefinitionErrors, match="too large"):
        services.parse_definition_json(b"{" + b" " * 200 + b"}")
    settings.MICROCRED_MAX_DEFINITION_BYTES = 10_000
    with pytest.raises(DefinitionErrors, match="UTF-8"):
        services.parse_definition_json(b"\xff\xfe{}")
    with pytest.raises(DefinitionErrors, match="not valid JSON"):
        services.parse_definition_json(b'{"title": ')
    with pytest.raises(DefinitionErrors, match="nested too deeply|not valid JSON"):
        services.parse_definition_json("[" * 5000 + "]" * 5000)


def test_export_import_export_round_trips_losslessly(world, published):
    first = export_definition(published)
    # Through JSON text, as a file would travel, into another organization.
    data = json.loads(json.dumps(first))
    data["slug"] = "copied-mc"
    copy = services.import_definition(definition=data, owner=world["orgs"]["issuer"], by=world["people"]["author"])
    second = export_definition(copy)
    for key in ("slug", "version", "state"):
        first.pop(key), second.pop(key)
    assert second == first


def test_hostile_text_is_stored_verbatim_not_interpreted(world):
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    version = services.create_micro_credential(owner=world["orgs"]["issuer"], definition=make_definition(title=script, competency=script),
                                               by=world["people"]["author"])
    assert export_definition(version)["title"] == script
