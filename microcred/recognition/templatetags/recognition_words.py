"""Recognition amounts and outcome kinds in words ("$100", "renewal credit"), for templates."""
from django import template

from microcred.recognition import wording

register = template.Library()


@register.filter
def amount(value, unit):
    return "—" if value is None else wording.amount(value, unit or "")


@register.filter
def outcome_kind(kind):
    return wording.outcome_kind(kind or "")


@register.filter
def change_action(action):
    return wording.change_action(action or "")
