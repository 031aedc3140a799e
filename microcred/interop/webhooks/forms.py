from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from microcred.accounts import policy

from . import events


class SubscriptionForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=None, empty_label=None)
    url = forms.CharField(label=_("Endpoint address"), max_length=500, strip=True,
                          help_text=_("https:// only; the platform posts each event there as JSON, signed."),
                          widget=forms.URLInput(attrs={"placeholder": "https://example.org/hooks/microcred"}))
    description = forms.CharField(label=_("Description"), max_length=200, required=False,
                                  help_text=_("For your colleagues: what receives these events."))
    events = forms.MultipleChoiceField(label=_("Events"), widget=forms.CheckboxSelectMultiple,
                                       help_text=_("Your organization receives only events about its own MCs, credentials, awards and policies."))

    def __init__(self, *args, user, organizations, subscription=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        if subscription is not None:
            self.fields["organization"].disabled = True
            self.fields["organization"].initial = subscription.organization_id
        allowed = {e for org in organizations for e in policy.subscribable_webhook_events(user, org)}
        self.fields["events"].choices = [(e, events.label(e)) for e in events.EVENT_TYPES if e in allowed]
