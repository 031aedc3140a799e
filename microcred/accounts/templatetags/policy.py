"""Ask the authorization policy from a template: ``{% load policy %}{% may "can_edit" mc as editable %}``.

Only the rules the policy module exports (``policy.__all__``) can be asked; the person is the request's user.
Views usually pass the answers they already computed; the tag is for templates shared by many views."""
from django import template

from microcred.accounts import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, rule: str, *args) -> bool:
    if rule not in policy.__all__ or rule == "remember":
        raise template.TemplateSyntaxError(f"{rule!r} is not a rule of accounts/policy.py")
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return bool(getattr(policy, rule)(user, *args))
