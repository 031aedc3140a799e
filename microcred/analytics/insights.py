"""The dashboard sections that need per-person or per-review work in Python — assessor quality over time, educators
close to qualifying for recognition, and practice ratings before and after earning an MC. They reuse the selectors
of the apps that own the rules (assessment.reliability, recognition.selectors) and are only ever computed by the
snapshot task (docs/decisions/0032-pre-aggregated-dashboards.md), never during a request. Everything returned is
already suppressed (microcred/core/suppression.py) or, for agreement statistics, withheld below ``threshold()``
scored pairs."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.assessment import reliability
from microcred.assessment.models import Review
from microcred.catalog.models import MicroCredential
from microcred.core import suppression
from microcred.recognition import selectors as recognition
from microcred.recognition.models import Policy

from .models import ImpactRating

MAX_QUARTERS = 8
MAX_POLICIES = 10
TOP_MCS = 10


def _quarter_start(when: dt.datetime) -> dt.datetime:
    return when.replace(month=3 * ((when.month - 1) // 3) + 1, day=1, hour=0, minute=0, second=0, microsecond=0)


def _next_quarter(start: dt.datetime) -> dt.datetime:
    return start.replace(year=start.year + 1, month=1) if start.month == 10 else start.replace(month=start.month + 3)


def quarters(since, now=None) -> list[tuple[str, dt.datetime, dt.datetime]]:
    """(label "2026-Q3", start, end) of the quarters from ``since`` (or MAX_QUARTERS back) to now, oldest first."""
    now = now or timezone.now()
    last = _quarter_start(now)
    out = [last]
    while len(out) < MAX_QUARTERS:
        previous = _quarter_start(out[0] - dt.timedelta(days=1))
        if since is not None and _next_quarter(previous) <= since:
            break
        out.insert(0, previous)
    return [(f"{q.year}-Q{(q.month - 1) // 3 + 1}", q, _next_quarter(q)) for q in out]


def _quality_mcs(dashboard, filters) -> list[MicroCredential]:
    if dashboard.kind not in ("issuer", "platform"):
        return []
    qs = MicroCredential.objects.filter(pk__in=Review.objects.values("micro_credential_id"))
    if dashboard.kind == "issuer":
        qs = qs.filter(owner=dashboard.organization)
    if filters.mc is not None:
        qs = qs.filter(pk=filters.mc.pk)
    return list(qs.select_related("current_version").order_by("slug")[:TOP_MCS])


def _percent(value) -> float | None:
    return None if value is None else round(100 * value, 1)


def assessor_quality(dashboard, filters) -> tuple[list[dict], list[dict]]:
    """Per MC and quarter: double-scored criterion pairs, exact agreement (%) and quadratic weighted kappa of first
    and second readers (assessment.reliability), and how far the assessor furthest from the pool's mean level is;
    and per assessor (pseudonym) their mean level relative to the pool's in that MC and quarter — drift.
    Statistics of fewer than ``threshold()`` pairs (or scores) are not shown: too few to say anything."""
    k = suppression.threshold()
    rows, assessors = [], []
    for mc in _quality_mcs(dashboard, filters):
        for label, start, end in quarters(filters.since()):
            found = reliability.pairs(micro_credential=mc, since=start, until=end)
            a = [f for p in found for _c, f, _s in p.criteria]
            b = [s for p in found for _c, _f, s in p.criteria]
            levels: dict[int, list[int]] = defaultdict(list)
            for p in found:
                levels[p.first_assessor_id].extend(f for _c, f, _s in p.criteria)
                levels[p.second_assessor_id].extend(s for _c, _f, s in p.criteria)
            pool = a + b
            pool_mean = sum(pool) / len(pool) if pool else None
            shown = len(a) >= k
            gaps = {who: sum(v) / len(v) - pool_mean for who, v in levels.items() if len(v) >= k and pool_mean is not None}
            row_label = f"{mc} · {label}"
            rows.append({"label": row_label, "pairs": len(a),
                         "exact_agreement": _percent(reliability.exact_agreement(a, b)) if shown else None,
                         "qwk": (None if not shown or reliability.quadratic_weighted_kappa(a, b) is None
                                 else round(reliability.quadratic_weighted_kappa(a, b), 2)),
                         "assessors": len(levels),
                         "largest_gap": round(max(abs(g) for g in gaps.values()), 2) if shown and gaps else None})
            for who, gap in sorted(gaps.items(), key=lambda kv: reliability.pseudonym(kv[0])):
                assessors.append({"label": f"{reliability.pseudonym(who)} · {row_label}", "scores": len(levels[who]),
                                  "relative": round(gap, 2), "distance": round(abs(gap), 2)})
    return [r for r in rows if r["pairs"]], assessors


def _policies(dashboard, recognizer_ids) -> list[Policy]:
    if dashboard.kind == "issuer":
        return []
    qs = recognition.published_policies().order_by("recognizer__name", "slug")
    if recognizer_ids is not None:
        qs = qs.filter(recognizer_id__in=recognizer_ids)
    return list(qs[:MAX_POLICIES])


def _nearly(requirement) -> bool:
    """An unmet requirement that is one step away: a yes-or-no fact (eligibility), or a count at least
    NEAR_FRACTION of the way (e.g. 48 of 60 hours)."""
    if requirement.kind == "eligibility" or not requirement.need:
        return True
    return requirement.have / requirement.need >= recognition.NEAR_FRACTION


def close_to_qualifying(dashboard, filters, educator_ids, recognizer_ids=None) -> list[dict]:
    """Per published recognition policy (a state's own, ``recognizer_ids`` being its organization tree; every policy on district and platform dashboards): of the
    dashboard's educators, how many qualify, how many are one requirement short (every other requirement met, and
    that one a yes-or-no fact or at least NEAR_FRACTION along), and how many are otherwise close (every countable
    requirement at least recognition.selectors.NEAR_FRACTION along) — evaluated with recognition's
    own engine (nothing saved). Disjoint groups, suppressed with the never-printed rest of the row."""
    policies = _policies(dashboard, recognizer_ids)
    educator_ids = list(educator_ids)
    if not policies or not educator_ids:
        return []
    results = recognition.evaluate_without_saving(policies, educator_ids)
    rows = []
    for policy in policies:
        qualified = one_short = close = 0
        for eid in educator_ids:
            ev = results[(policy.pk, eid)]
            unmet = [r for r in ev.requirements if not r.met]
            if ev.outcomes and ev.outcomes[0].achieved:
                qualified += 1
            elif ev.in_effect and len(unmet) == 1 and _nearly(unmet[0]):
                one_short += 1
            elif ev.in_effect and recognition.progress_fraction(ev) >= recognition.NEAR_FRACTION:
                close += 1
        rows.append({"label": f"{policy.title} ({policy.recognizer.name})", "educators": len(educator_ids),
                     "qualified": qualified, "one_short": one_short, "close": close})
    shown, _totals = suppression.suppress_rows(rows, ["educators", "qualified", "one_short", "close"],
                                               total_column="educators")
    return shown


def school_year(when: dt.datetime) -> int:
    """The year a school year ends in: August 2025 to July 2026 is 2026."""
    return when.year + (1 if when.month >= 8 else 0)


def impact(dashboard, filters, earned_attempts) -> list[dict]:
    """Practice ratings (imported by opted-in organizations) before and after earning an MC: for each educator
    who earned it, the latest rating of a school year before the one they earned it in and the earliest of a year
    after. Per MC (the most earned first) and for all MCs: educators with both, mean before, mean after, change.
    Educators are counted once per row; a row of fewer than ``threshold()`` educators shows nothing."""
    earned: dict[tuple[int, int], int] = {}  # (educator, mc) → school year of the first earning
    names: dict[int, str] = {}
    for earner, mc_id, decided in earned_attempts.filter(decided_at__isnull=False).values_list(
            "earner_id", "micro_credential_id", "decided_at").order_by("decided_at"):
        earned.setdefault((earner, mc_id), school_year(decided))
    if not earned:
        return []
    educators = {e for e, _m in earned}
    ratings: dict[int, dict[int, Decimal]] = defaultdict(dict)
    ids = sorted(educators)
    for start in range(0, len(ids), 1000):
        for educator, year, rating in ImpactRating.objects.filter(
                educator_id__in=ids[start:start + 1000], organization__impact_opt_in__isnull=False).values_list(
                "educator_id", "year", "rating"):
            ratings[educator][year] = rating  # one a year is kept (several organizations: the last read)
    per_mc: dict[int | None, dict[int, tuple[Decimal, Decimal]]] = defaultdict(dict)
    for (educator, mc_id), year in earned.items():
        mine = ratings.get(educator)
        if not mine:
            continue
        before = [y for y in mine if y < year]
        after = [y for y in mine if y > year]
        if before and after:
            pair = (mine[max(before)], mine[min(after)])
            per_mc[mc_id][educator] = pair
            per_mc[None].setdefault(educator, pair)
    if not per_mc:
        return []
    names = {m.pk: str(m) for m in MicroCredential.objects.filter(pk__in=[m for m in per_mc if m])
             .select_related("current_version")}
    order = sorted((m for m in per_mc if m), key=lambda m: (-len(per_mc[m]), names.get(m, "")))[:TOP_MCS]
    rows = []
    for mc_id in [None, *order]:
        pairs = list(per_mc[mc_id].values())
        n = len(pairs)
        before = sum(p[0] for p in pairs) / n
        after = sum(p[1] for p in pairs) / n
        rows.append({"label": _("All micro-credentials") if mc_id is None else names.get(mc_id, ""), "educators": n,
                     "before": round(float(before), 2), "after": round(float(after), 2),
                     "change": round(float(after - before), 2)})
    k = suppression.threshold()
    for r in rows:
        if suppression.suppress_count(r["educators"], k=k) is None:
            r.update(educators=None, before=None, after=None, change=None)
    return rows

