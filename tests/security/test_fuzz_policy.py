"""Property tests for the recognition policy parser and validator (microcred.recognition.policy).

Whatever a recognizer pastes or uploads — any text, JSON, YAML (with hostile tags), or a valid document with
something changed anywhere — ``parse_document``/``validate_policy`` either return a clean document or raise
``PolicyErrors`` whose every key is a path into the document and every message is text. Never another exception.
A clean document validates again to itself.

Crashes the fuzzing found are pinned by the regression tests at the end (all fixed in policy.py); a new one can be
kept out of the broad properties by ``_known_crash`` while it is being fixed, with a strict xfail regression.
"""
from __future__ import annotations

import copy
import json
import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from microcred.recognition.policy import PolicyErrors, References, parse_document, validate_policy

from .fuzz_helpers import apply_mutation, json_values, mutations

pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"), pytest.mark.engine_agnostic]  # pure functions

FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

REFS = References(micro_credentials={"mc-1", "mc-2"}, stack_sizes={"cs-stack": 3},
                  organizations={"state-agency", "issuer-one", "issuer-two"}, policies={"state-list"})
TOP_FIELDS = {"format", "slug", "title", "recognizer", "effective_from", "effective_until", "approved", "facts", "rules",
              "outcomes", "description"}

# Every rule kind, every outcome field: mutations of this reach every branch of the validator.
RICH = {
    "format": "microcred.policy/1", "slug": "rich-policy", "title": "Every rule kind", "description": "fuzz seed",
    "recognizer": "state-agency", "effective_from": "2024-01-01", "effective_until": "2030-12-31",
    "approved": {"micro_credentials": ["mc-1"], "stacks": ["cs-stack"], "issuers": ["issuer-one"], "tags": ["literacy"],
                 "reciprocity": ["state-list"], "external": False},
    "facts": {"years_licensed": "number", "license_type": "text", "national_board": "boolean",
              "rating": ["developing", "effective", "highly_effective"]},
    "rules": [
        {"kind": "convert", "per_mc": 6, "unit": "PDP"},
        {"kind": "convert", "per_mc": 3, "unit": "PDP", "category": "literacy"},
        {"kind": "cap", "unit": "PDP", "max": 90},
        {"kind": "cap", "unit": "PDP", "max": 30, "category": "literacy"},
        {"kind": "cycle_window", "years": 5},
        {"kind": "evidence", "requires": "student_impact"},
        {"kind": "threshold", "unit": "PDP", "min": 60},
        {"kind": "stack", "stack": "cs-stack", "logic": {"n_of": 2}},
        {"kind": "count_in_topic", "tag": "literacy", "min": 2},
        {"kind": "eligibility", "fact": "years_licensed", "op": ">=", "value": 3},
        {"kind": "eligibility", "fact": "rating", "op": "in", "value": ["effective", "highly_effective"]},
    ],
    "outcomes": [{"key": "renewal", "kind": "credits", "name": "Renewal", "unit": "PDP", "expires_after_years": 5},
                 {"key": "stipend", "kind": "pay", "name": "Stipend", "amount": 500, "unit": "USD"}],
}
SMALL = {"format": "microcred.policy/1", "slug": "leader", "title": "Teacher leader", "recognizer": "issuer-two",
         "effective_from": "2020-01-01", "approved": {"issuers": ["issuer-one"]},
         "rules": [{"kind": "count_in_topic", "tag": "literacy", "min": 12}],
         "outcomes": [{"key": "teacher-leader", "kind": "role", "name": "Teacher leader"}]}
SEEDS = [RICH, SMALL]


def _outcome(raw, **kw):
    """'ok' with the clean document, or 'refused' with the errors; any other exception propagates (= test fails)."""
    try:
        return "ok", validate_policy(raw, references=REFS, **kw)
    except PolicyErrors as refused:
        return "refused", refused.message_dict


def _assert_path_keyed(errors: dict, document=None) -> None:
    """Every key is a path ("$" = the whole document) that starts at a top-level field of the document (when the
    test knows the parsed document), and every message is text."""
    assert errors, "PolicyErrors without a single message"
    roots = TOP_FIELDS | ({str(k) for k in document} if isinstance(document, dict) else set())
    for path, messages in errors.items():
        assert isinstance(path, str)
        if document is not None:
            assert path == "$" or any(path == r or path.startswith((f"{r}.", f"{r}[")) for r in roots), path
        assert messages and all(isinstance(m, str) and m.strip() for m in messages), (path, messages)


def _walk(value):
    yield value
    if isinstance(value, dict):
        for child in value.values():
            yield from _walk(child)
    elif isinstance(value, list):
        for child in value:
            yield from _walk(child)


def _known_crash(document) -> bool:
    """Inputs that crashed policy.py once are fixed (see the regressions below); kept as the hook for new ones."""
    return False


# --- arbitrary input ---------------------------------------------------------------------------------------------


@FUZZ
@given(st.text(max_size=400))
def test_any_text_is_a_document_or_path_keyed_errors(text):
    try:
        parsed = parse_document(text)
    except PolicyErrors as refused:
        _assert_path_keyed(refused.message_dict, None)
        return
    assert isinstance(parsed, dict)
    assume(not _known_crash(parsed))
    status, result = _outcome(parsed)
    if status == "refused":
        _assert_path_keyed(result, parsed)


@FUZZ
@given(json_values(max_leaves=40))
def test_any_json_value_is_refused_with_path_keyed_errors(value):
    assume(not _known_crash(value))
    raw = value if isinstance(value, (dict, str)) else json.dumps(value)  # non-mappings arrive as text
    status, result = _outcome(raw)
    if status == "refused":
        _assert_path_keyed(result, value if isinstance(value, dict) else None)


@FUZZ
@given(st.sampled_from(SEEDS), st.sampled_from(["json", "yaml"]))
def test_seed_documents_are_valid_in_both_syntaxes(seed, syntax):
    import yaml

    # Dates quoted: YAML would otherwise turn them into date objects (see the YAML-date regression below).
    text = json.dumps(seed) if syntax == "json" else yaml.safe_dump(seed, default_style=None, allow_unicode=True)
    status, clean = _outcome(text)
    assert status == "ok", clean
    assert clean["slug"] == seed["slug"]


@pytest.mark.parametrize("payload", [
    "!!python/object/apply:os.system ['echo owned']",
    "!!python/object:microcred.recognition.policy.References {}",
    "!!python/name:os.system",
    "slug: !!python/object/new:subprocess.Popen [['true']]",
    "rules: !!binary aGVsbG8=",
    "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]",  # aliases: refused as a policy, never expanded
])
def test_hostile_yaml_is_refused_without_running_anything(payload):
    status, errors = _outcome(payload)
    assert status == "refused"
    _assert_path_keyed(errors, None)


# --- mutated valid documents -------------------------------------------------------------------------------------


@FUZZ
@given(st.sampled_from(SEEDS), mutations(max_steps=4))
def test_mutated_documents_are_valid_or_refused_at_a_path(seed, steps):
    document = copy.deepcopy(seed)
    for step in steps:
        document = apply_mutation(document, step)
    assume(not _known_crash(document))
    status, result = _outcome(document)
    if status == "refused":
        _assert_path_keyed(result, document)
    else:
        _assert_clean(result)


@FUZZ
@given(st.sampled_from(SEEDS), mutations(max_steps=2), st.sampled_from(["json", "yaml"]))
def test_mutated_documents_as_text_never_crash(seed, steps, syntax):
    import yaml

    document = copy.deepcopy(seed)
    for step in steps:
        document = apply_mutation(document, step)
    assume(not _known_crash(document))
    text = json.dumps(document) if syntax == "json" else yaml.safe_dump(document)
    status, result = _outcome(text)
    if status == "refused":
        _assert_path_keyed(result, None if not isinstance(document, dict) else document)


def _assert_clean(clean: dict) -> None:
    """What the engine relies on after validation."""
    assert clean["format"] == "microcred.policy/1"
    assert isinstance(clean["rules"], list) and all(isinstance(r, dict) for r in clean["rules"])
    assert isinstance(clean["outcomes"], list) and clean["outcomes"]
    json.dumps(clean, allow_nan=False)  # storable as JSON


@FUZZ
@given(st.sampled_from(SEEDS), mutations(max_steps=3))
def test_validation_is_idempotent(seed, steps):
    document = copy.deepcopy(seed)
    for step in steps:
        document = apply_mutation(document, step)
    assume(not _known_crash(document))
    status, clean = _outcome(document)
    assume(status == "ok")
    assert validate_policy(clean, references=REFS) == clean
    assert validate_policy(json.dumps(clean), references=REFS) == clean


def test_deep_nesting_inside_a_parsed_document_is_refused():
    deep = []
    for _ in range(5000):
        deep = [deep]
    document = dict(RICH, description=deep, facts={"x": deep})
    status, errors = _outcome(document)
    assert status == "refused" and {"description", "facts.x"} <= set(errors)


@pytest.mark.parametrize("number", [10**18, -10**18, 1e308, -1e308, 2**63, 0.1 + 0.2])
def test_large_numbers_in_numeric_fields_are_valid_or_refused(number):
    for path in (("rules", 0, "per_mc"), ("rules", 2, "max"), ("rules", 6, "min"), ("rules", 4, "years"),
                 ("rules", 7, "logic", "n_of"), ("rules", 8, "min"), ("outcomes", 1, "amount"),
                 ("rules", 9, "value")):
        document = copy.deepcopy(RICH)
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = number
        status, result = _outcome(document)
        if status == "refused":
            _assert_path_keyed(result, document)


# --- regressions: crashes the fuzzing found (fixed in policy.py) ------------------------------------------------


def _refused(raw) -> dict:
    with pytest.raises(PolicyErrors) as caught:
        validate_policy(raw, references=REFS)
    return caught.value.message_dict


def test_bytes_that_are_not_utf8_are_refused():
    assert "$" in _refused(b"\xff\xfe{not utf-8")


@pytest.mark.parametrize("value", [[RICH], 7, None])
def test_non_text_non_mapping_input_is_refused(value):
    assert "$" in _refused(value)


@pytest.mark.parametrize("text", ["[" * 100_000, "a: " + "[" * 5_000])
def test_deeply_nested_text_is_refused(text):
    assert "$" in _refused(text)


def test_huge_threshold_is_refused_not_a_crash():
    document = copy.deepcopy(RICH)
    document["rules"][6]["min"] = 10**400
    assert "rules[6].min" in _refused(document)


def test_eligibility_fact_that_is_a_list_is_refused():
    document = copy.deepcopy(RICH)
    document["rules"][9]["fact"] = ["years_licensed"]
    assert "rules[9].fact" in _refused(document)


@pytest.mark.parametrize("text", ["NaN", "Infinity"])
def test_nan_and_infinity_are_not_positive_numbers(text):
    raw = json.dumps(RICH).replace('"per_mc": 6', f'"per_mc": {text}')
    assert "rules[0].per_mc" in _refused(raw)


def test_unquoted_yaml_dates_are_accepted():
    import yaml

    text = yaml.safe_dump(RICH).replace("'2024-01-01'", "2024-01-01").replace("'2030-12-31'", "2030-12-31")
    assert "effective_from: 2024-01-01" in text
    clean = validate_policy(text, references=REFS)
    assert clean["effective_from"] == "2024-01-01" and math.isfinite(clean["rules"][0]["per_mc"])
