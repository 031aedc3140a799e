from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from microcred.core import ratelimit

from .models import EducatorProfile, Organization


class EducatorProfileForm(forms.ModelForm):
    class Meta:
        model = EducatorProfile
        fields = ["state", "district", "school", "position", "career_stage", "license_number"]
        help_texts = {"license_number": "Optional. Used only by recognizers you choose to share it with."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = Organization.objects.filter(kind=Organization.Kind.DISTRICT)
        self.fields["school"].queryset = Organization.objects.filter(kind=Organization.Kind.SCHOOL)

    def clean_state(self):
        state = self.cleaned_data["state"].strip().upper()
        if state and (len(state) != 2 or not state.isalpha()):
            raise forms.ValidationError("Use the two-letter postal code, e.g. TN.")
        return state

    def clean_license_number(self):
        value = self.cleaned_data["license_number"].strip()
        if value and not all(c.isalnum() or c in "-_ /" for c in value):
            raise forms.ValidationError("Use letters, digits, spaces, dashes or slashes only.")
        return value


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label="Code", max_length=32, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True,
                                      "autocapitalize": "off", "spellcheck": "false"}),
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.")

    def clean_code(self):
        code = self.cleaned_data["code"]
        if not all(c.isalnum() or c in " -" for c in code):
            raise forms.ValidationError("Enter the digits from your app, or a recovery code (letters and digits).")
        return code


class RateLimitedPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending at most MICROCRED_PASSWORD_RESET_PER_ACCOUNT e-mails per account per hour.
    Accounts over the limit are skipped silently: the page answers the same either way."""

    def get_users(self, email):
        for user in super().get_users(email):
            if ratelimit.hit("password-reset:account", user.pk, limit=settings.MICROCRED_PASSWORD_RESET_PER_ACCOUNT,
                             window=3600):
                yield user


class NameForm(forms.Form):
    first_name = forms.CharField(max_length=150, required=False, label=_("First name"))
    last_name = forms.CharField(max_length=150, required=False, label=_("Last name"))


class EmailForm(forms.Form):
    email = forms.EmailField(max_length=254, label=_("New e-mail address"),
                             error_messages={"invalid": _("Enter a valid e-mail address, like name@school.org.")},
                             help_text=_("Password resets and notices go to this address."))
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                               label=_("Your current password"), strip=False)
