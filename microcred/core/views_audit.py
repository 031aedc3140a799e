"""The audit trail for platform admins: a filterable, paginated page and CSV / JSON export of the same selection."""
from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from . import audit

PAGE_SIZE = 50
VIA_CHOICES = [("", _l("Any")), ("web", _l("Web page")), ("api", "API"), ("command", _l("Command")),
               ("task", _l("Background task"))]


class AuditFilterForm(forms.Form):
    actor = forms.CharField(required=False, max_length=150, label=_l("Who"), help_text=_l("Username, or “system” for automatic changes."))
    action = forms.CharField(required=False, max_length=80, label=_l("Action"),
                             help_text=_l("An action (credential.revoked) or a prefix ending in a dot (credential.)."))
    target_type = forms.ChoiceField(required=False, label=_l("Target type"))
    target_id = forms.CharField(required=False, max_length=64, label=_l("Target id"))
    via = forms.ChoiceField(required=False, choices=VIA_CHOICES, label=_l("From"))
    since = forms.DateField(required=False, label=_l("From date"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label=_l("To date (inclusive)"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_type"].choices = [("", _("Any"))] + [(t, t) for t in audit.target_types()]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("The “from” date is after the “to” date."))
        return data

    def filters(self) -> dict:
        """Keyword arguments for :func:`audit.events`; dates are whole days in the site's time zone."""
        data = self.cleaned_data
        tz = timezone.get_current_timezone()
        day = lambda d: dt.datetime.combine(d, dt.time.min, tzinfo=tz)  # noqa: E731
        return {
            "actor": data.get("actor", "").strip(),
            "action": data.get("action", "").strip(),
            "target_type": data.get("target_type", ""),
            "target_id": data.get("target_id", "").strip(),
            "via": data.get("via", ""),
            "since": day(data["since"]) if data.get("since") else None,
            "until": day(data["until"] + dt.timedelta(days=1)) if data.get("until") else None,
        }


def _require_platform_admin(request) -> None:
    # The audit trail names every person and what they did: platform admins only (not issuer or org admins).
    # core sits below accounts, so it asks through Django's permission API, answered by accounts.policy.
    if not request.user.has_perm("core.view_audit_trail"):
        raise PermissionDenied(_("Only platform administrators can see the audit trail."))


@never_cache
@require_GET
@login_required
def audit_trail(request):
    _require_platform_admin(request)
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "core/audit.html", {"form": form, "page": None, "query": ""}, status=400)
    qs = audit.events(**form.filters()) if form.is_bound else audit.events()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/audit.html", {"form": form, "page": page, "query": query.urlencode()})


@never_cache
@require_GET
@login_required
def audit_export(request):
    """The filtered trail as CSV (formula-safe) or JSON, streamed."""
    _require_platform_admin(request)
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "core/audit.html", {"form": form, "page": None, "query": ""}, status=400)
    fmt = request.GET.get("format", "csv")
    qs = audit.events(**form.filters())
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    if fmt == "json":
        response = StreamingHttpResponse(audit.json_array_chunks(qs), content_type="application/json")
    elif fmt == "csv":
        response = StreamingHttpResponse(audit.csv_lines(qs), content_type="text/csv; charset=utf-8")
    else:
        form.add_error(None, _("Export format must be csv or json."))
        return render(request, "core/audit.html", {"form": form, "page": None, "query": ""}, status=400)
    response["Content-Disposition"] = f'attachment; filename="microcred-audit-{stamp}.{fmt}"'
    return response
