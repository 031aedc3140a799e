"""The quality framework as data: criteria, indicators, rating levels and the source of each criterion.

The framework ships as ``data/framework-<n>.json`` in this package (docs/decisions/0023-quality-framework-as-data.md).
Adopting a revised framework stores a new ``QualityFramework`` row; each review keeps the one it was rated against.
``validate(data)`` is the one check of a framework document's shape (the shipped file and any revision pass it).
No Django models here: plain data in, plain data (or ValueError with the reasons) out.
"""
from __future__ import annotations

import json
from pathlib import Path

from django.utils.translation import gettext as _

DATA = Path(__file__).parent / "data"
MAX_CRITERIA, MAX_TEXT, MAX_ITEMS = 30, 2000, 20


def shipped(number: int = 1) -> dict:
    """The framework document shipped with the package (``data/framework-<number>.json``)."""
    return json.loads((DATA / f"framework-{int(number)}.json").read_text(encoding="utf-8"))


def _text(value, where: str, problems: list[str], *, required: bool = True) -> str:
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append(_("%(where)s must be a non-empty text.") % {"where": where})
        return ""
    if len(value) > MAX_TEXT:
        problems.append(_("%(where)s is longer than %(max)s characters.") % {"where": where, "max": MAX_TEXT})
    return value


def validate(data) -> dict:
    """Return ``data`` if it is a well-formed framework document, else raise ValueError(list of reasons)."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise ValueError([_("The framework must be a JSON object.")])
    _text(data.get("title"), _("The title"), problems)
    levels = data.get("levels")
    if not isinstance(levels, list) or not 2 <= len(levels) <= 10:
        problems.append(_("The framework needs between 2 and 10 rating levels."))
        levels = []
    for i, level in enumerate(levels):
        if not isinstance(level, dict) or level.get("value") != i:
            problems.append(_("Rating level %(n)s must have the value %(n)s (levels are listed from lowest to highest).") % {"n": i})
            continue
        _text(level.get("name"), _("The name of rating level %(n)s") % {"n": i}, problems)
    rule = data.get("outcome_rule") or {}
    top = len(levels) - 1
    for key in ("approve_at_least", "conditions_at_least"):
        if not isinstance(rule.get(key), int) or isinstance(rule.get(key), bool) or not 0 <= rule.get(key, -1) <= max(top, 0):
            problems.append(_("The outcome rule's “%(key)s” must be one of the rating levels.") % {"key": key})
    if not problems and rule["conditions_at_least"] > rule["approve_at_least"]:
        problems.append(_("The level for approval with conditions cannot be above the level for approval."))
    sources = data.get("sources")
    if not isinstance(sources, dict) or not sources:
        problems.append(_("The framework must name its sources."))
        sources = {}
    criteria = data.get("criteria")
    if not isinstance(criteria, list) or not 1 <= len(criteria) <= MAX_CRITERIA:
        problems.append(_("The framework needs between 1 and %(max)s criteria.") % {"max": MAX_CRITERIA})
        criteria = []
    keys = set()
    for i, criterion in enumerate(criteria, start=1):
        if not isinstance(criterion, dict):
            problems.append(_("Criterion %(n)s must be an object.") % {"n": i})
            continue
        key = criterion.get("key")
        if not isinstance(key, str) or not key.isidentifier() or len(key) > 40:
            problems.append(_("Criterion %(n)s needs a short key (letters, digits and _).") % {"n": i})
        elif key in keys:
            problems.append(_("Two criteria have the key “%(key)s”.") % {"key": key})
        keys.add(key)
        _text(criterion.get("title"), _("The title of criterion %(n)s") % {"n": i}, problems)
        indicators = criterion.get("indicators")
        if not isinstance(indicators, list) or not 1 <= len(indicators) <= MAX_ITEMS:
            problems.append(_("Criterion %(n)s needs between 1 and %(max)s indicators.") % {"n": i, "max": MAX_ITEMS})
        else:
            for indicator in indicators:
                _text(indicator, _("An indicator of criterion %(n)s") % {"n": i}, problems)
        cited = criterion.get("sources")
        if not isinstance(cited, list) or not cited:
            problems.append(_("Criterion %(n)s must cite at least one source.") % {"n": i})
        else:
            for source in cited:
                if not isinstance(source, dict) or source.get("source") not in sources:
                    problems.append(_("Criterion %(n)s cites a source the framework does not name.") % {"n": i})
                else:
                    _text(source.get("quote"), _("A quotation of criterion %(n)s") % {"n": i}, problems)
    if problems:
        raise ValueError(problems)
    return data


def criteria_keys(data: dict) -> list[str]:
    return [c["key"] for c in data["criteria"]]


def level_names(data: dict) -> dict[int, str]:
    return {level["value"]: level["name"] for level in data["levels"]}


def allowed_outcome(data: dict, levels: dict[str, int]) -> str:
    """The best outcome the framework's rule allows for reconciled ``levels`` {criterion key: level}."""
    rule = data["outcome_rule"]
    values = [levels[k] for k in criteria_keys(data)]
    if all(v >= rule["approve_at_least"] for v in values):
        return "approved"
    if all(v >= rule["conditions_at_least"] for v in values):
        return "approved_with_conditions"
    return "revise"
