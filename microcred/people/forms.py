"""Forms of the people pages: they parse and bound the input; the services decide what is allowed."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from microcred.accounts.models import Role, User

from . import selectors


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name, username or e-mail"), required=False, max_length=selectors.MAX_QUERY,
                        error_messages={"max_length": _("Keep the search under %(limit_value)d characters.")})
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=None, required=False, empty_label=_("All your organizations"))
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("Any role")), *Role.choices])
    status = forms.ChoiceField(label=_("Account"), required=False,
                               choices=[("", _("Active or deactivated")), ("active", _("Active")), ("inactive", _("Deactivated"))])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = selectors.managed_organizations(user)

    def clean_q(self):
        try:
            selectors.search_terms(self.cleaned_data["q"])
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["q"]) from None
        return self.cleaned_data["q"]


class RoleForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=None)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    action = forms.ChoiceField(choices=[("grant", _("Give")), ("revoke", _("Take away"))], initial="grant", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = selectors.managed_organizations(user)


class CoachForm(forms.Form):
    coach = forms.ModelChoiceField(label=_("Coach"), queryset=None, error_messages={
        "invalid_choice": _("Choose a coach from the list.")})
    action = forms.ChoiceField(choices=[("assign", _("Assign")), ("unassign", _("End"))], initial="assign", required=False)

    def __init__(self, *args, page: dict, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [p.pk for p in page["coach_candidates"]] + [c["assignment"].coach_id for c in page["coaches"]]
        self.fields["coach"].queryset = User.objects.filter(pk__in=ids)


class CohortForm(forms.Form):
    cohort = forms.ChoiceField(label=_("Cohort"), choices=(), error_messages={"invalid_choice": _("Choose a cohort from the list.")})
    action = forms.ChoiceField(choices=[("add", _("Add")), ("remove", _("Remove"))], initial="add", required=False)

    def __init__(self, *args, page: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohorts = {str(c.pk): c for c in page["other_cohorts"]} | {str(c["cohort"].pk): c["cohort"] for c in page["cohorts"]}
        self.fields["cohort"].choices = [(k, str(c)) for k, c in self.cohorts.items()]

    def clean_cohort(self):
        return self.cohorts[self.cleaned_data["cohort"]]
