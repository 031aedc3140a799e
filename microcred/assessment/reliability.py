"""Reliability of scoring: how far two assessors reading the same submission agree.

Two layers:

* Pure statistics on plain lists (no Django): exact and adjacent agreement, Cohen's kappa, quadratic weighted
  kappa, Krippendorff's alpha (through the `krippendorff` package) and Gwet's AC1. Each returns None where
  the figure is undefined (no pairs, or no variation to correct for chance) instead of dividing by zero.
  tests/test_reliability.py checks them against scikit-learn and Krippendorff's published example.
* Selectors over assessment data: `pairs()` and `units()` collect the scores of double-scored reviews,
  `figures()` / `report()` / `per_assessor()` turn them into the figures of the reliability report, the issuer
  dashboard and `microcred reliability_report`. Raters appear only under `pseudonym()`.

Levels are the rubric level *positions* (0 = lowest). Figures pooled over criteria of rubrics with different
numbers of levels treat the positions as one ordinal scale: report them per MC to compare like with like.
"""
from __future__ import annotations

import csv
import hashlib
import hmac
import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import krippendorff
import numpy as np
from django.conf import settings

from microcred.catalog.models import MicroCredential, Part
from microcred.catalog.rubrics import passes as rubric_passes

from .models import AnchorScore, Assignment, Qualification, Review, Score

A = Assignment
READER_ROLES = (A.Role.FIRST, A.Role.SECOND, A.Role.ADJUDICATOR)
_EPS = 1e-12
_CHUNK = 500


# --- Pure statistics ----------------------------------------------------------------------------

def _paired(a: Sequence, b: Sequence) -> int:
    if len(a) != len(b):
        raise ValueError(f"The two raters' lists differ in length ({len(a)} and {len(b)}).")
    return len(a)


def _categories(a: Sequence, b: Sequence, labels: Iterable | None) -> list:
    if labels is None:
        return sorted(set(a) | set(b))
    cats = list(labels)
    unknown = (set(a) | set(b)) - set(cats)
    if unknown:
        raise ValueError(f"Ratings outside the labels given: {sorted(unknown, key=str)}.")
    return cats


def exact_agreement(a: Sequence, b: Sequence) -> float | None:
    """Share of pairs where both raters gave the same level; None without pairs."""
    n = _paired(a, b)
    return sum(1 for x, y in zip(a, b) if x == y) / n if n else None


def adjacent_agreement(a: Sequence[int], b: Sequence[int]) -> float | None:
    """Share of pairs whose levels differ by at most one (|a − b| ≤ 1); None without pairs."""
    n = _paired(a, b)
    return sum(1 for x, y in zip(a, b) if abs(x - y) <= 1) / n if n else None


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable], labels: Iterable | None = None) -> float | None:
    """Cohen's kappa for two raters on nominal categories.

    κ = (p_o − p_e) / (1 − p_e), with p_o the observed share of agreement and p_e = Σ_k p_a(k)·p_b(k) the
    agreement expected by chance from each rater's own marginal proportions p_a(k), p_b(k).
    Reference: Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and
    Psychological Measurement, 20(1), 37–46. Matches sklearn.metrics.cohen_kappa_score(weights=None).

    None when there are no pairs or p_e = 1 (both raters used one and the same category throughout).
    """
    n = _paired(a, b)
    cats = _categories(a, b, labels)
    if not n:
        return None
    ca, cb = Counter(a), Counter(b)
    p_o = sum(1 for x, y in zip(a, b) if x == y) / n
    p_e = sum(ca[k] * cb[k] for k in cats) / (n * n)
    if p_e >= 1 - _EPS:
        return None
    return (p_o - p_e) / (1 - p_e)


def quadratic_weighted_kappa(a: Sequence, b: Sequence, n_levels: int | None = None, *, labels: Sequence | None = None) -> float | None:
    """Cohen's weighted kappa with quadratic disagreement weights, for ordered levels.

    κ_w = 1 − Σ w_ij·O_ij / Σ w_ij·E_ij, with O the observed joint proportions, E_ij = p_a(i)·p_b(j) the
    proportions expected by chance, and w_ij = (i − j)² / (k − 1)² (the (k − 1)² cancels in the ratio).
    Reference: Cohen, J. (1968). Weighted kappa. Psychological Bulletin, 70(4), 213–220; Fleiss, J. L. &
    Cohen, J. (1973). Educational and Psychological Measurement, 33, 613–619. Matches
    sklearn.metrics.cohen_kappa_score(weights="quadratic", labels=...).

    The distance i − j is between level indexes: with `labels`, a level's index in that ordered list; with
    `n_levels`, the levels are 0 … n_levels − 1 themselves; with neither, integer levels are their own index
    (so an unused level between two used ones still counts as a step). None when there are no pairs or no
    expected disagreement (both raters used one and the same level throughout).
    """
    n = _paired(a, b)
    if labels is not None:
        index = {lab: i for i, lab in enumerate(labels)}
    elif n_levels is not None:
        index = {i: i for i in range(n_levels)}
    else:
        index = None
    if index is not None:
        unknown = (set(a) | set(b)) - set(index)
        if unknown:
            raise ValueError(f"Levels outside the scale given: {sorted(unknown, key=str)}.")
        a, b = [index[x] for x in a], [index[y] for y in b]
    if not n:
        return None
    observed = sum((x - y) ** 2 for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[i] * cb[j] * (i - j) ** 2 for i in ca for j in cb) / (n * n)
    if expected <= _EPS:
        return None
    return 1 - observed / expected


def gwet_ac1(a: Sequence[Hashable], b: Sequence[Hashable], labels: Iterable | None = None) -> float | None:
    """Gwet's first-order agreement coefficient AC1 for two raters on nominal categories.

    AC1 = (p_a − p_e) / (1 − p_e), with p_a the observed share of agreement and
    p_e = 1/(q − 1) · Σ_k π_k (1 − π_k), π_k = (p_a(k) + p_b(k)) / 2 the mean share of category k over both
    raters, q the number of categories. For pass/fail (q = 2): p_e = 2·π·(1 − π).
    Unlike kappa it does not collapse when almost every submission falls in one category (the "kappa
    paradox"). Reference: Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the
    presence of high agreement. British Journal of Mathematical and Statistical Psychology, 61, 29–48.

    Pass `labels` (e.g. (True, False)) so q counts the categories that *could* be given; without them q is the
    number of categories observed. None when there are no pairs or fewer than two categories.
    """
    n = _paired(a, b)
    cats = _categories(a, b, labels)
    q = len(cats)
    if not n or q < 2:
        return None
    ca, cb = Counter(a), Counter(b)
    p_a = sum(1 for x, y in zip(a, b) if x == y) / n
    pis = [(ca[k] + cb[k]) / (2 * n) for k in cats]
    p_e = sum(p * (1 - p) for p in pis) / (q - 1)
    if p_e >= 1 - _EPS:
        return None
    return (p_a - p_e) / (1 - p_e)


def krippendorff_alpha(units: Iterable[Sequence], *, level_of_measurement: str = "ordinal",
                       value_domain: Sequence | None = None) -> float | None:
    """Krippendorff's alpha over units rated by any number of raters, with missing ratings.

    `units` is one list per unit (an item rated) of the raters' values, None where a rater gave none; lists may
    differ in length. α = 1 − D_o / D_e (observed over expected disagreement). Computed by the `krippendorff`
    package (github.com/pln-fing-udelar/fast-krippendorff). Reference: Krippendorff, K. (2011). Computing
    Krippendorff's alpha-reliability. Annenberg School for Communication, University of Pennsylvania.

    Units with fewer than two values are not pairable and are left out. None when nothing is pairable or all
    pairable values are the same (D_e = 0: alpha is undefined).
    """
    rows = [list(u) for u in units]
    rows = [u for u in rows if sum(v is not None for v in u) >= 2]
    if not rows:
        return None
    values = {v for u in rows for v in u if v is not None}
    if len(values) < 2:
        return None
    coders = max(len(u) for u in rows)
    matrix = np.full((coders, len(rows)), np.nan)
    for j, u in enumerate(rows):
        for i, v in enumerate(u):
            if v is not None:
                matrix[i, j] = v
    kwargs = {"value_domain": list(value_domain)} if value_domain is not None else {}
    result = float(krippendorff.alpha(reliability_data=matrix, level_of_measurement=level_of_measurement, **kwargs))
    return None if math.isnan(result) else result


def krippendorff_alpha_ordinal(units: Iterable[Sequence], *, value_domain: Sequence | None = None) -> float | None:
    """Krippendorff's alpha with the ordinal metric (rubric levels are ordered, their spacing is not known)."""
    return krippendorff_alpha(units, level_of_measurement="ordinal", value_domain=value_domain)


# --- Pseudonyms ---------------------------------------------------------------------------------

def pseudonym(user_id: int | None) -> str:
    """A stable rater pseudonym, "R-" + 8 hex of HMAC-SHA256(SECRET_KEY, "rater:<id>").

    The same person gets the same pseudonym in every export of this installation, and nobody without the
    secret key can tell who it is. Empty for no user."""
    if user_id is None:
        return ""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"rater:{user_id}".encode(), hashlib.sha256).hexdigest()
    return f"R-{digest[:8]}"


# --- Collecting scores --------------------------------------------------------------------------

@dataclass
class Reading:
    """One reader's scores of one review."""

    role: str
    assessor_id: int
    scored_at: object
    levels: dict[int, int] = field(default_factory=dict)  # criterion id → level position


@dataclass
class ScoredReview:
    review_id: int
    micro_credential_id: int
    version_id: int
    decided_at: object
    readings: dict[str, Reading]  # role → reading


@dataclass
class DoubleScore:
    """A review scored by a first and a second reader, with the adjudicator's levels when there was one."""

    review_id: int
    micro_credential_id: int
    first_assessor_id: int
    second_assessor_id: int
    criteria: list[tuple[int, int, int]]   # (criterion id, first level, second level), criteria both scored
    first_passes: bool
    second_passes: bool
    adjudicator_id: int | None = None
    adjudicator_levels: dict[int, int] = field(default_factory=dict)


def _in_period(when, since, until) -> bool:
    return when is not None and (since is None or when >= since) and (until is None or when < until)


def _scored_reviews(*, micro_credential=None, assessor=None, since=None, until=None, need_first_and_second: bool,
                    assessor_roles=(A.Role.FIRST, A.Role.SECOND), micro_credential_ids=None) -> list[ScoredReview]:
    """Reviews with at least two scored readers (or a scored first *and* second), with every reader's levels.

    The moment of a review is its decision (decided_at), or, while undecided, when its second (or latest)
    reader scored; it must fall in [since, until)."""
    qs = Assignment.objects.filter(review__isnull=False, state=A.State.SCORED, role__in=READER_ROLES)
    if micro_credential is not None:
        qs = qs.filter(review__micro_credential=micro_credential)
    if micro_credential_ids is not None:
        qs = qs.filter(review__micro_credential_id__in=list(micro_credential_ids))
    if assessor is not None:
        mine = Assignment.objects.filter(assessor=assessor, role__in=assessor_roles, state=A.State.SCORED, review__isnull=False)
        qs = qs.filter(review_id__in=mine.values("review_id"))
    by_review: dict[int, dict[str, tuple[int, int, object]]] = defaultdict(dict)
    for aid, review_id, role, assessor_id, scored_at in qs.values_list("id", "review_id", "role", "assessor_id", "scored_at").iterator():
        by_review[review_id][role] = (aid, assessor_id, scored_at)
    if need_first_and_second:
        wanted = {r: roles for r, roles in by_review.items() if A.Role.FIRST in roles and A.Role.SECOND in roles}
    else:
        wanted = {r: roles for r, roles in by_review.items() if len(roles) >= 2}
    out: list[ScoredReview] = []
    ids = sorted(wanted)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        kept: dict[int, ScoredReview] = {}
        for pk, mc_id, version_id, decided_at in Review.objects.filter(pk__in=chunk).values_list(
                "pk", "micro_credential_id", "version_id", "decided_at"):
            roles = wanted[pk]
            if decided_at is not None:
                when = decided_at
            elif A.Role.SECOND in roles:
                when = roles[A.Role.SECOND][2]
            else:
                when = max((r[2] for r in roles.values() if r[2] is not None), default=None)
            if (since is not None or until is not None) and not _in_period(when, since, until):
                continue
            kept[pk] = ScoredReview(pk, mc_id, version_id, decided_at,
                                    {role: Reading(role, a_id, at) for role, (_, a_id, at) in roles.items()})
        role_of = {wanted[pk][role][0]: (pk, role) for pk in kept for role in kept[pk].readings}
        for assignment_id, criterion_id, position in Score.objects.filter(assignment_id__in=list(role_of)).values_list(
                "assignment_id", "criterion_id", "level__position"):
            pk, role = role_of[assignment_id]
            kept[pk].readings[role].levels[criterion_id] = position
        out.extend(kept[pk] for pk in chunk if pk in kept)
    return out


class _Outcomes:
    """Pass/fail of a reader's levels under the version's rubrics, skipping the parts locked from earlier attempts."""

    def __init__(self):
        self._parts: dict[int, list[Part]] = {}

    def parts(self, version_id: int) -> list[Part]:
        if version_id not in self._parts:
            self._parts[version_id] = list(Part.objects.filter(version_id=version_id).select_related("rubric")
                                           .prefetch_related("rubric__criteria"))
        return self._parts[version_id]

    def passes(self, version_id: int, levels: dict[int, int], locked: set[int]) -> bool:
        parts = [p for p in self.parts(version_id) if p.pk not in locked]
        if not parts:
            return False
        return all(rubric_passes(p.rubric, {c.pk: levels[c.pk] for c in p.rubric.criteria.all() if c.pk in levels}) for p in parts)


def _locked_parts(review_ids: list[int]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for start in range(0, len(review_ids), _CHUNK):
        for pk, snapshot in Review.objects.filter(pk__in=review_ids[start:start + _CHUNK]).values_list("pk", "submission__snapshot"):
            out[pk] = {p["part_id"] for p in (snapshot or {}).get("parts", []) if p.get("locked")}
    return out


def pairs(*, micro_credential=None, assessor=None, since=None, until=None) -> list[DoubleScore]:
    """Every review with a scored first and a scored second reading, in scope.

    Scope: the review's MC; its decision time, or the second reading's time while undecided, in [since, until);
    with `assessor`, only reviews where they were the first or the second reader. Per review: the level pairs of
    the criteria both scored, and whether each reader's levels pass (rubrics.passes per part, locked parts of a
    resubmission left out, as the real decision does)."""
    reviews = _scored_reviews(micro_credential=micro_credential, assessor=assessor, since=since, until=until,
                              need_first_and_second=True)
    locked = _locked_parts([r.review_id for r in reviews])
    outcomes = _Outcomes()
    out = []
    for r in reviews:
        first, second = r.readings[A.Role.FIRST], r.readings[A.Role.SECOND]
        adjudicator = r.readings.get(A.Role.ADJUDICATOR)
        criteria = [(c, first.levels[c], second.levels[c]) for c in sorted(first.levels) if c in second.levels]
        out.append(DoubleScore(
            review_id=r.review_id, micro_credential_id=r.micro_credential_id,
            first_assessor_id=first.assessor_id, second_assessor_id=second.assessor_id, criteria=criteria,
            first_passes=outcomes.passes(r.version_id, first.levels, locked[r.review_id]),
            second_passes=outcomes.passes(r.version_id, second.levels, locked[r.review_id]),
            adjudicator_id=adjudicator.assessor_id if adjudicator else None,
            adjudicator_levels=dict(adjudicator.levels) if adjudicator else {},
        ))
    return out


def units(*, micro_credential=None, assessor=None, since=None, until=None) -> list[list[int | None]]:
    """Krippendorff units: one per (review, criterion), [first, second, adjudicator] levels, None when missing.

    Over every review in scope (as in pairs()) with at least two scored readers."""
    reviews = _scored_reviews(micro_credential=micro_credential, assessor=assessor, since=since, until=until,
                              need_first_and_second=False)
    out = []
    for r in reviews:
        criteria = sorted({c for reading in r.readings.values() for c in reading.levels})
        for c in criteria:
            out.append([r.readings[role].levels.get(c) if role in r.readings else None for role in READER_ROLES])
    return out


# --- Figures ------------------------------------------------------------------------------------

def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def _pass_rate(*, micro_credential=None, assessor=None, since=None, until=None) -> float | None:
    decided = Review.objects.filter(stage=Review.Stage.DECIDED)
    if micro_credential is not None:
        decided = decided.filter(micro_credential=micro_credential)
    if since is not None:
        decided = decided.filter(decided_at__gte=since)
    if until is not None:
        decided = decided.filter(decided_at__lt=until)
    if assessor is not None:
        decided = decided.filter(pk__in=Assignment.objects.filter(assessor=assessor, role__in=READER_ROLES, state=A.State.SCORED)
                                 .values("review_id"))
    total = decided.count()
    return decided.filter(final_result="earned").count() / total if total else None


def figures(*, micro_credential=None, assessor=None, since=None, until=None) -> dict:
    """The reliability figures of one scope (MC, assessor, period): agreement and chance-corrected agreement
    between first and second readers per criterion, Krippendorff's alpha over all readers, Gwet's AC1 on the
    pass/fail outcomes, and the pass rate of decided reviews. Floats rounded to 4 places; None if undefined."""
    scope = {"micro_credential": micro_credential, "assessor": assessor, "since": since, "until": until}
    found = pairs(**scope)
    a = [f for p in found for _, f, _ in p.criteria]
    b = [s for p in found for _, _, s in p.criteria]
    return {
        "n_pairs": len(a),
        "n_reviews": len(found),
        "exact_agreement": _round(exact_agreement(a, b)),
        "adjacent_agreement": _round(adjacent_agreement(a, b)),
        "cohen_kappa": _round(cohen_kappa(a, b)),
        "quadratic_weighted_kappa": _round(quadratic_weighted_kappa(a, b)),
        "krippendorff_alpha": _round(krippendorff_alpha_ordinal(units(**scope))),
        "gwet_ac1": _round(gwet_ac1([p.first_passes for p in found], [p.second_passes for p in found], labels=(True, False))),
        "pass_rate": _round(_pass_rate(**scope)),
    }


def exact_agreement_by_micro_credential(micro_credential_ids, *, since=None, until=None) -> dict[int, float | None]:
    """Exact agreement of first and second readers per criterion, for many MCs at once (the same pairs and figure as
    ``figures(micro_credential=…)["exact_agreement"]``): a constant number of queries however many MCs."""
    ids = sorted({int(i) for i in micro_credential_ids})
    if not ids:
        return {}
    a: dict[int, list] = defaultdict(list)
    b: dict[int, list] = defaultdict(list)
    for r in _scored_reviews(micro_credential_ids=ids, since=since, until=until, need_first_and_second=True):
        first, second = r.readings[A.Role.FIRST].levels, r.readings[A.Role.SECOND].levels
        for c in sorted(first):
            if c in second:
                a[r.micro_credential_id].append(first[c])
                b[r.micro_credential_id].append(second[c])
    return {mc_id: _round(exact_agreement(a[mc_id], b[mc_id])) for mc_id in ids}


class UnknownMicroCredential(ValueError):
    """report() was asked for a slug no micro-credential has."""


def report(*, mc_slug: str | None = None, since=None, until=None) -> dict:
    """Figures overall and per MC with reviews (only that MC, also as "overall", when `mc_slug` is given).

    Raises UnknownMicroCredential (a ValueError) for an unknown slug."""
    if mc_slug:
        mc = MicroCredential.objects.filter(slug=mc_slug).first()
        if mc is None:
            raise UnknownMicroCredential(f"No micro-credential with the slug “{mc_slug}”.")
        mcs = [mc]
        overall = figures(micro_credential=mc, since=since, until=until)
    else:
        mcs = list(MicroCredential.objects.filter(pk__in=Review.objects.values("micro_credential_id")).order_by("slug"))
        overall = figures(since=since, until=until)
    return {"overall": overall,
            "micro_credentials": {mc.slug: figures(micro_credential=mc, since=since, until=until) for mc in mcs}}


_STATUS_CAUTION = {Qualification.Status.PAUSED: 0, Qualification.Status.TRAINING: 1, Qualification.Status.CERTIFIED: 2}


def per_assessor(*, micro_credential=None, since=None, until=None) -> list[dict]:
    """One row per assessor who scored as first or second reader in scope: their agreement with the other reader
    and with adjudication, under their pseudonym. `status` is their qualification for the MC ("certified",
    "training", "paused", or "none"); across MCs, the most cautionary of those they scored in.
    Sorted by number of pairs, most first."""
    found = pairs(micro_credential=micro_credential, since=since, until=until)
    mine: dict[int, list[int]] = defaultdict(list)
    other: dict[int, list[int]] = defaultdict(list)
    adj_match: Counter = Counter()
    adj_total: Counter = Counter()
    adj_reviews: Counter = Counter()
    mcs: dict[int, set[int]] = defaultdict(set)
    for p in found:
        for who, side, opposite in ((p.first_assessor_id, 1, 2), (p.second_assessor_id, 2, 1)):
            mcs[who].add(p.micro_credential_id)
            mine[who].extend(c[side] for c in p.criteria)
            other[who].extend(c[opposite] for c in p.criteria)
            if p.adjudicator_levels:
                adj_reviews[who] += 1
                for c in p.criteria:
                    if c[0] in p.adjudicator_levels:
                        adj_total[who] += 1
                        adj_match[who] += c[side] == p.adjudicator_levels[c[0]]
    quals = defaultdict(dict)
    for assessor_id, mc_id, status in Qualification.objects.filter(assessor_id__in=list(mcs)).values_list(
            "assessor_id", "micro_credential_id", "status"):
        quals[assessor_id][mc_id] = status
    rows = []
    for who in mcs:
        statuses = [quals[who].get(mc_id) for mc_id in mcs[who]]
        known = [s for s in statuses if s]
        status = min(known, key=lambda s: _STATUS_CAUTION.get(s, -1)) if known else "none"
        rows.append({
            "assessor_id": who,
            "pseudonym": pseudonym(who),
            "n_pairs": len(mine[who]),
            "exact_agreement": _round(exact_agreement(mine[who], other[who])),
            "adjacent_agreement": _round(adjacent_agreement(mine[who], other[who])),
            "quadratic_weighted_kappa": _round(quadratic_weighted_kappa(mine[who], other[who])),
            "agreement_with_adjudication": _round(adj_match[who] / adj_total[who]) if adj_total[who] else None,
            "n_adjudicated": adj_reviews[who],
            "status": status,
        })
    rows.sort(key=lambda r: (-r["n_pairs"], r["pseudonym"]))
    return rows


# --- Research export ----------------------------------------------------------------------------

EXPORT_COLUMNS = ("submission", "attempt", "mc", "mc_version", "part", "criterion", "rater", "rater_role",
                  "level_index", "level_name", "scored_at")


def score_rows() -> Iterable[dict]:
    """Every first, second and adjudicator score, then every anchor's agreed score, one dict per row (streamed).

    `part` and `criterion` are their positions in the MC version (1 = first), `level_index` the level position
    (0 = lowest), `rater` a pseudonym. Anchor rows have no submission or attempt, and no rater: an anchor's
    levels are agreed, not one person's. Check and calibration readings of anchors are not exported."""
    scores = (Score.objects.filter(assignment__review__isnull=False, assignment__state=A.State.SCORED,
                                   assignment__role__in=READER_ROLES)
              .order_by("assignment__review__submission_id", "assignment__assigned_at", "assignment_id",
                        "criterion__rubric__part__position", "criterion__position")
              .values_list("assignment__review__submission_id", "assignment__review__submission__attempt_id",
                           "assignment__review__micro_credential__slug", "assignment__review__version__number",
                           "criterion__rubric__part__position", "criterion__position", "assignment__assessor_id",
                           "assignment__role", "level__position", "level__name", "scored_at"))
    for submission, attempt, mc, number, part, criterion, assessor_id, role, position, name, at in scores.iterator(chunk_size=2000):
        yield {"submission": submission, "attempt": attempt, "mc": mc, "mc_version": number, "part": part,
               "criterion": criterion, "rater": pseudonym(assessor_id), "rater_role": role, "level_index": position,
               "level_name": name, "scored_at": at.isoformat() if at else ""}
    anchors = (AnchorScore.objects.order_by("item_id", "criterion__rubric__part__position", "criterion__position")
               .values_list("item__version__micro_credential__slug", "item__version__number", "criterion__rubric__part__position",
                            "criterion__position", "level__position", "level__name", "item__created_at"))
    for mc, number, part, criterion, position, name, at in anchors.iterator(chunk_size=2000):
        yield {"submission": "", "attempt": "", "mc": mc, "mc_version": number, "part": part, "criterion": criterion,
               "rater": "", "rater_role": "anchor", "level_index": position, "level_name": name,
               "scored_at": at.isoformat() if at else ""}


def write_scores_csv(rows: Iterable[dict], fh) -> int:
    """Write the export rows as CSV with the header EXPORT_COLUMNS; returns the number of rows."""
    writer = csv.DictWriter(fh, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    n = 0
    for row in rows:
        writer.writerow(row)
        n += 1
    return n
