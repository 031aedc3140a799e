from django import forms


class SubmitForm(forms.Form):
    note_to_assessor = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000,
                                       label="Note to the assessor (optional)",
                                       help_text="When resubmitting: what you changed and why.")


class UploadForm(forms.Form):
    file = forms.FileField()


class CoachCommentForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label="Comment")


class CoachConversationForm(forms.Form):
    held_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Conversation held on")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000)


class VoucherForm(forms.Form):
    code = forms.CharField(max_length=40, label="Sponsor voucher code")
