"""Forms of the growth-plan, priorities and sponsorship pages. They parse input; the services decide."""
from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from microcred.accounts.models import Organization, User
from microcred.catalog.models import MicroCredential, Stack

from .plans import MAX_GOALS, MAX_NOTE, MAX_REASON, NOT_A_SUPERVISOR


class _EnglishOptions:
    """The options are MC titles, written in English: say so to screen readers and translators (lang="en")."""

    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        if option["value"] not in ("", None):
            option["attrs"]["lang"] = "en"
        return option


class _EnglishSelect(_EnglishOptions, forms.Select):
    pass


class _EnglishSelectMultiple(_EnglishOptions, forms.SelectMultiple):
    pass


class _MicroCredentialChoice(forms.ModelChoiceField):
    widget = _EnglishSelect

    def label_from_instance(self, obj):
        return obj.current_version.title if obj.current_version_id else obj.slug


class _MicroCredentialMultipleChoice(forms.ModelMultipleChoiceField):
    widget = _EnglishSelectMultiple

    def label_from_instance(self, obj):
        return obj.current_version.title if obj.current_version_id else obj.slug


def _by_title(qs):
    return qs.select_related("current_version").order_by("current_version__title")


class GoalsForm(forms.Form):
    goals = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=MAX_GOALS,
                            label=_("Goals"),
                            error_messages={"max_length": format_lazy(_("Keep your goals under {limit} characters (they have %(show_value)s)."),
                                                                      limit=f"{MAX_GOALS:,}")},
                            help_text=format_lazy(_("What you want to grow in this year (up to {limit} characters)."), limit=f"{MAX_GOALS:,}"))


class ProposeItemForm(forms.Form):
    """Choose one MC or one stack from what the earner can see in the catalog."""

    micro_credential = _MicroCredentialChoice(queryset=MicroCredential.objects.none(), required=False, label=_("Micro-credential"),
                                              to_field_name="slug")
    stack = forms.ModelChoiceField(queryset=Stack.objects.none(), required=False, label=_("or a stack"), to_field_name="slug")
    note = forms.CharField(required=False, max_length=MAX_NOTE, label=_("Note (optional)"),
                           widget=forms.TextInput(attrs={"placeholder": _("Why this one?")}))

    def __init__(self, *args, micro_credentials=None, stacks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["micro_credential"].queryset = _by_title(micro_credentials) if micro_credentials is not None else MicroCredential.objects.none()
        self.fields["stack"].queryset = stacks.order_by("title") if stacks is not None else Stack.objects.none()

    def clean(self):
        data = super().clean()
        if not self.errors and bool(data.get("micro_credential")) == bool(data.get("stack")):
            raise forms.ValidationError(_("Choose one micro-credential or one stack."))
        return data


class SupervisorForm(forms.Form):
    """A username looked up only among the people who may supervise this earner (their organizations' members):
    any other name, existing or not, gets the same answer and is never shown or notified."""

    supervisor = forms.CharField(required=False, max_length=150, label=_("Supervisor’s username"),
                               help_text=_("Your principal or supervisor, someone of your school or district, who may "
                                           "suggest and approve items. Leave empty to remove."))

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates if candidates is not None else User.objects.none()

    def clean_supervisor(self):
        username = self.cleaned_data["supervisor"].strip()
        if not username:
            return None
        user = self.candidates.filter(username__iexact=username).first()
        if user is None:
            raise forms.ValidationError(NOT_A_SUPERVISOR)
        return user


class PriorityForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), to_field_name="slug", label=_("Organization"))
    micro_credential = _MicroCredentialChoice(queryset=MicroCredential.objects.none(), label=_("Micro-credential"), to_field_name="slug")
    reason = forms.CharField(required=False, max_length=MAX_REASON, label=_("Reason"),
                             help_text=_("Shown to your educators, e.g. “Most common growth area on our evaluation rubric”."))

    def __init__(self, *args, organizations=None, micro_credentials=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations if organizations is not None else Organization.objects.none()
        if self.fields["organization"].queryset.count() == 1:
            self.fields["organization"].empty_label = None
        self.fields["micro_credential"].queryset = _by_title(micro_credentials) if micro_credentials is not None else MicroCredential.objects.none()


class VoucherForm(forms.Form):
    sponsor = forms.ModelChoiceField(queryset=Organization.objects.none(), to_field_name="slug", label=_("Paid by"))
    code = forms.CharField(required=False, max_length=40, label=_("Code"),
                           help_text=_("Letters, digits and hyphens, 4–40 characters. Leave empty to generate one."))
    automatic_for_members = forms.BooleanField(required=False, label=_("Apply automatically to our members (no code needed)"))
    micro_credentials = _MicroCredentialMultipleChoice(queryset=MicroCredential.objects.none(), required=False, to_field_name="slug",
                                                       label=_("Only for these micro-credentials"),
                                                       help_text=_("Leave empty for any micro-credential."),
                                                       widget=_EnglishSelectMultiple(attrs={"size": 6}))
    max_uses = forms.IntegerField(required=False, min_value=1, max_value=1_000_000, label=_("Maximum uses"),
                                  help_text=_("Leave empty for no limit."))
    expires_on = forms.DateField(required=False, label=_("Expires on"), widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("The voucher works until the end of this day."))

    def __init__(self, *args, organizations=None, micro_credentials=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sponsor"].queryset = organizations if organizations is not None else Organization.objects.none()
        if self.fields["sponsor"].queryset.count() == 1:
            self.fields["sponsor"].empty_label = None
        self.fields["micro_credentials"].queryset = _by_title(micro_credentials) if micro_credentials is not None else MicroCredential.objects.none()

    def expires_at(self):
        day = self.cleaned_data.get("expires_on")
        if not day:
            return None
        return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)) - dt.timedelta(microseconds=1)
