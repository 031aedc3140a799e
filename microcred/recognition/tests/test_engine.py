"""Pure evaluation, hand-worked: each rule kind, their combinations, and the cycle window at its edges."""
import datetime as dt

from microcred.recognition.engine import StackDef, evaluate, years_before
from microcred.recognition.policy import validate_policy

from .factories import AS_OF, JUAB, REFS, TENNESSEE, cred, doc


def run(document, creds, facts=None, **kw):
    return evaluate(validate_policy(document, references=REFS), creds, facts or {}, as_of=kw.pop("as_of", AS_OF), **kw)


def test_tennessee_style_60_pdps_at_6_per_mc():
    nine = run(TENNESSEE, [cred(i) for i in range(1, 10)])
    renewal = nine.outcome("renewal")
    assert not renewal.achieved and nine.totals == {"PDP": 54}
    assert nine.requirements[0].label == "PDP 54/60" and renewal.missing == ["6 more PDP"]
    ten = run(TENNESSEE, [cred(i) for i in range(1, 11)])
    assert ten.outcome("renewal").achieved and ten.outcome("renewal").amount == 60
    assert ten.outcome("renewal").provenance == sorted(f"c{i}" for i in range(1, 11))


def test_juab_style_teacher_leader_after_12_mcs_in_a_topic():
    eleven = [cred(i, tags=["Literacy"]) for i in range(1, 12)] + [cred(19, tags=["math"])]
    result = run(JUAB, eleven)
    assert not result.outcome("teacher-leader").achieved and result.requirements[0].label == "MCs in “literacy” 11/12"
    result = run(JUAB, eleven + [cred(12, issuer="issuer-two", tags=["literacy"])])
    assert result.outcome("teacher-leader").achieved and "c19" not in result.outcome("teacher-leader").provenance


def test_revoked_unapproved_and_future_credentials_never_count():
    result = run(TENNESSEE, [cred(1, revoked=True), cred(2, issuer="issuer-two"), cred(3, days_ago=-1),
                             cred(4, expires_at=AS_OF - dt.timedelta(days=1)), cred(5)])
    assert result.excluded == {"c1": "revoked", "c2": "not in the policy's approved set",
                               "c3": "issued after the evaluation date", "c4": "expired"}
    assert result.counted == ["c5"]


def test_cycle_window_edges_are_inclusive_at_the_start():
    start = years_before(AS_OF, 5)
    assert start == dt.datetime(2020, 6, 30, 12, tzinfo=dt.timezone.utc)
    on_edge = cred(1, issued_at=start)
    just_before = cred(2, issued_at=start - dt.timedelta(microseconds=1))
    at_as_of = cred(3, issued_at=AS_OF)
    result = run(TENNESSEE, [on_edge, just_before, at_as_of])
    assert result.counted == ["c1", "c3"] and result.excluded["c2"] == "earned before the cycle window"


def test_leap_day_window():
    assert years_before(dt.datetime(2024, 2, 29, tzinfo=dt.timezone.utc), 5) == dt.datetime(2019, 2, 28, tzinfo=dt.timezone.utc)


def test_the_same_mc_earned_twice_counts_once():
    result = run(TENNESSEE, [cred(1), cred(2, mc="mc-1", days_ago=5)])
    assert result.counted == ["c2"] and result.totals["PDP"] == 6


def test_caps_per_category_and_overall():
    document = doc(TENNESSEE, rules=[
        {"kind": "convert", "per_mc": 6, "unit": "PDP", "category": "online"},
        {"kind": "convert", "per_mc": 6, "unit": "PDP"},
        {"kind": "cap", "unit": "PDP", "max": 12, "category": "online"},
        {"kind": "cap", "unit": "PDP", "max": 66},
        {"kind": "threshold", "unit": "PDP", "min": 60}])
    online = [cred(i, tags=["online"]) for i in range(1, 6)]  # 30 → capped at 12
    result = run(document, online + [cred(i) for i in range(6, 13)])  # 12 + 42 = 54
    assert result.totals["PDP"] == 54 and not result.outcome("renewal").achieved
    result = run(document, online + [cred(i) for i in range(6, 20)])  # 12 + 84 → overall cap 66
    assert result.totals["PDP"] == 66 and result.outcome("renewal").achieved


def test_stack_logic():
    stacks = {"cs-stack": StackDef("cs-stack", "sequence", (("mc-1", None, None), ("mc-2", None, None), ("mc-3", None, None)))}

    def policy(logic):
        return doc(TENNESSEE, approved={"stacks": ["cs-stack"]}, rules=[{"kind": "stack", "stack": "cs-stack", "logic": logic}],
                   outcomes=[{"key": "cs", "kind": "endorsement", "name": "CS endorsement"}])

    creds = [cred(2), cred(3, stacks=frozenset({"cs-stack"})), cred(1, stacks=frozenset({"cs-stack"}))]
    creds = [c if c.stacks else cred(2, stacks=frozenset({"cs-stack"})) for c in creds]
    two = creds[:2]  # mc-2 and mc-3, not mc-1: a sequence has not started
    assert run(policy("as_defined"), two, stacks=stacks).requirements[0].have == 0
    assert run(policy("all_of"), two, stacks=stacks).requirements[0].label == "stack “cs-stack” 2/3"
    assert run(policy({"n_of": 2}), two, stacks=stacks).outcome("cs").achieved
    full = run(policy("as_defined"), creds, stacks=stacks)
    assert full.outcome("cs").achieved and full.outcome("cs").provenance == ["c1", "c2", "c3"]


def test_eligibility_predicates_and_evidence_combined_with_a_stack():
    stacks = {"cs-stack": StackDef("cs-stack", "n_of_m", (("mc-1", None, None), ("mc-2", None, None), ("mc-3", None, None)), 2)}
    document = doc(TENNESSEE, approved={"stacks": ["cs-stack"]},
                   facts={"years_licensed": "number", "rating": ["ineffective", "developing", "effective", "highly_effective"]},
                   rules=[{"kind": "evidence", "requires": "student_impact"}, {"kind": "stack", "stack": "cs-stack"},
                          {"kind": "eligibility", "fact": "years_licensed", "op": ">=", "value": 3},
                          {"kind": "eligibility", "fact": "rating", "op": ">=", "value": "effective"}],
                   outcomes=[{"key": "lead", "kind": "designation", "name": "Lead Professional Educator", "expires_after_years": 5}])
    in_stack = frozenset({"cs-stack"})
    creds = [cred(1, stacks=in_stack, has_student_impact_evidence=True), cred(2, stacks=in_stack, has_student_impact_evidence=True)]
    good = {"years_licensed": 3, "rating": "highly_effective"}
    assert run(document, creds, good, stacks=stacks).outcome("lead").achieved
    short = run(document, creds, {"years_licensed": 2, "rating": "effective"}, stacks=stacks).outcome("lead")
    assert not short.achieved and short.missing == ["years_licensed is 2; the policy needs >= 3"]
    unknown = run(document, creds, {"years_licensed": 5}, stacks=stacks).outcome("lead")
    assert unknown.missing == ["the recognizer has no “rating” on record"]
    no_impact = run(document, [creds[0], cred(2, stacks=in_stack)], good, stacks=stacks)
    assert not no_impact.outcome("lead").achieved and no_impact.excluded["c2"] == "no documented impact on student learning"


def test_policy_outside_its_effective_dates_awards_nothing():
    result = run(doc(TENNESSEE, effective_from="2026-01-01"), [cred(i) for i in range(1, 11)])
    assert not result.in_effect and not result.outcome("renewal").achieved


def test_reciprocity_uses_the_resolved_approved_set():
    district = doc(TENNESSEE, slug="district", recognizer="rural-district", approved={"reciprocity": ["state-list"]})
    state_set = {"micro_credentials": set(), "stacks": set(), "issuers": {"issuer-two"}, "tags": set(), "external": False}
    result = run(district, [cred(i, issuer="issuer-two") for i in range(1, 11)], approved=state_set)
    assert result.outcome("renewal").achieved
