"""Writes of the Open Badges 3.0 API: client registration, an earner revoking a client, upsert and putProfile."""
from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_id, generate_client_secret
from oauth2_provider.models import (get_access_token_model, get_application_model, get_grant_model,
                                    get_refresh_token_model)

from microcred.core import audit
from microcred.credentials import services as credential_services
from microcred.credentials.builder import credential_url
from microcred.credentials.models import ExternalCredential, IssuedCredential
from microcred.credentials.verify import parse_input

from microcred.accounts import policy
from .models import ClientRegistration
from .registration import clean_metadata
from .selectors import profile_id

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def register_client(*, metadata: dict, by=None) -> tuple[ClientRegistration, str]:
    """Register an OB 3.0 client (RFC 7591 as OB 3.0 profiles it). Returns the registration and the client secret,
    which is shown this once: only its hash is stored. Raises RegistrationError for metadata the profile refuses."""
    if not policy.can_register_client_for_operator(by):
        raise PermissionDenied("Only platform operators register clients by hand.")
    cleaned = clean_metadata(metadata)
    secret = generate_client_secret()
    Application = get_application_model()
    with transaction.atomic():
        application = Application.objects.create(
            client_id=generate_client_id(), client_secret=secret, name=cleaned["client_name"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(cleaned["redirect_uris"]), skip_authorization=False, hash_client_secret=True)
        registration = ClientRegistration.objects.create(
            application=application, client_uri=cleaned["client_uri"], logo_uri=cleaned["logo_uri"],
            tos_uri=cleaned["tos_uri"], policy_uri=cleaned["policy_uri"], software_id=cleaned["software_id"],
            software_version=cleaned["software_version"], scope=cleaned["scope"], contacts=cleaned["contacts"],
            grant_types=cleaned["grant_types"], registered_by=by)
        audit.record(actor=by, action="ob_client.registered", target=application,
                     data={"client_uri": registration.client_uri, "scope": registration.scope})
    return registration, secret


def registration_response(registration: ClientRegistration, secret: str) -> dict:
    """The RFC 7591 registration response: everything the client sent (as stored) plus its credentials."""
    application = registration.application
    return {
        "client_id": application.client_id,
        "client_secret": secret,
        "client_id_issued_at": int(application.created.timestamp()),
        "client_secret_expires_at": 0,
        "client_name": application.name,
        "client_uri": registration.client_uri,
        "logo_uri": registration.logo_uri,
        "tos_uri": registration.tos_uri,
        "policy_uri": registration.policy_uri,
        "software_id": registration.software_id,
        "software_version": registration.software_version,
        "redirect_uris": application.redirect_uris.split(),
        "token_endpoint_auth_method": "client_secret_basic",
        "grant_types": registration.grant_types,
        "response_types": ["code"],
        "scope": registration.scope,
        **({"contacts": registration.contacts} if registration.contacts else {}),
    }


def revoke_client_access(*, user, application_id) -> int:
    """End every grant and token ``user`` gave the client. Other people's tokens are untouched. Safe to repeat:
    a second call revokes nothing and records nothing. Returns how many tokens and grants ended."""
    if not policy.can_revoke_client_access(user, application_id):
        raise PermissionDenied(_("Sign in to manage your connected apps."))
    application = get_application_model().objects.filter(pk=application_id).first()
    if application is None:
        return 0
    with transaction.atomic():
        ended = get_grant_model().objects.filter(user=user, application=application).delete()[0]
        for refresh in get_refresh_token_model().objects.filter(user=user, application=application,
                                                                revoked__isnull=True):
            refresh.revoke()  # also deletes its access token
            ended += 1
        ended += get_access_token_model().objects.filter(user=user, application=application).delete()[0]
        if ended:
            audit.record(actor=user, action="ob_client.access_revoked", target=application, data={"ended": ended})
    return ended


def upsert_credential(*, earner, data) -> tuple[object, bool]:
    """upsertCredential: keep a credential for the earner only if it verifies here, through the same import as the
    web page (credentials.services.import_external_credential). Returns (the stored record, created?).

    A credential this platform issued to this earner is already theirs: answered as existing, not imported. The
    first verified copy of a credential id is kept; sending it again answers "existing" (OB 3.0 leaves newer/older
    handling to the host)."""
    try:
        kind, value = parse_input(data)
    except ValueError as error:
        raise ValidationError({"document": [_("Not a credential: %(error)s") % {"error": error}]}) from None
    own = _own_issued(earner, kind, value)
    if own is not None:
        return own, False
    started = timezone.now()
    try:
        imported = credential_services.import_external_credential(earner=earner, data=data)
    except IntegrityError:
        # Two clients upserted the same credential at once: the other request kept it first.
        credential_id = value.get("id") if kind == "json" else None
        existing = ExternalCredential.objects.filter(earner=earner, credential_id=credential_id or "").first()
        if existing is None:
            raise
        return existing, False
    # The import answers an earlier import of the same credential id with that record, unchanged.
    return imported, imported.imported_at >= started


def _own_issued(earner, kind: str, value) -> IssuedCredential | None:
    """This earner's credential issued here, sent back unchanged (as JSON or as its VC-JWT), else None."""
    if kind == "jwt":
        return IssuedCredential.objects.filter(earner=earner, jwt=value).first()
    credential_id = value.get("id")
    if not isinstance(credential_id, str) or not credential_id.startswith(credential_url("")):
        return None
    try:
        found = IssuedCredential.objects.filter(earner=earner, pk=credential_id.rsplit("/", 1)[-1]).first()
    except (ValueError, ValidationError):
        return None
    return found if found is not None and found.credential == value else None


def update_profile(*, earner, document) -> object:
    """putProfile: only the earner's name changes here (``name``, or ``givenName``/``familyName``).

    Refused (ValidationError): a body that is not a Profile, another profile's id, an empty or over-long name,
    and any change of e-mail address (it is the account's recovery address: it changes only on the account page,
    where the person proves it is theirs). Other Profile properties are not stored and are not echoed back."""
    if not isinstance(document, dict):
        raise ValidationError(_("The body must be an Open Badges Profile (a JSON object)."))
    types = document.get("type")
    types = [types] if isinstance(types, str) else types
    if not isinstance(types, list) or "Profile" not in types:
        raise ValidationError(_('The body must be a Profile: its "type" must include "Profile".'))
    if "id" in document and document["id"] != profile_id(earner):
        raise ValidationError(_("The profile id does not match the profile of this access token."))
    email = document.get("email")
    if email is not None and (not isinstance(email, str) or email.strip().lower() != (earner.email or "").lower()):
        raise ValidationError(_("The e-mail address cannot be changed through this API; change it on the account page."))
    given, family = document.get("givenName"), document.get("familyName")
    if given is not None or family is not None:
        first, last = _name(given, "givenName"), _name(family or "", "familyName", allow_empty=True)
    else:
        name = _name(document.get("name"), "name")
        if name == earner.get_full_name():
            return earner
        first, last = name, ""
    if (first, last) != (earner.first_name, earner.last_name):
        with transaction.atomic():
            earner.first_name, earner.last_name = first, last
            earner.save(update_fields=["first_name", "last_name"])
            audit.record(actor=earner, action="profile.updated_via_api", target=earner,
                         data={"fields": ["name"]})
    return earner


def _name(value, field: str, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or (not value.strip() and not allow_empty):
        raise ValidationError(_('"%(field)s" must be a non-empty string.') % {"field": field})
    value = " ".join(value.split())
    if len(value) > 150:
        raise ValidationError(_('"%(field)s" is longer than 150 characters.') % {"field": field})
    if _CONTROL.search(value) or "<" in value or ">" in value:
        raise ValidationError(_('"%(field)s" contains characters a name cannot have.') % {"field": field})
    return value
