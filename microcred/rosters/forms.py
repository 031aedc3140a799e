from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ImportRun


class ImportForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=None, label=_("Organization"), empty_label=None)
    kind = forms.ChoiceField(choices=ImportRun.Kind.choices, label=_("What the file holds"),
                             help_text=_("A roster: a OneRoster bundle (.zip) or the simple CSV. Educator facts: the facts CSV."))
    file = forms.FileField(label=_("File"), help_text=_("A .zip OneRoster 1.1/1.2 bundle, or a .csv file (see the formats below)."))
    dry_run = forms.BooleanField(required=False, label=_("Dry run: report what would change, change nothing"))

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class SyncForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=None, label=_("Organization"), empty_label=None)
    folder = forms.CharField(required=False, max_length=500, label=_("Server folder"),
                             help_text=_("A folder on the server, inside one the operator allows."))
    url = forms.CharField(required=False, max_length=500, label=_("Or an https:// address of a .zip bundle"))
    every_hours = forms.IntegerField(min_value=1, max_value=744, initial=24, label=_("Every (hours)"))
    enabled = forms.BooleanField(required=False, initial=True, label=_("Enabled"))

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
