"""Checking a provider's configuration against the identity provider (the Test button and `microcred sso_check`)."""
from __future__ import annotations

from django.utils.translation import gettext as _

from . import oidc, saml
from .errors import SsoError
from .models import IdentityProvider


def check_provider(provider: IdentityProvider) -> list[str]:
    """Problems found (an empty list: it answered and looks right)."""
    problems: list[str] = []
    try:
        if provider.protocol == IdentityProvider.Protocol.OIDC:
            metadata = oidc.discover(provider.issuer, fresh=True)
            oidc._key_set(metadata, fresh=True)
            if "S256" not in (metadata.get("code_challenge_methods_supported") or ["S256"]):
                problems.append(_("The provider does not offer PKCE with S256."))
            if not provider.client_secret_encrypted:
                problems.append(_("No client secret is stored."))
        else:
            saml.start(provider)
    except SsoError as error:
        problems.append(str(error))
    if not provider.domains:
        problems.append(_("No e-mail domain is set: new people cannot be matched by e-mail."))
    return problems
