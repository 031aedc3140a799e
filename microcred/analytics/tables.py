"""The tables of a dashboard (the same rows the charts draw), for the page, the CSV download and the API alike:
every number already suppressed by selectors."""
from __future__ import annotations

from django.utils.translation import gettext as _

from . import selectors

TABLES = ("funnel", "times", "demand_mcs", "demand_months", "demand_stacks", "equity_locale", "equity_title_i",
          "equity_race_ethnicity", "equity_gender", "recognition", "cost")


def build(dashboard, filters) -> dict[str, dict]:
    """name → {"title", "columns": [(key, heading)], "rows": [dict]}."""
    f = selectors.funnel(dashboard, filters)
    d = selectors.demand(dashboard, filters)
    e = selectors.equity(dashboard, filters)
    awards = selectors.recognition(dashboard, filters)
    fees = selectors.cost(dashboard, filters)
    counts = [("label", _("Group")), ("started", _("Started")), ("earned", _("Earned")), ("rate", _("Earned (%)"))]
    tables = {
        "funnel": {"title": _("Funnel: educators who started, submitted and earned"),
                   "columns": [("label", _("Stage")), ("value", _("Educators"))], "rows": f["stages"]},
        "times": {"title": _("Rates and times"), "columns": [("label", _("Figure")), ("value", _("Value"))], "rows": [
            {"label": _("“Not yet” decisions (%)"), "value": f["not_yet_rate"]},
            {"label": _("Educators who resubmitted (% of those who submitted)"), "value": f["resubmission_rate"]},
            {"label": _("Days to earn, median"), "value": f["time_to_earn_median"]},
            {"label": _("Days to earn, 90th percentile"), "value": f["time_to_earn_p90"]},
            {"label": _("Days from submission to decision, median"), "value": f["turnaround_median"]},
            {"label": _("Days from submission to decision, 90th percentile"), "value": f["turnaround_p90"]},
            {"label": _("Submissions waiting for assessment (backlog)"), "value": f["backlog"]}]},
        "demand_mcs": {"title": _("Demand: micro-credentials chosen and finished"),
                       "columns": [("label", _("Micro-credential")), ("chose", _("Educators who started")),
                                   ("finished", _("Educators who earned"))], "rows": d["micro_credentials"]},
        "demand_months": {"title": _("Demand by month"),
                          "columns": [("label", _("Month")), ("chose", _("Educators who started")),
                                      ("finished", _("Educators who earned"))], "rows": d["months"]},
        "demand_stacks": {"title": _("Stacks chosen in growth plans"),
                          "columns": [("label", _("Stack")), ("chose", _("Educators"))], "rows": d["stacks"]},
        "equity_locale": {"title": _("By school locale"), "columns": counts, "rows": e["locale"]["rows"]},
        "equity_title_i": {"title": _("By Title I status of the school"), "columns": counts, "rows": e["title_i"]["rows"]},
        "equity_race_ethnicity": {"title": _("By race or ethnicity (self-reported, consented)"), "columns": counts,
                                  "rows": e["race_ethnicity"]["rows"]},
        "equity_gender": {"title": _("By gender (self-reported, consented)"), "columns": counts,
                          "rows": e["gender"]["rows"]},
        "recognition": {"title": _("Recognition awarded (active awards), by kind"),
                        "columns": [("label", _("Kind")), ("educators", _("Educators awarded")), ("amount", _("Total amount"))],
                        "rows": awards},
        "cost": {"title": _("Assessment fees by who pays (ROI inputs)"),
                 "columns": [("label", _("Paid by")), ("educators", _("Educators")), ("fees", _("Fees")),
                             ("earned", _("Micro-credentials earned")), ("per_earned", _("Fees per earned MC")),
                             ("vouchers", _("Vouchers used"))], "rows": fees},
    }
    return tables


CHART_VALUE = {"funnel": "value", "demand_mcs": "chose", "demand_months": "chose", "demand_stacks": "chose",
               "equity_locale": "started", "equity_title_i": "started", "equity_race_ethnicity": "started",
               "equity_gender": "started", "recognition": "educators", "cost": "educators"}
