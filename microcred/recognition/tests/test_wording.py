"""Policy rules in plain words (issue 15 finding 8: teachers were shown `license_type == professional`, `USD 100/100`,
`MC 3/1` and stack slugs)."""
import pytest
from django.utils import translation

from microcred.recognition import engine, wording
from microcred.recognition.policy import validate_policy

from .factories import AS_OF, REFS, TENNESSEE, cred, doc


def plain(changes, creds, facts=None, stacks=None, titles=None):
    document = validate_policy(doc(TENNESSEE, **changes), references=REFS)
    evaluation = engine.evaluate(document, creds, facts or {}, as_of=AS_OF, stacks=stacks or {}, version=1)
    return wording.describe_all(evaluation, document, titles or {})


def outcome(unit):
    return [{"key": "o", "kind": "pay", "name": "Raise", "unit": unit}]


def test_money_reads_as_money_not_as_a_unit_code():
    rows = plain({"rules": [{"kind": "convert", "per_mc": 100, "unit": "USD"},
                            {"kind": "threshold", "unit": "USD", "min": 300}], "outcomes": outcome("USD")}, [cred(1)])
    assert rows == [("Reach $300 (you have $100)", "$200 more")]


def test_micro_credential_counts_are_words():
    rows = plain({"rules": [{"kind": "convert", "per_mc": 1, "unit": "MC"}, {"kind": "threshold", "unit": "MC", "min": 3}],
                  "outcomes": outcome("MC")}, [cred(1), cred(2)])
    assert rows == [("Reach 3 micro-credentials (you have 2 micro-credentials)", "1 micro-credential more")]
    assert "MC 2/3" not in rows[0][0]


def test_eligibility_names_the_fact_and_the_condition_in_words():
    document = {"facts": {"license_type": "text", "evaluation_rating": ["developing", "effective", "highly_effective"]},
                "rules": [{"kind": "eligibility", "fact": "license_type", "op": "==", "value": "professional"},
                          {"kind": "eligibility", "fact": "evaluation_rating", "op": ">=", "value": "effective"},
                          {"kind": "convert", "per_mc": 1, "unit": "MC"}, {"kind": "threshold", "unit": "MC", "min": 1}],
                "outcomes": [{"key": "o", "kind": "designation", "name": "Lead"}]}
    rows = plain(document, [], {"license_type": "practitioner"})
    assert rows[0] == ("Applies when your license type is professional",
                       "This applies only when your license type is professional")
    assert rows[1] == ("Applies when your latest evaluation rating is effective or better",
                       "Your latest evaluation rating is not on record with the recognizer: ask your district or state "
                       "office to add it")
    assert not any("==" in text or "_" in text for row in rows for text in row)
    assert rows[2] == ("Reach 1 micro-credential (you have 0 micro-credentials)", "1 micro-credential more")


def test_stacks_are_named_by_their_title_not_their_slug():
    stacks = {"cs-stack": engine.StackDef("cs-stack", "all_of", (("mc-1", None, None), ("mc-2", None, None), ("mc-3", None, None)))}
    rows = plain({"rules": [{"kind": "stack", "stack": "cs-stack", "logic": "all_of"}],
                  "outcomes": [{"key": "o", "kind": "designation", "name": "CS lead"}]},
                 [cred(1)], stacks=stacks, titles={"cs-stack": "Computational thinking"})
    assert rows == [("Complete the stack “Computational thinking” (1 of 3 done)",
                     "2 more micro-credentials of the stack “Computational thinking”")]


def test_a_met_requirement_has_nothing_missing_and_hostile_text_is_left_to_the_template_to_escape():
    rows = plain({"rules": [{"kind": "convert", "per_mc": 1, "unit": "MC"},
                            {"kind": "count_in_topic", "tag": "<script>x</script>", "min": 1}], "outcomes": outcome("MC")},
                 [cred(1, tags=("<script>x</script>",))])
    assert rows == [("Earn 1 micro-credential about “<script>x</script>” (you have 1)", "")]


@pytest.mark.parametrize("language,value,expected", [("en", 1234.5, "$1,234.50"), ("en", 0.5, "$0.50"), ("en", 600, "$600"),
                                                     ("es", 1234.5, "$1\xa0234,50"), ("en", 7.25, "7.25 PDP")])
def test_numbers_follow_the_language(language, value, expected):
    with translation.override(language):
        assert wording.amount(value, "PDP" if "PDP" in expected else "USD") == expected
