"""One's own personal data: "download my data" and account deletion. Thin: parse, call privacy.*, render."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from microcred.core.object_storage import download_response

from . import policy, privacy
from .tasks import build_personal_data_export
from .models import DeletionRequest, PersonalDataExport


class DeletionRequestForm(forms.Form):
    password = forms.CharField(label=gettext_lazy("Your current password"), strip=False, max_length=4096,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    reason = forms.CharField(label=gettext_lazy("Why are you leaving? (optional)"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))


@never_cache
@login_required
def personal_data(request):
    """Your data downloads (newest first) and "Prepare a download of my data" (POST)."""
    if request.method == "POST":
        try:
            export = privacy.request_export(user=request.user, by=request.user)
            transaction.on_commit(lambda: build_personal_data_export.enqueue(export_id=str(export.pk)))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("We are preparing your data. You will get a notice when it is ready to download."))
        return redirect("accounts:personal_data")
    exports = PersonalDataExport.objects.filter(user=request.user)[:10]
    return render(request, "accounts/personal_data.html", {"exports": exports, "days": privacy.export_days()})


@never_cache
@login_required
@require_safe
def personal_data_download(request, export_id):
    try:
        export = privacy.export_for_download(user=request.user, export_id=export_id)
    except PermissionDenied:
        raise Http404("No such download.") from None
    except ValidationError as error:
        return render(request, "core/error.html", {"title": _("Download not available"),
                                                   "message": " ".join(error.messages)}, status=410)
    filename = f"microcred-my-data-{export.ready_at:%Y-%m-%d}.zip"
    try:
        # Streamed from local storage; on S3 a redirect to a presigned URL that expires within a minute.
        return download_response(export.storage_name, filename=filename, content_type="application/zip")
    except OSError:
        return render(request, "core/error.html", {"title": _("Download not available"),
                                                   "message": _("The file is missing. Ask for your data again.")}, status=410)


@never_cache
@login_required
def delete_account(request):
    """Ask for one's account to be deleted (password re-entry), or cancel a waiting request."""
    user = request.user
    open_request = privacy.open_deletion_request(user)
    form = DeletionRequestForm(request.POST if request.method == "POST" and request.POST.get("action") == "request" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "cancel" and open_request is not None and policy.can_cancel_deletion(user, open_request):
            privacy.cancel_deletion(deletion_request=open_request, by=user)
            messages.success(request, _("Your deletion request was cancelled. Your account stays."))
            return redirect("accounts:delete_account")
        if action == "request" and form.is_valid():
            try:
                privacy.request_deletion(user=user, by=user, password=form.cleaned_data["password"],
                                         reason=form.cleaned_data["reason"])
            except ValidationError as error:
                for field, texts in getattr(error, "message_dict", {None: error.messages}).items():
                    for text in texts:
                        form.add_error(field if field in form.fields else None, text)
            else:
                messages.success(request, _("Your request was recorded."))
                return redirect("accounts:delete_account")
        elif action not in ("request", "cancel"):
            messages.error(request, _("Unknown action."))
    return render(request, "accounts/delete_account.html", {
        "form": form, "open_request": open_request, "blockers": policy.deletion_blockers(user),
        "grace_days": privacy.deletion_grace_days(),
        "history": DeletionRequest.objects.filter(user=user).exclude(state=DeletionRequest.State.REQUESTED)[:5],
    }, status=400 if form.errors else 200)
