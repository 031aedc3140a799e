"""The tables of a dashboard (the same rows the charts draw), for the page, the CSV download and the API alike:
every number already suppressed by selectors (or insights, for the sections only the snapshot task computes)."""
from __future__ import annotations

from django.utils.translation import gettext as _

from . import selectors

TABLES = ("funnel", "times", "demand_mcs", "demand_months", "demand_stacks", "demand_competencies", "demand_subjects",
          "demand_grade_bands", "equity_locale", "equity_title_i",
          "equity_race_ethnicity", "equity_gender", "recognition", "close", "cost", "cost_programs", "quality",
          "quality_assessors", "impact")
# computed only by the snapshot task (insights.py): per-review and per-person work, never in a request
SLOW = ("quality", "quality_assessors", "close", "impact")
# sections that mean nothing on some dashboards
ONLY = {"quality": ("issuer", "platform"), "quality_assessors": ("issuer", "platform"),
        "close": ("district", "state", "platform"), "recognition": ("district", "state", "platform")}
DEMAND = ("demand_mcs", "demand_months", "demand_stacks", "demand_competencies", "demand_subjects", "demand_grade_bands")
# the sections a page may show on its own (/analytics/…/demand/): name → its tables
SECTIONS = {"demand": DEMAND}
CHART_VALUE = {"funnel": "value", "demand_mcs": "chose", "demand_months": "chose", "demand_stacks": "chose",
               "demand_competencies": "chose", "demand_subjects": "chose", "demand_grade_bands": "chose",
               "equity_locale": "started", "equity_title_i": "started", "equity_race_ethnicity": "started",
               "equity_gender": "started", "recognition": "educators", "close": "qualified", "cost": "educators",
               "cost_programs": "educators", "quality": "exact_agreement", "quality_assessors": "distance",
               "impact": "after"}


def shown_on(dashboard) -> tuple[str, ...]:
    return tuple(t for t in TABLES if dashboard.kind in ONLY.get(t, (dashboard.kind,)))


def layout(dashboard) -> dict[str, dict]:
    """name → {"title", "columns": [(key, heading)]} of the tables ``dashboard`` shows, in the reader's language."""
    counts = [("label", _("Group")), ("started", _("Started")), ("earned", _("Earned")), ("rate", _("Earned (%)"))]
    fees = [("educators", _("Educators")), ("fees", _("Fees")), ("earned", _("Micro-credentials earned")),
            ("per_earned", _("Fees per earned MC")), ("vouchers", _("Vouchers used"))]
    every = {
        "funnel": (_("Funnel: educators who started, submitted and earned"),
                   [("label", _("Stage")), ("value", _("Educators"))]),
        "times": (_("Rates and times"), [("label", _("Figure")), ("value", _("Value"))]),
        "demand_mcs": (_("Demand: micro-credentials chosen and finished"),
                       [("label", _("Micro-credential")), ("chose", _("Educators who started")),
                        ("finished", _("Educators who earned"))]),
        "demand_months": (_("Demand by month"), [("label", _("Month")), ("chose", _("Educators who started")),
                                                 ("finished", _("Educators who earned"))]),
        "demand_stacks": (_("Demand: stacks and pathways chosen and finished"),
                          [("label", _("Stack")), ("chose", _("Educators who started one of its MCs")),
                           ("finished", _("Educators who completed it")),
                           ("planned", _("Educators with it in a growth plan"))]),
        "demand_competencies": (_("Demand by competency (standards the MCs are aligned to)"),
                                [("label", _("Competency")), ("chose", _("Educators who started")),
                                 ("finished", _("Educators who earned"))]),
        "demand_subjects": (_("Demand by subject"), [("label", _("Subject")), ("chose", _("Educators who started")),
                                                     ("finished", _("Educators who earned"))]),
        "demand_grade_bands": (_("Demand by grade band"), [("label", _("Grade band")),
                                                           ("chose", _("Educators who started")),
                                                           ("finished", _("Educators who earned"))]),
        "equity_locale": (_("By school locale"), counts),
        "equity_title_i": (_("By Title I status of the school"), counts),
        "equity_race_ethnicity": (_("By race or ethnicity (self-reported, consented)"), counts),
        "equity_gender": (_("By gender (self-reported, consented)"), counts),
        "recognition": (_("Recognition awarded (active awards), by kind"),
                        [("label", _("Kind")), ("educators", _("Educators awarded")), ("amount", _("Total amount"))]),
        "close": (_("Recognition: educators qualifying or close to it, by policy"),
                  [("label", _("Policy")), ("educators", _("Educators evaluated")), ("qualified", _("Qualify")),
                   ("one_short", _("One requirement short")), ("close", _("Otherwise close (75% or more)"))]),
        "cost": (_("Assessment fees by who pays (ROI inputs)"), [("label", _("Paid by")), *fees]),
        "cost_programs": (_("Funding by sponsor and program (cohort)"), [("label", _("Paid by · program")), *fees]),
        "quality": (_("Assessor agreement by micro-credential and quarter"),
                    [("label", _("Micro-credential · quarter")), ("pairs", _("Double-scored criterion pairs")),
                     ("exact_agreement", _("Exact agreement (%)")), ("qwk", _("Quadratic weighted kappa")),
                     ("assessors", _("Assessors")),
                     ("largest_gap", _("Largest gap of an assessor from the pool mean (levels)"))]),
        "quality_assessors": (_("Drift: each assessor's mean level relative to the pool"),
                              [("label", _("Assessor (pseudonym) · micro-credential · quarter")),
                               ("scores", _("Criterion scores")), ("relative", _("Mean level minus the pool's (levels)")),
                               ("distance", _("Distance from the pool mean (levels)"))]),
        "impact": (_("Practice ratings before and after earning (opted-in organizations)"),
                   [("label", _("Micro-credential")), ("educators", _("Educators with both ratings")),
                    ("before", _("Mean rating before")), ("after", _("Mean rating after")), ("change", _("Change"))]),
    }
    return {name: {"title": every[name][0], "columns": every[name][1]} for name in shown_on(dashboard)}


def _demand_rows(d: dict) -> dict[str, list]:
    return {"demand_mcs": d["micro_credentials"], "demand_months": d["months"], "demand_stacks": d["stacks"],
            "demand_competencies": d["competencies"], "demand_subjects": d["subjects"],
            "demand_grade_bands": d["grade_bands"]}


def compute(dashboard, filters, *, slow: bool = False, progress=None, section: str | None = None) -> dict[str, list | None]:
    """name → rows of the tables ``dashboard`` shows; the slow ones are None unless ``slow`` (the snapshot task).
    ``progress(done, total)`` is called as sections finish (the snapshot's progress bar). ``section`` ("demand"):
    only that section's tables, computed alone (its own page)."""
    from . import insights

    if section in SECTIONS:
        return _demand_rows(selectors.demand(dashboard, filters))

    names = shown_on(dashboard)
    steps = 6 + (sum(1 for n in SLOW if n in names) if slow else 0)
    done = [0]

    def tick(n=1):
        done[0] += n
        if progress:
            progress(done[0], steps)

    f = selectors.funnel(dashboard, filters)
    tick()
    d = selectors.demand(dashboard, filters)
    tick()
    e = selectors.equity(dashboard, filters)
    tick()
    rows = {
        "funnel": f["stages"],
        "times": [
            {"label": _("“Not yet” decisions (%)"), "value": f["not_yet_rate"]},
            {"label": _("Educators who resubmitted (% of those who submitted)"), "value": f["resubmission_rate"]},
            {"label": _("Days to earn, median"), "value": f["time_to_earn_median"]},
            {"label": _("Days to earn, 90th percentile"), "value": f["time_to_earn_p90"]},
            {"label": _("Days from submission to decision, median"), "value": f["turnaround_median"]},
            {"label": _("Days from submission to decision, 90th percentile"), "value": f["turnaround_p90"]},
            {"label": _("Submissions waiting for assessment (backlog)"), "value": f["backlog"]}],
        **_demand_rows(d),
        "equity_locale": e["locale"]["rows"], "equity_title_i": e["title_i"]["rows"],
        "equity_race_ethnicity": e["race_ethnicity"]["rows"], "equity_gender": e["gender"]["rows"],
    }
    rows["recognition"] = selectors.recognition(dashboard, filters) if "recognition" in names else []
    tick()
    rows["cost"] = selectors.cost(dashboard, filters)
    tick()
    rows["cost_programs"] = selectors.cost_by_program(dashboard, filters)
    tick()
    rows.update({name: None for name in SLOW})
    if slow:
        if "quality" in names:
            rows["quality"], rows["quality_assessors"] = insights.assessor_quality(dashboard, filters)
            tick(2)
        if "close" in names:
            recognizers = selectors._subtree_ids(dashboard.organization) if dashboard.kind == "state" else None
            rows["close"] = insights.close_to_qualifying(dashboard, filters, selectors.educator_ids(dashboard, filters),
                                                         recognizers)
            tick()
        rows["impact"] = insights.impact(dashboard, filters, selectors.attempts(dashboard, filters).filter(state="earned"))
        tick()
    return {name: rows[name] for name in names}


def build(dashboard, filters, *, rows: dict | None = None, slow: bool = False, section: str | None = None) -> dict[str, dict]:
    """name → {"title", "columns": [(key, heading)], "rows": [dict] or None (a slow table not computed yet)}: from
    ``rows`` (a snapshot's) when given, else computed now; ``section``: only that section's tables."""
    rows = compute(dashboard, filters, slow=slow, section=section) if rows is None else rows
    names = SECTIONS.get(section)
    return {name: {**spec, "rows": rows.get(name)} for name, spec in layout(dashboard).items()
            if names is None or name in names}


def snapshot_for(dashboard, filters, language: str):
    """The dashboard's pre-aggregated snapshot for these filters and language (docs/decisions/0032), or None."""
    from .models import DashboardSnapshot

    return DashboardSnapshot.objects.filter(key=f"{dashboard.key}|{language}", filters=filters.signature()).first()


def computed_now() -> bool:
    """Whether a dashboard without a snapshot is computed while the reader waits: only on a platform small enough
    for that to take well under a second (settings.MICROCRED_ANALYTICS_LIVE_LIMIT attempts); at state scale a live
    computation takes minutes, so the page answers at once and offers to compute the figures in the background."""
    from django.conf import settings

    return selectors.platform_size() <= settings.MICROCRED_ANALYTICS_LIVE_LIMIT


def dashboard_tables(dashboard, filters, language: str, section: str | None = None) -> tuple[dict, object]:
    """(tables, snapshot): the snapshot's tables when one was built for these filters (one query, whatever the
    number of educators), else on a small platform the fast tables computed now with the slow ones not computed,
    and on a large one no table computed (rows None everywhere: "Refresh the figures" computes them in the
    background). ``section`` ("demand"): only that section's tables."""
    snapshot = snapshot_for(dashboard, filters, language)
    if snapshot is not None and snapshot.built_at is not None:
        return build(dashboard, filters, rows=snapshot.tables, section=section), snapshot
    if not computed_now():
        return build(dashboard, filters, rows={}, section=section), snapshot
    return build(dashboard, filters, section=section), snapshot
