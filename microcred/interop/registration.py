"""Dynamic client registration metadata (RFC 7591) as the Open Badges 3.0 API profiles it (OB 3.0 §7.3.1.2).

No Django here. ``clean_metadata`` either returns the metadata this server will store and echo back, or raises
RegistrationError with an RFC 7591 error code and an ASCII description a client developer can act on."""
from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from .ob3 import SCOPES

MAX_BODY_BYTES = 16 * 1024
MAX_URL = 500
MAX_REDIRECT_URIS = 5
REQUIRED = ("client_name", "client_uri", "logo_uri", "tos_uri", "policy_uri", "software_id", "software_version",
            "redirect_uris", "scope")
_TEXT_LIMITS = {"client_name": 100, "software_id": 100, "software_version": 50}
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


class RegistrationError(ValueError):
    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.error, self.description = error, description

    def as_dict(self) -> dict:
        return {"error": self.error, "error_description": self.description}


def _text(data: dict, name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise RegistrationError("invalid_client_metadata", f"{name} must be a non-empty string")
    if _CONTROL.search(value):
        raise RegistrationError("invalid_client_metadata", f"{name} must not contain control characters")
    limit = _TEXT_LIMITS.get(name, MAX_URL)
    if len(value) > limit:
        raise RegistrationError("invalid_client_metadata", f"{name} is longer than {limit} characters")
    return value.strip()


def _url(value: str, name: str, *, error: str = "invalid_client_metadata", loopback_ok: bool = False) -> str:
    """An absolute https URL (or, for a native client's redirect, http on a loopback address, RFC 8252 §7.3)."""
    if not isinstance(value, str) or len(value) > MAX_URL or _CONTROL.search(value) or " " in value:
        raise RegistrationError(error, f"{name} must be a URL of at most {MAX_URL} characters")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises ValueError on a malformed port)
    except ValueError:
        raise RegistrationError(error, f"{name} is not a valid URL") from None
    host = (parts.hostname or "").lower()
    if not host or parts.username is not None or parts.password is not None:
        raise RegistrationError(error, f"{name} must be an absolute URL with a host and no user name or password")
    if parts.fragment or "#" in value:
        raise RegistrationError(error, f"{name} must not contain a fragment")
    if parts.scheme == "https":
        return value
    if parts.scheme == "http" and loopback_ok and _is_loopback(host):
        return value
    allowed = "https (or http on a loopback address for a native client)" if loopback_ok else "https"
    raise RegistrationError(error, f"{name} must use {allowed}")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def clean_metadata(data) -> dict:
    """The client metadata to store: every required OB property present and well formed, URLs https on one host."""
    if not isinstance(data, dict):
        raise RegistrationError("invalid_client_metadata", "the request body must be a JSON object")
    missing = [name for name in REQUIRED if name not in data]
    if missing:
        raise RegistrationError("invalid_client_metadata", f"missing required properties: {', '.join(missing)}")
    cleaned = {name: _text(data, name) for name in ("client_name", "software_id", "software_version")}
    for name in ("client_uri", "logo_uri", "tos_uri", "policy_uri"):
        cleaned[name] = _url(_text(data, name), name)
    hosts = {urlsplit(cleaned[name]).hostname.lower() for name in ("client_uri", "logo_uri", "tos_uri", "policy_uri")}
    if len(hosts) != 1:
        raise RegistrationError("invalid_client_metadata", "client_uri, logo_uri, tos_uri and policy_uri must have "
                                                           "the same hostname")
    host = hosts.pop()

    redirect_uris = data["redirect_uris"]
    if not isinstance(redirect_uris, list) or not redirect_uris:
        raise RegistrationError("invalid_redirect_uri", "redirect_uris must be a non-empty array of URLs")
    if len(redirect_uris) > MAX_REDIRECT_URIS:
        raise RegistrationError("invalid_redirect_uri", f"at most {MAX_REDIRECT_URIS} redirect_uris")
    uris = []
    for uri in redirect_uris:
        uri = _url(uri, "redirect_uri", error="invalid_redirect_uri", loopback_ok=True)
        uri_host = urlsplit(uri).hostname.lower()
        if uri_host != host and not _is_loopback(uri_host):
            raise RegistrationError("invalid_redirect_uri", "redirect_uris must have the hostname of client_uri "
                                                            "(or be a loopback address)")
        if uri not in uris:
            uris.append(uri)
    cleaned["redirect_uris"] = uris

    scope = data["scope"]
    if not isinstance(scope, str) or len(scope) > 1000:
        raise RegistrationError("invalid_client_metadata", "scope must be a space-separated string of scopes")
    known = [s for s in dict.fromkeys(scope.split()) if s in SCOPES]
    if not known:
        raise RegistrationError("invalid_client_metadata", "scope names none of the scopes this server supports: "
                                + " ".join(SCOPES))
    cleaned["scope"] = " ".join(known)

    method = data.get("token_endpoint_auth_method", "client_secret_basic")
    if method != "client_secret_basic":
        raise RegistrationError("invalid_client_metadata", 'token_endpoint_auth_method must be "client_secret_basic"')
    cleaned["token_endpoint_auth_method"] = method
    grant_types = data.get("grant_types", ["authorization_code"])
    if (not isinstance(grant_types, list) or "authorization_code" not in grant_types
            or not set(grant_types) <= {"authorization_code", "refresh_token"}):
        raise RegistrationError("invalid_client_metadata",
                                'grant_types must be ["authorization_code"] or ["authorization_code", "refresh_token"]')
    cleaned["grant_types"] = list(dict.fromkeys(grant_types))
    response_types = data.get("response_types", ["code"])
    if response_types != ["code"]:
        raise RegistrationError("invalid_client_metadata", 'response_types must be ["code"]')
    cleaned["response_types"] = ["code"]
    contacts = data.get("contacts", [])
    if (not isinstance(contacts, list) or len(contacts) > 5
            or not all(isinstance(c, str) and 0 < len(c) <= 200 and not _CONTROL.search(c) for c in contacts)):
        raise RegistrationError("invalid_client_metadata", "contacts must be an array of at most 5 short strings")
    cleaned["contacts"] = contacts
    return cleaned
