from django import forms

from ..models import LtiPlatform


class PlatformForm(forms.ModelForm):
    class Meta:
        model = LtiPlatform
        fields = ("name", "issuer", "client_id", "deployment_ids", "jwks_url", "auth_login_url", "access_token_url",
                  "organization", "enabled")
        widgets = {"deployment_ids": forms.Textarea(attrs={"rows": 3})}
