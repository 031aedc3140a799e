"""{% sso_sign_in %}: the "Sign in with …" buttons of the login page (for ?org=<slug>), and the form that finds an
organization's sign-in by e-mail domain. The login template of accounts loads it (a template, not an import)."""
from django import template

from .. import selectors
from ..forms import FindOrganizationForm

register = template.Library()


@register.inclusion_tag("sso/_sign_in.html", takes_context=True)
def sso_sign_in(context):
    request = context.get("request")
    org = request.GET.get("org", "")[:80] if request is not None else ""
    return {"providers": selectors.enabled_for_organization(org) if org else [], "next": context.get("next", ""),
            "find_form": FindOrganizationForm()}
