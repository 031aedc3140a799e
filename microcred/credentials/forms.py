"""Forms of the credentials pages: revoke, suspend and lift a suspension, visibility, import."""
from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import IssuedCredential
from .verify import MAX_BYTES


class RevokeForm(forms.Form):
    reason = forms.CharField(max_length=500, strip=True, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Required. The earner and anyone checking the credential will see it.")


class SuspendForm(forms.Form):
    reason = forms.CharField(max_length=500, strip=True, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Required. The earner sees it; verifiers see the credential as suspended "
                                       "until you lift the suspension.")


class UnsuspendForm(forms.Form):
    reason = forms.CharField(max_length=500, strip=True, widget=forms.Textarea(attrs={"rows": 2}),
                             label="Reason for lifting the suspension",
                             help_text="Required. Kept in the audit trail.")


class VisibilityForm(forms.Form):
    visibility = forms.ChoiceField(choices=IssuedCredential.Visibility.choices, label="Who can see it")


class ImportForm(forms.Form):
    """A credential as a JSON file or pasted text/VC-JWT, and optionally the issuer's key document(s)."""

    document = forms.FileField(required=False, label=_("Credential file (JSON, VC-JWT, signed badge, or a badge image PNG/SVG)"))
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), label=_("…or paste it (JSON, VC-JWT or signed badge)"),
                           max_length=MAX_BYTES)
    key_document = forms.FileField(required=False, label="Key or controller document (optional JSON)",
                                   help_text="Nothing is fetched from the internet: if the issuer's key is not a did:key, "
                                             "upload its controller or key document.")

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if upload and upload.size > MAX_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_BYTES:,} bytes (2 MB).")
        return upload

    def clean_key_document(self):
        upload = self.cleaned_data.get("key_document")
        if not upload:
            return None
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"The key document is larger than {MAX_BYTES:,} bytes (2 MB).")
        try:
            return json.loads(upload.read().decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise forms.ValidationError("The key document is not JSON.") from None

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("document") and not (cleaned.get("text") or "").strip():
            raise forms.ValidationError("Choose a file or paste the credential.")
        documents = cleaned.get("key_document")
        cleaned["key_documents"] = documents if isinstance(documents, list) else ([documents] if documents else None)
        return cleaned

    def document_bytes(self) -> bytes:
        upload = self.cleaned_data.get("document")
        if upload:
            upload.seek(0)
            return upload.read(MAX_BYTES + 1)
        return self.cleaned_data["text"].strip().encode("utf-8")
