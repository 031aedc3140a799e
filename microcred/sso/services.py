"""Every write of single sign-on: configuring an organization's identity providers, and signing a person in
(just-in-time: find or make their account). Each one asks the policy and is audited."""
from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from microcred.accounts import policy
from microcred.accounts import services as accounts
from microcred.accounts.models import Membership, Organization, PersonSourcedId, User
from microcred.core import audit
from microcred.core.secrets import InvalidToken, UndecryptableSecret, decrypt_secret, encrypt_secret

from .errors import SsoError
from .models import IdentityProvider, SsoIdentity, UsedSamlAssertion

SECRET_PURPOSE = "sso-client-secret"
CONFIG_FIELDS = ("name", "protocol", "enabled", "issuer", "client_id", "scopes", "idp_entity_id", "idp_metadata_url",
                 "idp_metadata_xml", "email_domains", "sourced_id_attribute", "email_attribute", "default_role")


# --- configuration --------------------------------------------------------------------------------------------

def client_secret(provider: IdentityProvider) -> str:
    if not provider.client_secret_encrypted:
        return ""
    return decrypt_secret(provider.client_secret_encrypted, purpose=SECRET_PURPOSE).decode("utf-8")


def reencrypt_client_secrets(old_secret: str) -> int:
    """Re-encrypt every stored client secret made under ``old_secret`` with this installation's secret."""
    changed = 0
    for provider in IdentityProvider.objects.exclude(client_secret_encrypted="").select_for_update():
        try:
            plain = decrypt_secret(provider.client_secret_encrypted, purpose=SECRET_PURPOSE, secret=old_secret)
        except InvalidToken:
            try:
                decrypt_secret(provider.client_secret_encrypted, purpose=SECRET_PURPOSE)
                continue  # already under the current secret
            except InvalidToken:
                raise UndecryptableSecret(f"The client secret of identity provider {provider.slug} does not open.") from None
        provider.client_secret_encrypted = encrypt_secret(plain, purpose=SECRET_PURPOSE)
        provider.save(update_fields=["client_secret_encrypted"])
        changed += 1
    return changed


def _unique_slug(provider: IdentityProvider) -> str:
    base = slugify(f"{provider.organization.slug}-{provider.name}")[:70] or "provider"
    slug, n = base, 2
    while IdentityProvider.objects.filter(slug=slug).exclude(pk=provider.pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check(provider: IdentityProvider) -> None:
    errors: dict[str, list[str]] = {}
    if provider.protocol == IdentityProvider.Protocol.OIDC:
        if "openid" not in provider.scopes.split():
            errors["scopes"] = [_("The scopes must include openid.")]
        if not provider.issuer:
            errors["issuer"] = [_("An OpenID Connect provider needs its issuer address.")]
        if not provider.client_id:
            errors["client_id"] = [_("An OpenID Connect provider needs the client id it gave microcred.")]
        if provider.issuer:
            from .oidc import check_url

            try:
                check_url(provider.issuer)
            except SsoError as error:
                errors["issuer"] = [str(error)]
    elif not (provider.idp_metadata_xml or provider.idp_metadata_url):
        errors["idp_metadata_xml"] = [_("A SAML provider needs its metadata (paste the XML or give its address).")]
    if provider.default_role != policy.sso_jit_role():
        errors["default_role"] = [_("Single sign-on makes educators (earners) only.")]
    if errors:
        raise ValidationError(errors)


def save_provider(*, by: User, provider: IdentityProvider, secret: str | None = None) -> IdentityProvider:
    """Create or change ``provider`` (its organization set); ``secret`` (None: keep) is stored encrypted."""
    if not policy.can_configure_sso(by, provider.organization):
        raise PermissionDenied(_("You do not configure the sign-in of this organization."))
    provider.email_domains = ", ".join(provider.domains)
    _check(provider)
    created = provider.pk is None
    with transaction.atomic():
        if not provider.slug:
            provider.slug = _unique_slug(provider)
        if secret:
            provider.client_secret_encrypted = encrypt_secret(secret.encode("utf-8"), purpose=SECRET_PURPOSE)
        provider.save()
        audit.record(actor=by, action="sso.provider_created" if created else "sso.provider_changed", target=provider,
                     data={f: getattr(provider, f) for f in CONFIG_FIELDS if f != "idp_metadata_xml"}
                     | {"secret_changed": bool(secret)})
    return provider


def set_enabled(*, by: User, provider: IdentityProvider, enabled: bool) -> IdentityProvider:
    if not policy.can_configure_sso(by, provider.organization):
        raise PermissionDenied(_("You do not configure the sign-in of this organization."))
    with transaction.atomic():
        if provider.enabled != enabled:
            provider.enabled = enabled
            provider.save(update_fields=["enabled", "updated_at"])
            audit.record(actor=by, action="sso.provider_enabled" if enabled else "sso.provider_disabled", target=provider)
    return provider


# --- signing in ---------------------------------------------------------------------------------------------------

@dataclass
class Assertion:
    """What an identity provider said about the person (after its signature and validity were checked)."""

    subject: str
    email: str = ""
    email_verified: bool = False
    sourced_id: str = ""
    first_name: str = ""
    last_name: str = ""


def _email_in_domains(provider: IdentityProvider, email: str) -> bool:
    return "@" in email and email.rsplit("@", 1)[1].lower() in provider.domains


def _refuse(provider: IdentityProvider, reason: str, message: str, **data) -> SsoError:
    return SsoError(message, reason=reason, data=data)


def refused(provider: IdentityProvider, error: SsoError) -> None:
    """Audit a refused sign-in (outside the transaction that was rolled back)."""
    audit.record(actor=None, action="sso.sign_in_refused", target=provider,
                 data={"reason": error.reason or "protocol", "message": str(error)[:300], **error.data})


def _organization_tree(provider: IdentityProvider) -> set[int]:
    """The provider's organization and those below it (a district's schools)."""
    ids = frontier = {provider.organization_id}
    while frontier:
        frontier = set(Organization.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        ids = ids | frontier
    return ids


def _belongs_elsewhere(user: User, provider: IdentityProvider) -> bool:
    """The account belongs to some organization, but to none (in any role) of the provider's organization tree."""
    orgs = set(Membership.objects.filter(user=user).values_list("organization_id", flat=True))
    return bool(orgs) and not (orgs & _organization_tree(provider))


def sign_in(*, provider: IdentityProvider, assertion: Assertion) -> User:
    """The account ``assertion`` signs in to: the one already linked to its subject; else the account a roster gave
    its sourcedId in the provider's organization; else the one with its verified e-mail address (in the provider's
    e-mail domains and organization); else a new account, an earner of the organization. Refuses (SsoError) a
    deactivated account, an account of another organization, and a staff account found by e-mail or sourcedId."""
    if not provider.enabled:
        raise SsoError(_("Sign-in with %(name)s is turned off.") % {"name": provider.name})
    if not assertion.subject:
        raise SsoError(_("The identity provider did not say who you are."))
    try:
        return _sign_in(provider, assertion)
    except SsoError as error:
        refused(provider, error)
        raise


def _sign_in(provider: IdentityProvider, assertion: Assertion) -> User:
    email = assertion.email.strip().lower() if assertion.email_verified else ""
    with transaction.atomic():
        identity = SsoIdentity.objects.select_related("user").filter(provider=provider, subject=assertion.subject).first()
        how = "identity"
        if identity is not None:
            user = identity.user
        else:
            user, how = _match(provider, assertion, email)
            if user is None:
                user, how = _create(provider, assertion, email), "created"
            try:
                with transaction.atomic():
                    identity = SsoIdentity.objects.create(provider=provider, subject=assertion.subject, user=user)
            except IntegrityError:  # the same person signing in twice at once: the other request linked them
                identity = SsoIdentity.objects.get(provider=provider, subject=assertion.subject)
                user = identity.user
            audit.record(actor=user, action="sso.identity_linked", target=identity, data={"how": how})
        if not policy.sso_may_sign_in(user):
            raise _refuse(provider, "staff", _("This account has platform administrator rights; sign in with your "
                                               "password (and code)."), user=user.pk)
        if not user.is_active:
            raise _refuse(provider, "deactivated", _("This account is deactivated. Ask your organization's administrator."),
                          user=user.pk)
        if assertion.sourced_id:
            _remember_sourced_id(provider, user, assertion.sourced_id)
        identity.last_login_at = timezone.now()
        identity.save(update_fields=["last_login_at"])
        audit.record(actor=user, action="sso.signed_in", target=identity, data={"how": how, "provider": provider.slug})
    return user


def _match(provider: IdentityProvider, assertion: Assertion, email: str) -> tuple[User | None, str]:
    candidate, how = None, ""
    if assertion.sourced_id:
        link = (PersonSourcedId.objects.select_related("user")
                .filter(organization=provider.organization, sourced_id=assertion.sourced_id).first())
        if link is not None:
            candidate, how = link.user, "sourced_id"
    if candidate is None and email:
        if not _email_in_domains(provider, email):
            raise _refuse(provider, "domain", _("Your e-mail address is not one %(name)s serves here. Sign in with "
                                                "your organization's own account.") % {"name": provider.name})
        matches = list(User.objects.filter(email__iexact=email)[:2])
        if len(matches) > 1:
            raise _refuse(provider, "ambiguous", _("More than one account has your e-mail address; ask your "
                                                   "organization's administrator to sort them out."))
        if matches:
            candidate, how = matches[0], "email"
    if candidate is None:
        return None, ""
    if _belongs_elsewhere(candidate, provider):
        raise _refuse(provider, "other_organization", _("The account with your e-mail address belongs to another "
                                                        "organization, so it cannot be signed in to from here. Ask "
                                                        "your administrator."), user=candidate.pk)
    if not policy.sso_may_link(candidate):
        raise _refuse(provider, "staff", _("This account has administrator or assessor rights, so single sign-on "
                                           "is not linked to it by e-mail. Sign in with your password (and code)."),
                      user=candidate.pk)
    if not candidate.is_active:
        raise _refuse(provider, "deactivated", _("This account is deactivated. Ask your organization's administrator."),
                      user=candidate.pk)
    return candidate, how


def _create(provider: IdentityProvider, assertion: Assertion, email: str) -> User:
    if email and not _email_in_domains(provider, email):
        raise _refuse(provider, "domain", _("Your e-mail address is not one %(name)s serves here.") % {"name": provider.name})
    if not email and not assertion.sourced_id:
        raise _refuse(provider, "no_email", _("The identity provider sent no verified e-mail address, so no account "
                                              "can be made. Ask your administrator."))
    base = (email.split("@")[0] if email else f"sso-{assertion.sourced_id}")[:100] or "educator"
    base = "".join(c for c in base if c.isalnum() or c in "._-+") or "educator"
    username, n = base, 2
    while User.objects.filter(username__iexact=username).exists():
        username, n = f"{base}{n}", n + 1
    user = User(username=username[:150], email=email, first_name=assertion.first_name[:150], last_name=assertion.last_name[:150])
    user.set_unusable_password()
    user.save()
    audit.record(actor=None, action="sso.account_created", target=user, data={"provider": provider.slug})
    accounts.grant_role(user=user, organization=provider.organization, role=policy.sso_jit_role())
    return user


def _remember_sourced_id(provider: IdentityProvider, user: User, sourced_id: str) -> None:
    existing = PersonSourcedId.objects.filter(organization=provider.organization, sourced_id=sourced_id).first()
    if existing is None:
        PersonSourcedId.objects.create(organization=provider.organization, sourced_id=sourced_id[:255], user=user)
    elif existing.user_id != user.pk:
        raise _refuse(provider, "sourced_id_conflict", _("Your identifier belongs to another account here; ask your "
                                                         "administrator."), user=user.pk)


def use_saml_assertion(*, provider: IdentityProvider, assertion_id: str, expires_at) -> None:
    """Record a SAML assertion as used; refuses (SsoError) one already used (a replay)."""
    UsedSamlAssertion.objects.filter(expires_at__lt=timezone.now() - timezone.timedelta(days=1)).delete()
    try:
        with transaction.atomic():
            UsedSamlAssertion.objects.create(provider=provider, assertion_id=assertion_id[:255], expires_at=expires_at)
    except IntegrityError:
        error = _refuse(provider, "replay", _("This sign-in answer was already used; it was refused. Please sign in again."))
        refused(provider, error)
        raise error from None
