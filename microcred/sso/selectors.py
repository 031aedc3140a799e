"""Reads of single sign-on: the providers a page offers or an admin configures."""
from __future__ import annotations

from microcred.accounts import policy
from microcred.accounts.models import Organization

from .models import IdentityProvider


def enabled_for_organization(slug: str) -> list[IdentityProvider]:
    return list(IdentityProvider.objects.filter(organization__slug=slug, enabled=True).select_related("organization"))


def enabled_for_email(email: str) -> list[IdentityProvider]:
    """Enabled providers that serve the domain of ``email``."""
    domain = email.strip().lower().rsplit("@", 1)[-1] if "@" in email else email.strip().lower().lstrip("@")
    if not domain:
        return []
    return [p for p in IdentityProvider.objects.filter(enabled=True, email_domains__icontains=domain).select_related("organization")
            if domain in p.domains]


def provider_for_sign_in(slug: str) -> IdentityProvider | None:
    return IdentityProvider.objects.filter(slug=slug, enabled=True).select_related("organization").first()


def configurable_organizations(user) -> list[Organization]:
    ids = policy.sso_configurable_organization_ids(user)
    qs = Organization.objects.all() if ids is None else Organization.objects.filter(pk__in=ids)
    return list(qs.order_by("name"))


def providers_for(user):
    ids = policy.sso_configurable_organization_ids(user)
    qs = IdentityProvider.objects.select_related("organization")
    return qs if ids is None else qs.filter(organization_id__in=ids)


def provider_for(user, pk: int) -> IdentityProvider | None:
    """A provider ``user`` configures (None for anyone else: nothing leaks)."""
    return providers_for(user).filter(pk=pk).first()
