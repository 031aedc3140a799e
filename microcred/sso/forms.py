from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import IdentityProvider


class ProviderForm(forms.ModelForm):
    issuer = forms.URLField(label=_("Issuer"), required=False, max_length=500, assume_scheme="https",
                            help_text=_("OpenID Connect: the issuer; its discovery document is <issuer>/.well-known/openid-configuration"))
    idp_metadata_url = forms.URLField(label=_("IdP metadata URL"), required=False, max_length=500, assume_scheme="https",
                                      help_text=_("SAML: where the identity provider publishes its metadata (or paste it below)"))
    client_secret = forms.CharField(label=_("Client secret"), required=False, widget=forms.PasswordInput(render_value=False),
                                    help_text=_("leave empty to keep the stored one"), max_length=500)

    class Meta:
        model = IdentityProvider
        fields = ["organization", "name", "protocol", "issuer", "client_id", "scopes", "idp_metadata_url",
                  "idp_metadata_xml", "idp_entity_id", "email_domains", "email_attribute", "sourced_id_attribute",
                  "default_role", "enabled"]
        widgets = {"idp_metadata_xml": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        if self.instance.pk:
            self.fields["organization"].disabled = True

    def clean_idp_metadata_xml(self):
        xml = self.cleaned_data["idp_metadata_xml"]
        if len(xml) > 500_000:
            raise forms.ValidationError(_("The metadata is too long (at most 500 kB)."))
        return xml


class FindOrganizationForm(forms.Form):
    email = forms.CharField(label=_("Your work e-mail address"), max_length=254,
                            widget=forms.EmailInput(attrs={"autocomplete": "email"}))
