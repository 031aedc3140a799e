"""Reliability figures: each statistic against a reference, then the figures, exports and report over real reviews."""
import csv
import datetime as dt
import io
import json
import math
import random
import re
import warnings

import krippendorff
import numpy as np
import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from django.utils import timezone
from sklearn.metrics import cohen_kappa_score

from microcred.accounts import services as account_services
from microcred.accounts.models import User
from microcred.assessment import reliability as rel
from microcred.assessment import services
from microcred.assessment.models import AnchorItem, AnchorScore, Assignment, Review, ScoringPolicy

from .factories import certified_pool, levels, submitted

# --- Pure statistics against references ---------------------------------------------------------


def _random_pairs(seed, n, k, agree):
    rng = random.Random(seed)
    a = [rng.randrange(k) for _ in range(n)]
    b = [x if rng.random() < agree else rng.randrange(k) for x in a]
    return a, b


RANDOM_CASES = [_random_pairs(seed, n, k, agree) for seed, n, k, agree in
                [(1, 40, 3, 0.7), (2, 200, 4, 0.5), (3, 15, 2, 0.8), (4, 500, 5, 0.3), (5, 60, 3, 0.0), (6, 9, 4, 0.9)]]
EDGE_CASES = [
    ([0, 1, 2, 0, 1, 2], [0, 1, 2, 0, 1, 2]),          # perfect agreement
    ([0, 0, 2, 2], [2, 2, 0, 0]),                      # complete reversal
    ([0, 2, 2, 2, 2, 2, 2, 2], [2, 2, 2, 2, 2, 2, 2, 0]),  # high prevalence of one level
    ([1, 1, 1, 2], [1, 1, 2, 1]),                      # a level (0) nobody used
    ([0, 1], [1, 0]),
]


@pytest.mark.parametrize("a,b", RANDOM_CASES + EDGE_CASES)
def test_cohen_kappa_matches_scikit_learn(a, b):
    assert rel.cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)
    labels = sorted(set(a) | set(b) | {0, 1, 2})
    assert rel.cohen_kappa(a, b, labels=labels) == pytest.approx(cohen_kappa_score(a, b, labels=labels), abs=1e-12)


@pytest.mark.parametrize("a,b", RANDOM_CASES + EDGE_CASES)
def test_quadratic_weighted_kappa_matches_scikit_learn(a, b):
    k = max(a + b) + 1
    expected = cohen_kappa_score(a, b, weights="quadratic", labels=list(range(k)))
    assert rel.quadratic_weighted_kappa(a, b, k) == pytest.approx(expected, abs=1e-12)
    assert rel.quadratic_weighted_kappa(a, b, labels=list(range(k))) == pytest.approx(expected, abs=1e-12)
    # Without a scale, integer levels are their own index: an unused level in between still counts as a step.
    assert rel.quadratic_weighted_kappa(a, b) == pytest.approx(expected, abs=1e-12)


def test_quadratic_weighted_kappa_on_named_levels_and_a_wider_scale():
    names = ["Not Met", "Progressing", "Demonstrated", "Exceeds"]
    a, b = _random_pairs(11, 80, 4, 0.6)
    na, nb = [names[x] for x in a], [names[x] for x in b]
    expected = cohen_kappa_score(na, nb, weights="quadratic", labels=names)
    assert rel.quadratic_weighted_kappa(na, nb, labels=names) == pytest.approx(expected, abs=1e-12)
    # A scale wider than what was used: unused levels at the ends change nothing.
    assert rel.quadratic_weighted_kappa(a, b, 7) == pytest.approx(cohen_kappa_score(a, b, weights="quadratic", labels=list(range(7))), abs=1e-12)


def test_kappa_of_nominal_strings_matches_scikit_learn():
    a = ["pass", "pass", "fail", "pass", "fail", "pass", "pass"]
    b = ["pass", "fail", "fail", "pass", "pass", "pass", "pass"]
    assert rel.cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)


def test_undefined_statistics_are_none_not_a_division_by_zero():
    for f in (rel.exact_agreement, rel.adjacent_agreement, rel.cohen_kappa, rel.quadratic_weighted_kappa, rel.gwet_ac1):
        assert f([], []) is None
    same = [2, 2, 2, 2]
    # Both raters always used one level: chance agreement is 1, kappa is 0/0 (scikit-learn gives nan).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert math.isnan(cohen_kappa_score(same, same))
    assert rel.cohen_kappa(same, same) is None
    assert rel.quadratic_weighted_kappa(same, same, 3) is None
    assert rel.gwet_ac1(same, same) is None                    # one category known: q − 1 = 0
    assert rel.gwet_ac1(same, same, labels=(0, 1, 2)) == 1.0   # with the scale known, AC1 stays defined
    assert rel.exact_agreement(same, same) == 1.0
    assert rel.krippendorff_alpha_ordinal([[1, 1], [1, 1, None]]) is None   # no variation at all
    assert rel.krippendorff_alpha_ordinal([[1, None], [None, 2, None]]) is None  # nothing pairable
    assert rel.krippendorff_alpha_ordinal([]) is None


def test_mismatched_or_out_of_scale_ratings_are_rejected():
    with pytest.raises(ValueError, match="differ in length"):
        rel.cohen_kappa([1, 2], [1])
    with pytest.raises(ValueError, match="outside the scale"):
        rel.quadratic_weighted_kappa([0, 3], [0, 1], 3)
    with pytest.raises(ValueError, match="outside the labels"):
        rel.gwet_ac1([True, None], [True, False], labels=(True, False))


def test_exact_and_adjacent_agreement():
    a, b = [0, 1, 2, 2, 0], [0, 2, 0, 2, 1]
    assert rel.exact_agreement(a, b) == pytest.approx(2 / 5)
    assert rel.adjacent_agreement(a, b) == pytest.approx(4 / 5)


# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 coders × 12 units with missing
# values; published α: nominal 0.743, ordinal 0.815, interval 0.849, ratio 0.797.
K2011 = [[1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
         [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]]


def test_krippendorff_alpha_reproduces_the_published_example():
    matrix = np.array([[np.nan if v is None else v for v in row] for row in K2011], dtype=float)
    published = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}
    for level, value in published.items():
        assert krippendorff.alpha(reliability_data=matrix, level_of_measurement=level) == pytest.approx(value, abs=5e-4)
    units = [list(unit) for unit in zip(*K2011)]   # one list per unit, None for a coder who did not code it
    for level, value in published.items():
        assert rel.krippendorff_alpha(units, level_of_measurement=level) == pytest.approx(value, abs=5e-4)
    assert rel.krippendorff_alpha_ordinal(units) == pytest.approx(0.815, abs=5e-4)
    assert rel.krippendorff_alpha_ordinal(units, value_domain=[1, 2, 3, 4, 5, 6]) == pytest.approx(0.815, abs=5e-4)


def test_krippendorff_alpha_of_two_complete_raters_is_close_to_weighted_kappa():
    # For two raters without missing data, interval α ≈ quadratic weighted kappa (Krippendorff 2011, p. 9; the
    # difference shrinks as n grows); a sanity check that units are passed the right way round.
    a, b = _random_pairs(21, 400, 4, 0.6)
    alpha = rel.krippendorff_alpha([[x, y] for x, y in zip(a, b)], level_of_measurement="interval")
    assert alpha == pytest.approx(rel.quadratic_weighted_kappa(a, b, 4), abs=0.01)


def _table(both_pass, only_a, only_b, both_fail):
    a = [1] * both_pass + [1] * only_a + [0] * only_b + [0] * both_fail
    b = [1] * both_pass + [0] * only_a + [1] * only_b + [0] * both_fail
    return a, b


def test_gwet_ac1_by_hand_on_a_2x2_table():
    a, b = _table(80, 5, 10, 5)                 # 100 submissions
    p_a = (80 + 5) / 100                         # observed agreement 0.85
    pi = ((85 / 100) + (90 / 100)) / 2           # mean share of "pass" over both raters, 0.875
    p_e = 2 * pi * (1 - pi)                      # 0.21875
    assert rel.gwet_ac1(a, b) == pytest.approx((p_a - p_e) / (1 - p_e))   # 0.808
    assert rel.gwet_ac1(a, b) == pytest.approx(0.808, abs=1e-9)
    # Both labels given explicitly: the same (q = 2).
    assert rel.gwet_ac1(a, b, labels=(0, 1)) == pytest.approx(0.808, abs=1e-9)


def test_gwet_ac1_multi_category_by_hand():
    a = ["x", "x", "y", "z", "z", "x"]
    b = ["x", "y", "y", "z", "x", "x"]
    p_a = 4 / 6
    pis = {"x": (3 + 3) / 12, "y": (1 + 2) / 12, "z": (2 + 1) / 12}
    p_e = sum(p * (1 - p) for p in pis.values()) / (3 - 1)
    assert rel.gwet_ac1(a, b) == pytest.approx((p_a - p_e) / (1 - p_e))


def test_high_prevalence_kappa_paradox_ac1_stays_high():
    # Almost everyone passes and the readers agree on 92 of 100, yet kappa is low; AC1 is not fooled.
    a, b = _table(90, 4, 4, 2)
    kappa, ac1 = rel.cohen_kappa(a, b), rel.gwet_ac1(a, b)
    assert kappa == pytest.approx(cohen_kappa_score(a, b))
    assert kappa < 0.3 < 0.85 < ac1
    assert ac1 > kappa
    # Everyone passes: kappa undefined, AC1 is perfect agreement.
    everyone = [True] * 30
    assert rel.cohen_kappa(everyone, everyone) is None
    assert rel.gwet_ac1(everyone, everyone, labels=(True, False)) == 1.0


def test_pseudonyms_are_stable_opaque_and_keyed(settings):
    p = rel.pseudonym(3)
    assert re.fullmatch(r"R-[0-9a-f]{8}", p) and p == rel.pseudonym(3) and p != rel.pseudonym(4)
    settings.SECRET_KEY = "another-installation-" + "x" * 40
    assert rel.pseudonym(3) != p
    assert rel.pseudonym(None) == ""


# --- Over real reviews --------------------------------------------------------------------------

# Five criteria per version: part 1 (two criteria, levels 0–2, pass at 2), part 2 (the same), part 3 (one, 0–1, pass at 1).
FIRST_SECOND = [
    ((2, 2, 2, 2, 1), (2, 2, 2, 2, 1), None),               # both pass → earned
    ((1, 2, 2, 2, 1), (1, 1, 2, 2, 0), None),               # both "not yet", within one level → not yet
    ((2, 2, 2, 2, 1), (0, 2, 2, 2, 1), (2, 1, 2, 2, 1)),    # pass vs not yet → adjudicated → not yet
    ((0, 0, 1, 0, 0), (1, 0, 0, 0, 0), None),               # both low → not yet
]


def _criteria(version):
    return [c.pk for part in version.parts.all() for c in part.rubric.criteria.all()]


def _score(assignment, vector):
    version = assignment.review.version
    services.submit_scores(assignment=assignment, by=assignment.assessor, levels=dict(zip(_criteria(version), vector)))


@pytest.fixture
def scored(world, published):
    """Four double-scored reviews (one adjudicated) and one single-scored, with known levels."""
    mc = published.micro_credential
    pool = certified_pool(world, mc)
    district = world["orgs"]["district"]
    earners = []
    for i in range(5):
        user = User.objects.create_user(username=f"learner{i}", password="a-long-password-1")
        account_services.grant_role(user=user, organization=district, role="earner")
        earners.append(user)
    readings = []   # (review, role, assessor, vector)
    for earner, (first, second, adjudicator) in zip(earners, FIRST_SECOND):
        review = services.open_review(submission=submitted(earner, mc))
        assert review.double_reason == "calibration_period"
        a = review.assignments.get(role="first")
        _score(a, first)
        b = review.assignments.get(role="second")
        _score(b, second)
        readings += [(review, "first", a.assessor, first), (review, "second", b.assessor, second)]
        if adjudicator:
            c = review.assignments.get(role="adjudicator")
            _score(c, adjudicator)
            readings.append((review, "adjudicator", c.assessor, adjudicator))
    ScoringPolicy.objects.filter(micro_credential=mc).update(calibration_period=0, random_double_rate=0, conditional_double=False)
    single = services.open_review(submission=submitted(earners[4], mc))
    a = single.assignments.get(role="first")
    _score(a, (2, 2, 2, 2, 1))
    readings.append((single, "first", a.assessor, (2, 2, 2, 2, 1)))
    return {"mc": mc, "pool": pool, "readings": readings, "single": single}


def _expected_vectors(rows, assessor=None):
    by_review = {}
    for review, role, who, vector in rows:
        by_review.setdefault(review.pk, {})[role] = (who, vector)
    firsts, seconds, units, outcomes = [], [], [], ([], [])
    for roles in by_review.values():
        if "second" not in roles:
            continue
        if assessor is not None and assessor not in (roles["first"][0], roles["second"][0]):
            continue
        f, s = roles["first"][1], roles["second"][1]
        adj = roles.get("adjudicator", (None, (None,) * 5))[1]
        firsts += f
        seconds += s
        units += [[x, y, z] for x, y, z in zip(f, s, adj)]
        outcomes[0].append(min(f[:4]) >= 2 and f[4] >= 1)
        outcomes[1].append(min(s[:4]) >= 2 and s[4] >= 1)
    return firsts, seconds, units, outcomes


def test_reviews_decided_as_planned(scored):
    results = {r.pk: r for r in Review.objects.all()}
    got = [results[review.pk].final_result for review, role, _, _ in scored["readings"] if role == "first"]
    assert got == ["earned", "not_yet", "not_yet", "not_yet", "earned"]
    assert results[scored["readings"][6][0].pk].stage == "decided"


def test_figures_match_the_statistics_on_the_same_vectors(scored):
    a, b, units, (pf_first, pf_second) = _expected_vectors(scored["readings"])
    assert len(a) == 20 and pf_first == [True, False, True, False] and pf_second == [True, False, False, False]
    got = rel.figures(micro_credential=scored["mc"])
    assert set(got) == {"n_pairs", "n_reviews", "exact_agreement", "adjacent_agreement", "cohen_kappa", "quadratic_weighted_kappa",
                        "krippendorff_alpha", "gwet_ac1", "pass_rate"}
    assert got["n_pairs"] == 20 and got["n_reviews"] == 4
    assert got["exact_agreement"] == round(rel.exact_agreement(a, b), 4) == 0.75
    assert got["adjacent_agreement"] == round(rel.adjacent_agreement(a, b), 4) == 0.95
    assert got["cohen_kappa"] == round(cohen_kappa_score(a, b), 4)
    assert got["quadratic_weighted_kappa"] == round(cohen_kappa_score(a, b, weights="quadratic", labels=[0, 1, 2]), 4)
    assert got["krippendorff_alpha"] == round(rel.krippendorff_alpha_ordinal(units), 4)
    assert got["gwet_ac1"] == round(rel.gwet_ac1(pf_first, pf_second, labels=(True, False)), 4)
    assert got["pass_rate"] == 0.4   # 2 of 5 decided reviews earned (the single-scored one counts too)
    assert rel.figures() == got      # only one MC in this world


def test_pairs_and_units_carry_the_known_levels(scored):
    found = rel.pairs(micro_credential=scored["mc"])
    assert [[(f, s) for _, f, s in p.criteria] for p in found] == [list(zip(f, s)) for f, s, _ in FIRST_SECOND]
    assert [p.adjudicator_levels != {} for p in found] == [False, False, True, False]
    units = rel.units(micro_credential=scored["mc"])
    assert units[10:15] == [[2, 0, 2], [2, 2, 1], [2, 2, 2], [2, 2, 2], [1, 1, 1]]
    assert units[0] == [2, 2, None] and len(units) == 20


def test_locked_parts_are_left_out_of_the_outcome(scored):
    # A resubmission whose part 1 passed before: only parts 2 and 3 decide pass/fail for each reader.
    review = scored["readings"][4][0]     # review 3: (2,2,2,2,1) passes, (0,2,2,2,1) fails on part 1
    before = {p.review_id: p for p in rel.pairs()}
    assert (before[review.pk].first_passes, before[review.pk].second_passes) == (True, False)
    submission = review.submission
    part1 = review.version.parts.get(position=1)
    submission.snapshot = {**submission.snapshot,
                           "parts": [{**p, "locked": p["part_id"] == part1.pk} for p in submission.snapshot["parts"]]}
    submission.save(update_fields=["snapshot"])
    after = {p.review_id: p for p in rel.pairs()}
    assert (after[review.pk].first_passes, after[review.pk].second_passes) == (True, True)
    assert all((after[pk].first_passes, after[pk].second_passes) == (p.first_passes, p.second_passes)
               for pk, p in before.items() if pk != review.pk)


def test_scope_by_period_and_by_assessor(scored):
    now = timezone.now()
    empty = rel.figures(since=now + dt.timedelta(days=1))
    assert empty["n_pairs"] == 0 and empty["n_reviews"] == 0
    assert all(empty[k] is None for k in ("exact_agreement", "adjacent_agreement", "cohen_kappa", "quadratic_weighted_kappa",
                                          "krippendorff_alpha", "gwet_ac1", "pass_rate"))
    assert rel.figures(until=now - dt.timedelta(days=1))["n_pairs"] == 0
    assert rel.figures(since=now - dt.timedelta(hours=1), until=now + dt.timedelta(hours=1))["n_pairs"] == 20
    for person in scored["pool"]:
        a, b, units, _ = _expected_vectors(scored["readings"], assessor=person)
        got = rel.figures(assessor=person)
        assert got["n_pairs"] == len(a)
        assert got["exact_agreement"] == (round(rel.exact_agreement(a, b), 4) if a else None)
        assert got["quadratic_weighted_kappa"] == (round(rel.quadratic_weighted_kappa(a, b), 4) if rel.quadratic_weighted_kappa(a, b) is not None else None)


def test_per_assessor_rows(scored):
    rows = rel.per_assessor(micro_credential=scored["mc"])
    by_review = {}
    for review, role, who, vector in scored["readings"]:
        by_review.setdefault(review.pk, {})[role] = (who, vector)
    expected = {}
    for roles in by_review.values():
        if "second" not in roles:
            continue
        for mine, other in (("first", "second"), ("second", "first")):
            who = roles[mine][0]
            e = expected.setdefault(who.pk, {"mine": [], "other": [], "adj": []})
            e["mine"] += roles[mine][1]
            e["other"] += roles[other][1]
            if "adjudicator" in roles:
                e["adj"] += [x == y for x, y in zip(roles[mine][1], roles["adjudicator"][1])]
    assert {r["assessor_id"] for r in rows} == set(expected)
    for row in rows:
        e = expected[row["assessor_id"]]
        assert row["pseudonym"] == rel.pseudonym(row["assessor_id"])
        assert row["n_pairs"] == len(e["mine"])
        assert row["exact_agreement"] == round(rel.exact_agreement(e["mine"], e["other"]), 4)
        assert row["adjacent_agreement"] == round(rel.adjacent_agreement(e["mine"], e["other"]), 4)
        qwk = rel.quadratic_weighted_kappa(e["mine"], e["other"])
        assert row["quadratic_weighted_kappa"] == (None if qwk is None else round(qwk, 4))
        assert row["agreement_with_adjudication"] == (round(sum(e["adj"]) / len(e["adj"]), 4) if e["adj"] else None)
        assert row["status"] == "certified"
    adjudicated = [r for r in rows if r["agreement_with_adjudication"] is not None]
    assert sorted(r["agreement_with_adjudication"] for r in adjudicated) == [0.6, 0.8]   # (0,2,2,2,1) and (2,2,2,2,1) vs (2,1,2,2,1)
    assert [r["n_pairs"] for r in rows] == sorted((r["n_pairs"] for r in rows), reverse=True)


def _anchor_with_a_check(mc, rater):
    version = mc.current_version
    item = AnchorItem.objects.create(micro_credential=mc, version=version, title="Anchor A", snapshot={"parts": []})
    for part in version.parts.all():
        for c in part.rubric.criteria.all():
            AnchorScore.objects.create(item=item, criterion=c, level=part.rubric.levels.get(position=part.rubric.passing_level))
    check = Assignment.objects.create(anchor_item=item, assessor=rater, role="check")
    services.submit_scores(assignment=check, by=rater, levels=levels(version, "top"))
    return item


def test_export_scores_csv(scored, tmp_path):
    mc = scored["mc"]
    _anchor_with_a_check(mc, scored["pool"][3])
    target = tmp_path / "scores.csv"
    out = io.StringIO()
    call_command("export_scores", str(target), stdout=out)
    assert "Wrote 55 score(s)" in out.getvalue()
    text = target.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "submission,attempt,mc,mc_version,part,criterion,rater,rater_role,level_index,level_name,scored_at"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 50 + 5   # 4 reviews × 2 readers + 1 adjudication + 1 single reading, 5 criteria each; 5 anchor scores
    assert {r["rater_role"] for r in rows} == {"first", "second", "adjudicator", "anchor"}   # the check's scores are not exported
    usernames = {u.username for u in scored["pool"]} | {str(u.pk) for u in scored["pool"]}
    readers = [r for r in rows if r["rater_role"] != "anchor"]
    assert all(re.fullmatch(r"R-[0-9a-f]{8}", r["rater"]) for r in readers)
    assert not usernames & {r["rater"] for r in rows}
    assert not any(u.username in text for u in scored["pool"])
    # The known levels come back, by reader pseudonym and role.
    review = scored["readings"][6][0]  # the adjudicated review
    mine = [r for r in readers if r["submission"] == str(review.submission_id)]
    by_role = {role: [int(r["level_index"]) for r in mine if r["rater_role"] == role] for role in ("first", "second", "adjudicator")}
    assert by_role == {"first": [2, 2, 2, 2, 1], "second": [0, 2, 2, 2, 1], "adjudicator": [2, 1, 2, 2, 1]}
    first = mine[0]
    assert first["attempt"] == str(review.submission.attempt_id) and first["mc"] == mc.slug and first["mc_version"] == "1"
    assert (first["part"], first["criterion"], first["level_name"]) == ("1", "1", "Demonstrated")
    assert dt.datetime.fromisoformat(first["scored_at"])
    adjudicator = next(who for rv, role, who, _ in scored["readings"] if rv.pk == review.pk and role == "adjudicator")
    assert {r["rater"] for r in mine if r["rater_role"] == "adjudicator"} == {rel.pseudonym(adjudicator.pk)}
    anchors = [r for r in rows if r["rater_role"] == "anchor"]
    assert len(anchors) == 5 and all(r["submission"] == "" and r["attempt"] == "" and r["mc"] == mc.slug and r["mc_version"] == "1"
                                     for r in anchors)
    assert [r["level_index"] for r in anchors] == ["2", "2", "2", "2", "1"]


def test_export_scores_to_stdout_streams_the_same_rows(scored, tmp_path):
    out = io.StringIO()
    call_command("export_scores", "-", stdout=out)
    target = tmp_path / "scores.csv"
    call_command("export_scores", str(target), stdout=io.StringIO())
    assert out.getvalue() == target.read_text(encoding="utf-8")
    assert len(out.getvalue().splitlines()) == 1 + 50


def test_export_scores_to_an_unwritable_place_is_a_clear_error(scored, tmp_path):
    with pytest.raises(CommandError, match="Could not write"):
        call_command("export_scores", str(tmp_path / "missing" / "scores.csv"))


def test_reliability_report_json(scored, publish_mc):
    publish_mc(title="Another Micro-Credential Without Reviews")
    out = io.StringIO()
    call_command("reliability_report", "--json", stdout=out)
    data = json.loads(out.getvalue())
    keys = {"n_pairs", "exact_agreement", "adjacent_agreement", "cohen_kappa", "quadratic_weighted_kappa", "krippendorff_alpha", "gwet_ac1"}
    assert keys <= set(data["overall"])
    assert list(data["micro_credentials"]) == [scored["mc"].slug]   # only MCs with reviews
    assert data["overall"] == rel.figures() and data["micro_credentials"][scored["mc"].slug] == rel.figures(micro_credential=scored["mc"])
    out = io.StringIO()
    call_command("reliability_report", "--mc", scored["mc"].slug, "--json", stdout=out)
    assert json.loads(out.getvalue()) == rel.report(mc_slug=scored["mc"].slug)


def test_reliability_report_table(scored):
    out = io.StringIO()
    call_command("reliability_report", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split()[:3] == ["scope", "reviews", "pairs"]
    assert lines[1].startswith("overall") and "0.7" in lines[1]
    assert lines[2].startswith(scored["mc"].slug)


def test_reliability_report_unknown_mc_is_a_clear_error(db, capsys):
    with pytest.raises(CommandError, match="No micro-credential with the slug “nope”"):
        call_command("reliability_report", "--mc", "nope", "--json")
    with pytest.raises(ValueError, match="nope"):
        rel.report(mc_slug="nope")
    command = load_command_class("microcred.assessment", "reliability_report")
    with pytest.raises(SystemExit) as exit_info:
        command.run_from_argv(["microcred", "reliability_report", "--mc", "nope"])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "No micro-credential with the slug" in err and "Traceback" not in err


def test_reliability_report_bad_date(db):
    with pytest.raises(CommandError, match="not a date"):
        call_command("reliability_report", "--since", "yesterday")
