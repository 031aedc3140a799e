"""The policy document validator: clean documents pass, every problem is reported at its exact path."""
import pytest

from microcred.recognition.policy import PolicyErrors, validate_policy

from .factories import JUAB, REFS, TENNESSEE, doc


def errors_of(document):
    with pytest.raises(PolicyErrors) as caught:
        validate_policy(document, references=REFS)
    return caught.value.message_dict


def test_valid_documents_return_a_clean_copy():
    clean = validate_policy(TENNESSEE, references=REFS)
    assert clean is not TENNESSEE and clean["approved"]["micro_credentials"] == [] and clean["facts"] == {}
    assert validate_policy(JUAB, references=REFS)["slug"] == "juab-leader"


def test_yaml_is_accepted():
    pytest.importorskip("yaml")
    import yaml

    assert validate_policy(yaml.safe_dump(TENNESSEE), references=REFS)["rules"][0]["per_mc"] == 6


def test_unknown_rule_kind_field_and_wrong_types_point_at_the_rule():
    bad = doc(TENNESSEE, rules=[{"kind": "convert", "per_mc": "six", "unit": "PDP", "colour": "red"},
                                {"kind": "teleport"}, {"kind": "threshold", "unit": "PDP", "min": 60}])
    errors = errors_of(bad)
    assert "per_mc" in errors["rules[0].per_mc"][0] or "number" in errors["rules[0].per_mc"][0]
    assert "Unknown field" in errors["rules[0].colour"][0]
    assert "Unknown rule kind" in errors["rules[1].kind"][0]


def test_unknown_references_are_errors_not_silent_zeros():
    bad = doc(TENNESSEE, recognizer="nowhere",
              approved={"micro_credentials": ["mc-1", "no-such-mc"], "stacks": ["ghost"], "issuers": ["x"], "reciprocity": ["nope"]},
              rules=TENNESSEE["rules"] + [{"kind": "stack", "stack": "ghost"}])
    errors = errors_of(bad)
    assert set(errors) >= {"recognizer", "approved.micro_credentials[1]", "approved.stacks[0]", "approved.issuers[0]",
                           "approved.reciprocity[0]", "rules[3].stack"}
    assert "no-such-mc" in errors["approved.micro_credentials[1]"][0]


def test_contradictions():
    unreachable = doc(TENNESSEE, rules=[{"kind": "convert", "per_mc": 6, "unit": "PDP"}, {"kind": "cap", "unit": "PDP", "max": 30},
                                        {"kind": "threshold", "unit": "PDP", "min": 60}])
    assert "never be reached" in errors_of(unreachable)["rules[2].min"][0]
    by_category = doc(TENNESSEE, rules=[{"kind": "convert", "per_mc": 6, "unit": "PDP", "category": "a"},
                                        {"kind": "cap", "unit": "PDP", "max": 20, "category": "a"},
                                        {"kind": "threshold", "unit": "PDP", "min": 60}])
    assert "at most 20" in errors_of(by_category)["rules[2].min"][0]
    two_caps = doc(TENNESSEE, rules=TENNESSEE["rules"] + [{"kind": "cap", "unit": "PDP", "max": 90}, {"kind": "cap", "unit": "PDP", "max": 100}])
    assert "contradicts" in errors_of(two_caps)["rules[4]"][0]
    no_unit = doc(TENNESSEE, rules=[{"kind": "threshold", "unit": "hours", "min": 10}])
    assert "No convert rule" in errors_of(no_unit)["rules[0].unit"][0]
    n_of = doc(TENNESSEE, rules=[{"kind": "stack", "stack": "cs-stack", "logic": {"n_of": 4}}])
    assert "only 3 items" in errors_of(n_of)["rules[0].logic.n_of"][0]
    no_requirement = doc(TENNESSEE, rules=[{"kind": "convert", "per_mc": 6, "unit": "PDP"}])
    assert "requirement" in errors_of(no_requirement)["rules"][0]
    dates = doc(TENNESSEE, effective_until="2019-01-01")
    assert "before it starts" in errors_of(dates)["effective_until"][0]


def test_eligibility_on_undeclared_fact_and_wrong_value_types():
    rules = TENNESSEE["rules"] + [{"kind": "eligibility", "fact": "shoe_size", "op": ">=", "value": 3},
                                  {"kind": "eligibility", "fact": "years_licensed", "op": ">=", "value": "three"},
                                  {"kind": "eligibility", "fact": "rating", "op": ">=", "value": "superb"},
                                  {"kind": "eligibility", "fact": "license_type", "op": ">", "value": "A"}]
    bad = doc(TENNESSEE, rules=rules, facts={"years_licensed": "number", "rating": ["developing", "effective"], "license_type": "text"})
    errors = errors_of(bad)
    assert "not a fact this policy declares" in errors["rules[3].fact"][0]
    assert "is a number" in errors["rules[4].value"][0]
    assert "not one of the declared values" in errors["rules[5].value"][0]
    assert "no order" in errors["rules[6].op"][0]


def test_outcome_errors():
    bad = doc(TENNESSEE, outcomes=[{"key": "a", "kind": "pay", "name": "Raise"}, {"key": "a", "kind": "trophy", "name": "X", "extra": 1}])
    errors = errors_of(bad)
    assert "amount and a unit" in errors["outcomes[0]"][0]
    assert "already uses" in errors["outcomes[1].key"][0]
    assert "Unknown outcome kind" in errors["outcomes[1].kind"][0]
    assert "Unknown field" in errors["outcomes[1].extra"][0]


def test_top_level_problems():
    errors = errors_of({"format": "other", "title": 3, "surprise": True})
    assert {"format", "title", "surprise", "slug", "recognizer", "approved", "rules", "outcomes", "effective_from"} <= set(errors)
    assert "empty" in errors_of(doc(TENNESSEE, approved={}))["approved"][0]
    assert "$" in errors_of("{not json: [")
