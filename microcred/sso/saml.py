"""SAML 2.0, the service provider's side, with pysaml2 (docs/decisions/0016-single-sign-on.md).

microcred asks with an AuthnRequest (HTTP-Redirect binding) and takes the answer at its assertion consumer service
(HTTP-POST binding). pysaml2 checks, with xmlsec1, that the response or its assertion is signed by a key in the
identity provider's metadata, that it answers a request this session made (InResponseTo), is meant for this
service (Audience, Destination, Recipient) and is within its validity; the services refuse an assertion used twice."""
from __future__ import annotations

import datetime as dt
import logging

import requests
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, saml
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.validate import ResponseLifetimeExceed

from .errors import SsoError
from .oidc import check_url

log = logging.getLogger(__name__)

EMAIL_ATTRIBUTES = ("email", "mail", "emailAddress", "urn:oid:0.9.2342.19200300.100.1.3",
                    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress")
FIRST_NAME_ATTRIBUTES = ("givenName", "urn:oid:2.5.4.42", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname")
LAST_NAME_ATTRIBUTES = ("sn", "surname", "urn:oid:2.5.4.4", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname")


def sp_entity_id(provider) -> str:
    return settings.SITE_URL + reverse("sso:saml_metadata", kwargs={"slug": provider.slug})


def acs_url(provider) -> str:
    return settings.SITE_URL + reverse("sso:saml_acs", kwargs={"slug": provider.slug})


def idp_metadata(provider) -> str:
    if provider.idp_metadata_xml.strip():
        return provider.idp_metadata_xml
    check_url(provider.idp_metadata_url)
    try:
        response = requests.get(provider.idp_metadata_url, timeout=settings.MICROCRED_SSO_TIMEOUT_SECONDS)
        response.raise_for_status()
    except requests.RequestException as error:
        raise SsoError(_("The identity provider's metadata could not be fetched (%(error)s).")
                       % {"error": type(error).__name__}) from error
    return response.text


def _config(provider, *, with_idp: bool = True) -> SPConfig:
    conf = {
        "entityid": sp_entity_id(provider),
        "xmlsec_binary": settings.MICROCRED_SSO_XMLSEC_BINARY,
        "allow_unknown_attributes": True,
        "service": {"sp": {
            "name": "microcred",
            "endpoints": {"assertion_consumer_service": [(acs_url(provider), BINDING_HTTP_POST)]},
            "allow_unsolicited": False,           # only answers to a request this session made
            "want_assertions_signed": False,       # ... but at least one of response and assertion must be signed:
            "want_response_signed": False,         #     checked in finish() below
            "want_assertions_or_response_signed": True,
            "authn_requests_signed": False,
            "name_id_format": [saml.NAMEID_FORMAT_PERSISTENT, saml.NAMEID_FORMAT_EMAILADDRESS, saml.NAMEID_FORMAT_UNSPECIFIED],
        }},
    }
    if with_idp:
        conf["metadata"] = {"inline": [idp_metadata(provider)]}
    config = SPConfig()
    try:
        config.load(conf)
    except Exception as error:  # pysaml2 raises many kinds on bad metadata
        raise SsoError(_("The identity provider's SAML metadata could not be read (%(error)s).")
                       % {"error": type(error).__name__}) from error
    return config


def _client(provider) -> Saml2Client:
    return Saml2Client(config=_config(provider))


def _idp_entity_id(provider, client: Saml2Client) -> str:
    known = list(client.metadata.identity_providers())
    if provider.idp_entity_id:
        if provider.idp_entity_id not in known:
            raise SsoError(_("The metadata does not describe the identity provider %(id)s.") % {"id": provider.idp_entity_id[:200]})
        return provider.idp_entity_id
    if len(known) != 1:
        raise SsoError(_("The metadata describes %(n)d identity providers; say which one (its entity id).") % {"n": len(known)})
    return known[0]


def metadata_xml(provider) -> str:
    return create_metadata_string(None, config=_config(provider, with_idp=False), valid=24 * 7).decode("utf-8")


def start(provider) -> tuple[str, dict]:
    """The IdP address to send the browser to (an AuthnRequest), and what to keep in the session."""
    client = _client(provider)
    try:
        request_id, info = client.prepare_for_authenticate(entityid=_idp_entity_id(provider, client),
                                                           binding=BINDING_HTTP_REDIRECT)
    except SsoError:
        raise
    except Exception as error:
        raise SsoError(_("The sign-in request could not be made (%(error)s).") % {"error": type(error).__name__}) from error
    location = dict(info["headers"])["Location"]
    return location, {"request_id": request_id}


def finish(provider, *, saml_response: str, flow: dict) -> dict:
    """The person's subject, attributes and the assertion's id and expiry, when the response is genuine."""
    if not saml_response:
        raise SsoError(_("The identity provider's answer is empty."))
    client = _client(provider)
    outstanding = {flow["request_id"]: "/"} if flow.get("request_id") else {}
    try:
        response = client.parse_authn_request_response(saml_response, BINDING_HTTP_POST, outstanding=outstanding)
    except ResponseLifetimeExceed as error:
        raise SsoError(_("The identity provider's answer has expired; it was refused. Please sign in again.")) from error
    except Exception as error:  # pysaml2: SignatureError, UnsolicitedResponse, StatusError, XML errors, …
        log.info("SAML response refused for %s: %r", provider.slug, error)
        raise SsoError(_("The identity provider's answer was refused (%(error)s): it is not signed by the "
                         "identity provider, not meant for this sign-in, or not valid.") % {"error": type(error).__name__}) from error
    if response is None or not response.assertion:
        raise SsoError(_("The identity provider's answer holds no assertion."))
    if not (response.response.signature or response.assertion.signature):  # belt and braces: pysaml2 checked it
        raise SsoError(_("The identity provider's answer is not signed; it was refused."))
    assertion = response.assertion
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    conditions = assertion.conditions
    if conditions is not None and conditions.not_on_or_after:
        try:
            expires = dt.datetime.fromisoformat(conditions.not_on_or_after.replace("Z", "+00:00"))
        except ValueError:
            pass
    return {"subject": response.name_id.text if response.name_id is not None else "", "attributes": response.ava or {},
            "assertion_id": assertion.id, "expires_at": expires}


def attribute(attributes: dict, *names: str) -> str:
    for name in names:
        values = attributes.get(name)
        if values:
            return str(values[0] if isinstance(values, list) else values)
    return ""
