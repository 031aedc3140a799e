from django import forms
from django.utils.translation import gettext_lazy as _

from microcred.accounts.models import Organization

from .models import EducatorDemographics
from . import selectors
from .selectors import PERIODS


class FilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), required=False, choices=[
        ("3m", _("Last 3 months")), ("12m", _("Last 12 months")), ("36m", _("Last 3 years")), ("all", _("All time"))])
    organization = forms.SlugField(label=_("Organization (slug)"), required=False, max_length=80,
                                   help_text=_("Only the educators of this district or school."))
    mc = forms.SlugField(label=_("Micro-credential (slug)"), required=False, max_length=120)
    stack = forms.SlugField(label=_("Stack (slug)"), required=False, max_length=120)
    locale = forms.ChoiceField(label=_("School locale"), required=False,
                               choices=[("", _("Any"))] + [c for c in Organization.Locale.choices if c[0]])
    title_i = forms.ChoiceField(label=_("Title I school"), required=False,
                                choices=[("", _("Any")), ("yes", _("Yes")), ("no", _("No"))])
    high_need = forms.ChoiceField(label=_("High-need school"), required=False,
                                  choices=[("", _("Any")), ("yes", _("Yes")), ("no", _("No"))])

    def clean_period(self):
        value = self.cleaned_data.get("period") or "12m"
        return value if value in PERIODS else "12m"


class SchoolImportForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=None, label=_("Organization"), empty_label=None)
    file = forms.FileField(label=_("School attributes CSV"),
                           help_text=_("Columns as in the federal school directory (NCESSCH, SCH_NAME, TITLEI, ULOCALE, "
                                       "ENROLLMENT) plus optional org_slug and HIGH_NEED; at most 2 MB."))
    dry_run = forms.BooleanField(required=False, label=_("Dry run: report what would change, change nothing"))

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class DemographicsForm(forms.Form):
    race_ethnicity = forms.ChoiceField(label=_("Race or ethnicity"), required=False,
                                       choices=EducatorDemographics.RaceEthnicity.choices)
    gender = forms.ChoiceField(label=_("Gender"), required=False, choices=EducatorDemographics.Gender.choices)
    consent = forms.BooleanField(required=False, label=_(
        "I consent to microcred using these answers in figures about groups of at least 10 people. I can withdraw "
        "at any time."))


class FindabilityForm(forms.Form):
    findable = forms.BooleanField(required=False, label=_(
        "Leaders of my district or school may find me by the micro-credentials I hold"))
    offers_mentoring = forms.BooleanField(required=False, label=_(
        "I offer to mentor educators earning the micro-credentials I hold"))


class ExpertiseForm(forms.Form):
    micro_credential = forms.ModelChoiceField(queryset=None, required=False, label=_("Holds this micro-credential"))
    stack = forms.ModelChoiceField(queryset=None, required=False, label=_("Or any micro-credential of this stack"))

    def __init__(self, *args, **kwargs):
        from microcred.catalog.models import MicroCredential, Stack

        super().__init__(*args, **kwargs)
        self.fields["micro_credential"].queryset = MicroCredential.objects.filter(
            current_version__isnull=False).select_related("current_version")
        self.fields["stack"].queryset = Stack.objects.all().order_by("title")


def filters_from_query(query, board) -> tuple[FilterForm, "selectors.Filters"]:
    """The filter form bound to a query string and the Filters it means for ``board`` (defaults when invalid; an
    organization outside the dashboard's is refused with a message on the form). Pages, CSVs, the API and the
    snapshot task read filters the same way."""
    from microcred.catalog.models import MicroCredential, Stack

    form = FilterForm(query or None)
    filters = selectors.Filters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        mc = MicroCredential.objects.filter(slug=data["mc"]).first() if data["mc"] else None
        stack = Stack.objects.filter(slug=data["stack"]).first() if data["stack"] else None
        organization = selectors.filter_organization(board, data["organization"]) if data["organization"] else None
        if data["organization"] and organization is None:
            form.add_error("organization", _("Choose a district or school of this dashboard."))
        filters = selectors.Filters(period=data["period"], mc=mc, locale=data["locale"], title_i=data["title_i"],
                                    high_need=data["high_need"], organization=organization, stack=stack)
    return form, filters


class ImpactImportForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=None, label=_("Organization"), empty_label=None)
    file = forms.FileField(label=_("Ratings CSV"), help_text=_(
        "Columns educator (username or e-mail), year (2025 or 2024-25) and rating (1 to 5); at most 2 MB."))
    dry_run = forms.BooleanField(required=False, label=_("Dry run: report what would change, change nothing"))

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
