from django import template
from django.urls import reverse

register = template.Library()


@register.filter
def get_item(row, key):
    return row.get(key) if hasattr(row, "get") else None


@register.simple_tag
def csv_url(board, table) -> str:
    if board.organization is None:
        return reverse("analytics:platform_csv", kwargs={"table": table})
    return reverse("analytics:dashboard_csv", kwargs={"kind": board.kind, "slug": board.organization.slug, "table": table})


@register.simple_tag
def section_url(board, section="") -> str:
    """The dashboard's page (``section`` empty) or one section's own page ("demand")."""
    if board.organization is None:
        return reverse("analytics:platform_demand" if section else "analytics:platform")
    kwargs = {"kind": board.kind, "slug": board.organization.slug}
    return reverse("analytics:dashboard_demand" if section else "analytics:dashboard", kwargs=kwargs)
