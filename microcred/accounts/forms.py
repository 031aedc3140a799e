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
        labels = {"state": _("State (postal code)"), "district": _("District"), "school": _("School"),
                  "position": _("Position"), "career_stage": _("Career stage"), "license_number": _("License number")}
        help_texts = {"license_number": _("Optional. Used only by recognizers you choose to share it with.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = Organization.objects.filter(kind=Organization.Kind.DISTRICT)
        self.fields["school"].queryset = Organization.objects.filter(kind=Organization.Kind.SCHOOL)

    def clean_state(self):
        state = self.cleaned_data["state"].strip().upper()
        if state and (len(state) != 2 or not state.isalpha()):
            raise forms.ValidationError(_("Use the two-letter postal code, e.g. TN."))
        return state

    def clean_license_number(self):
        value = self.cleaned_data["license_number"].strip()
        if value and not all(c.isalnum() or c in "-_ /" for c in value):
            raise forms.ValidationError(_("Use letters, digits, spaces, dashes or slashes only."))
        return value


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=32, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True,
                                      "autocapitalize": "off", "spellcheck": "false"}),
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."))

    def clean_code(self):
        code = self.cleaned_data["code"]
        if not all(c.isalnum() or c in " -" for c in code):
            raise forms.ValidationError(_("Enter the digits from your app, or a recovery code (letters and digits)."))
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


# --- invitations and self-registration (issue 14 item 3) -----------------------------------------------------------

class _OrganizationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def _role_choices(roles):
    from .models import Role

    return [(r, Role(r).label) for r in roles]


class InvitationForm(forms.Form):
    """Organization and role limited to what the policy lets this admin give (the service asks it again)."""

    organization = _OrganizationChoice(queryset=Organization.objects.none(), label=_("Organization"))
    role = forms.ChoiceField(label=_("Role"))
    email = forms.EmailField(max_length=254, label=_("E-mail address"),
                             error_messages={"invalid": _("Enter a valid e-mail address, like name@school.org.")})

    def __init__(self, *args, organizations=(), roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["role"].choices = _role_choices(roles)


class InvitationCsvForm(forms.Form):
    organization = _OrganizationChoice(queryset=Organization.objects.none(), label=_("Organization"))
    role = forms.ChoiceField(label=_("Role for rows without one"))
    file = forms.FileField(label=_("CSV file"),
                           help_text=_("UTF-8, a header row with an “email” column and optionally “role”; at most 1,000 rows."))

    def __init__(self, *args, organizations=(), roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["role"].choices = _role_choices(roles)


class _NewPasswordMixin(forms.Form):
    password1 = forms.CharField(label=_("Password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data


class AcceptInvitationForm(_NewPasswordMixin):
    """Only a name and a password: the role and organization come from the invitation, never from this form."""

    first_name = forms.CharField(max_length=150, required=False, label=_("First name"))
    last_name = forms.CharField(max_length=150, required=False, label=_("Last name"))
    field_order = ["first_name", "last_name", "password1", "password2"]


class RegisterForm(_NewPasswordMixin):
    organization = _OrganizationChoice(queryset=Organization.objects.none(), label=_("Organization"), to_field_name="slug")
    first_name = forms.CharField(max_length=150, required=False, label=_("First name"))
    last_name = forms.CharField(max_length=150, required=False, label=_("Last name"))
    email = forms.EmailField(max_length=254, label=_("Your work e-mail address"),
                             error_messages={"invalid": _("Enter a valid e-mail address, like name@school.org.")})
    field_order = ["organization", "first_name", "last_name", "email", "password1", "password2"]

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class SelfRegistrationForm(forms.Form):
    organization = _OrganizationChoice(queryset=Organization.objects.none(), label=_("Organization"))
    enabled = forms.BooleanField(required=False, label=_("People may create their own account (as educators)"))
    allowed_domains = forms.CharField(max_length=2000, required=False, label=_("E-mail domains"),
                                      help_text=_("Separated by spaces or commas, e.g. cvs.k12.example"))
    requires_approval = forms.BooleanField(required=False, label=_("An administrator approves each new account"))

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))])
    reason = forms.CharField(max_length=500, required=False, label=_("Reason (sent to the person)"))
