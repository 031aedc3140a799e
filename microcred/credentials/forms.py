"""Forms of the credentials pages: revoke, suspend and lift a suspension, visibility, import."""
from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext, gettext_lazy as _

from .models import IssuedCredential
from .verify import MAX_BYTES


class RevokeForm(forms.Form):
    reason = forms.CharField(max_length=500, strip=True, widget=forms.Textarea(attrs={"rows": 2}),
                             label=_("Reason for revoking"),
                             help_text=_("Required. The earner and anyone checking the credential will see it."))
    # The confirmation step (decision 0019): a revocation is final, so the first POST shows what will happen.
    confirmed = forms.CharField(required=False, widget=forms.HiddenInput)


class SuspendForm(forms.Form):
    reason = forms.CharField(max_length=500, strip=True, widget=forms.Textarea(attrs={"rows": 2}),
                             label=_("Reason"),
                             help_text=_("Required. The earner sees it; verifiers see the credential as suspended "
                                         "until you lift the suspension."))


class UnsuspendForm(forms.Form):
    reason = forms.CharField(max_length=500, strip=True, widget=forms.Textarea(attrs={"rows": 2}),
                             label=_("Reason for lifting the suspension"),
                             help_text=_("Required. Kept in the audit trail."))


class VisibilityForm(forms.Form):
    visibility = forms.ChoiceField(choices=IssuedCredential.Visibility.choices, label=_("Who can see it"))

    def __init__(self, *args, title: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # One select per table row: its accessible name says which credential it is for.
        self.fields["visibility"].widget.attrs["aria-label"] = (
            gettext("Who can see “%(title)s”") % {"title": title} if title else gettext("Who can see it"))


class ImportForm(forms.Form):
    """A credential as a JSON file or pasted text/VC-JWT. No key document: one from the person importing would
    vouch for nothing (the issuer's keys come from this platform's registry of known issuers, or a did:key)."""

    document = forms.FileField(required=False, label=_("Credential file (JSON, VC-JWT, signed badge, or a badge image PNG/SVG)"))
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), label=_("…or paste it (JSON, VC-JWT or signed badge)"),
                           max_length=MAX_BYTES)

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if upload and upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than %(size)s bytes (2 MB).") % {"size": f"{MAX_BYTES:,}"})
        return upload

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("document") and not (cleaned.get("text") or "").strip():
            raise forms.ValidationError(_("Choose a file or paste the credential."))
        return cleaned

    def document_bytes(self) -> bytes:
        upload = self.cleaned_data.get("document")
        if upload:
            upload.seek(0)
            return upload.read(MAX_BYTES + 1)
        return self.cleaned_data["text"].strip().encode("utf-8")


class KnownIssuerForm(forms.Form):
    """Register an external issuer as known: its id, name, and the key or controller document obtained from it."""

    identifier = forms.CharField(max_length=1000, label=_("Issuer id"),
                                 help_text=_("Exactly as its credentials name it: an https URL, a did:web or a did:key."))
    name = forms.CharField(max_length=300, label=_("Name"))
    key_documents = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}),
                                    label=_("Key or controller document (JSON)"), max_length=256 * 1024,
                                    help_text=_("The issuer's controller, DID or key document, as you obtained it from "
                                                "the issuer itself. Not needed for a did:key."))
    note = forms.CharField(required=False, max_length=500, label=_("How you obtained the keys"),
                           help_text=_("Kept in the audit trail, e.g. “from the issuer's website, checked by phone”."))

    def clean_key_documents(self):
        text = (self.cleaned_data.get("key_documents") or "").strip()
        if not text:
            return []
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            raise forms.ValidationError(_("The key document is not JSON.")) from None


class IssuedSearchForm(forms.Form):
    """Filters of the issuer's list of issued credentials (GET)."""

    q = forms.CharField(required=False, max_length=100, label=_("Earner (name or e-mail)"))
    micro_credential = forms.ChoiceField(required=False, label=_("Micro-credential"))
    state = forms.ChoiceField(required=False, label=_("State"), choices=[
        ("", _("Any")), ("active", _("Active")), ("suspended", _("Suspended")), ("revoked", _("Revoked"))])
    issued_from = forms.DateField(required=False, label=_("Issued from"), widget=forms.DateInput(attrs={"type": "date"}))
    issued_to = forms.DateField(required=False, label=_("Issued until"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, micro_credentials=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["micro_credential"].choices = [("", _("Any"))] + list(micro_credentials)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("issued_from"), cleaned.get("issued_to")
        if start and end and start > end:
            self.add_error("issued_to", _("The end date is before the start date."))
        return cleaned
