"""The passing rule of a rubric: the one place that decides whether scored levels pass."""
from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from .models import Rubric


def rubric_passes(*, rule: str, passing_level: int, min_criteria: int | None, levels: Mapping[object, int], criteria: list) -> bool:
    """True when the levels given per criterion meet the rule.

    `levels` maps each criterion key to the index (0 = lowest) of the level awarded; every criterion
    in `criteria` must be scored, otherwise the result cannot pass.
    """
    try:
        awarded = [levels[c] for c in criteria]
    except KeyError:
        return False
    if not awarded:
        return False
    at_or_above = sum(1 for level in awarded if level >= passing_level)
    if rule == Rubric.PassingRule.ALL_AT_LEAST:
        return at_or_above == len(awarded)
    if rule == Rubric.PassingRule.N_AT_LEAST:
        return at_or_above >= (min_criteria or len(awarded)) and min(awarded) > 0
    raise ValueError(f"Unknown passing rule: {rule}")


def passes(rubric: Rubric, levels: Mapping[int, int]) -> bool:
    """Whether a rubric passes with `levels` = {criterion_id: level index}."""
    criteria = [c.pk for c in rubric.criteria.all()]
    return rubric_passes(rule=rubric.passing_rule, passing_level=rubric.passing_level,
                         min_criteria=rubric.min_criteria, levels=levels, criteria=criteria)


def describe_rule(rubric: Rubric) -> str:
    """The passing rule in words, as earners and assessors read it."""
    levels = [lvl.name for lvl in rubric.levels.all()]
    level_name = levels[rubric.passing_level] if rubric.passing_level < len(levels) else _("level %(n)s") % {"n": rubric.passing_level}
    if rubric.passing_rule == Rubric.PassingRule.N_AT_LEAST:
        return (_("At least %(n)s criteria at “%(level)s” or above, and none at “%(lowest)s”.")
                % {"n": rubric.min_criteria, "level": level_name, "lowest": levels[0] if levels else _("the lowest level")})
    return _("Every criterion at “%(level)s” or above.") % {"level": level_name}
