from django import forms
from django.utils.translation import gettext_lazy as _


class SubmitForm(forms.Form):
    note_to_assessor = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000,
                                       label=_("Note to the assessor (optional)"),
                                       help_text=_("When resubmitting: what you changed and why."))


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))


class CoachCommentForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label=_("Comment"))


class CoachConversationForm(forms.Form):
    held_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label=_("Conversation held on"))
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000, label=_("Note"))


class VoucherForm(forms.Form):
    code = forms.CharField(max_length=40, label=_("Sponsor voucher code"))
