from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import LicensureFeed
from . import services


class FeedForm(forms.Form):
    recognizer = forms.ModelChoiceField(label=_("Recognizer"), queryset=None, empty_label=None)
    name = forms.CharField(label=_("Name"), max_length=services.MAX_NAME,
                           help_text=_("For your colleagues, e.g. “Renewal system, nightly”."))
    mapping = forms.CharField(label=_("Column mapping"), widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
                              max_length=10000,
                              help_text=_("One output column per line, in order: “Column name = award field”, e.g. "
                                          "“LicenseNo = license_number”."))
    format = forms.ChoiceField(label=_("Format"), choices=LicensureFeed.Format.choices, widget=forms.RadioSelect)
    schedule = forms.ChoiceField(label=_("Schedule"), choices=LicensureFeed.Schedule.choices, widget=forms.RadioSelect)
    destination = forms.ChoiceField(label=_("Destination"), choices=LicensureFeed.Destination.choices, widget=forms.RadioSelect)
    folder = forms.CharField(label=_("Folder"), max_length=services.MAX_FOLDER, required=False,
                             help_text=_("Inside the server's feeds folder, e.g. renewals/daily."))
    url = forms.CharField(label=_("Endpoint address"), max_length=500, required=False,
                          widget=forms.URLInput(attrs={"placeholder": "https://licensure.example.gov/intake"}),
                          help_text=_("https:// only; each run is posted there."))
    sign = forms.BooleanField(label=_("Sign each sending (HMAC, Standard Webhooks headers)"), required=False)

    def __init__(self, *args, recognizers, feed=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recognizer"].queryset = recognizers
        if feed is not None:
            self.fields["recognizer"].disabled = True
            del self.fields["sign"]

    def clean_mapping(self):
        try:
            return services.parse_mapping(self.cleaned_data["mapping"])
        except ValidationError as error:
            raise ValidationError(error.messages) from error
