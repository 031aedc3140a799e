"""OpenID Connect, the relying party's side, with Authlib (docs/decisions/0016-single-sign-on.md).

Discovery, the authorization code flow with PKCE (S256), ``state`` and ``nonce``, and the ID token checked the
way OpenID Connect Core §3.1.3.7 says: its signature against the provider's published keys (JWKS), its issuer,
audience, expiry and nonce. Every failure is an ``SsoError`` with a sentence for the person signing in."""
from __future__ import annotations

import time
from urllib.parse import urlsplit

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from cachetools import TTLCache
from django.conf import settings
from django.utils.translation import gettext as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from .errors import SsoError

LEEWAY_SECONDS = 60
_discovery: TTLCache = TTLCache(maxsize=64, ttl=300)
_jwks: TTLCache = TTLCache(maxsize=64, ttl=300)


def now() -> float:
    """The clock the ID token's expiry is read against (a function, so tests can move it)."""
    return time.time()


def check_url(url: str) -> None:
    parts = urlsplit(url or "")
    allowed = ("https", "http") if settings.MICROCRED_SSO_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed or not parts.netloc:
        raise SsoError(_("The identity provider's address must be an https:// address."))


def _get_json(url: str) -> dict:
    check_url(url)
    try:
        response = requests.get(url, timeout=settings.MICROCRED_SSO_TIMEOUT_SECONDS, headers={"Accept": "application/json"})
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as error:
        raise SsoError(_("The identity provider did not answer (%(error)s). Try again later, or sign in with your "
                         "password.") % {"error": type(error).__name__}) from error
    if not isinstance(data, dict):
        raise SsoError(_("The identity provider's answer was not understood."))
    return data


def discover(issuer: str, *, fresh: bool = False) -> dict:
    """The provider's discovery document (cached five minutes), checked to name the same issuer."""
    issuer = issuer.rstrip("/")
    if not fresh and issuer in _discovery:
        return _discovery[issuer]
    metadata = _get_json(issuer + "/.well-known/openid-configuration")
    if metadata.get("issuer", "").rstrip("/") != issuer:
        raise SsoError(_("The identity provider's discovery document names another issuer (%(other)s).")
                       % {"other": str(metadata.get("issuer", ""))[:200]})
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not metadata.get(key):
            raise SsoError(_("The identity provider's discovery document has no %(key)s.") % {"key": key})
        check_url(metadata[key])
    _discovery[issuer] = metadata
    return metadata


def _key_set(metadata: dict, *, fresh: bool = False) -> KeySet:
    uri = metadata["jwks_uri"]
    if fresh or uri not in _jwks:
        _jwks[uri] = _get_json(uri)
    try:
        return KeySet.import_key_set(_jwks[uri])
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise SsoError(_("The identity provider's signing keys could not be read.")) from error


def _session(provider, *, client_secret: str = "", **kwargs) -> OAuth2Session:
    return OAuth2Session(client_id=provider.client_id, client_secret=client_secret or None,
                         scope=provider.scopes, code_challenge_method="S256", **kwargs)


def start(provider, *, redirect_uri: str) -> tuple[str, dict]:
    """The URL to send the browser to, and what to keep in the session until it comes back."""
    metadata = discover(provider.issuer)
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    with _session(provider, redirect_uri=redirect_uri) as session:
        url, _state = session.create_authorization_url(metadata["authorization_endpoint"], state=state, nonce=nonce,
                                                       code_verifier=verifier)
    return url, {"state": state, "nonce": nonce, "verifier": verifier, "redirect_uri": redirect_uri}


def finish(provider, *, client_secret: str, flow: dict, params: dict) -> tuple[dict, str]:
    """The ID token's claims (checked) and the raw ID token, from the provider's answer ``params``."""
    if params.get("error"):
        raise SsoError(_("The identity provider refused the sign-in (%(error)s).") % {"error": str(params["error"])[:100]})
    if not flow.get("state") or params.get("state") != flow["state"]:
        raise SsoError(_("This sign-in answer does not belong to a sign-in started here (its state does not match). "
                         "Please start again."))
    if not params.get("code"):
        raise SsoError(_("The identity provider's answer has no authorization code."))
    metadata = discover(provider.issuer)
    if params.get("iss") and params["iss"].rstrip("/") != metadata["issuer"].rstrip("/"):
        raise SsoError(_("This sign-in answer comes from another issuer."))  # RFC 9207 mix-up defence
    try:
        with _session(provider, client_secret=client_secret, redirect_uri=flow["redirect_uri"]) as session:
            token = session.fetch_token(metadata["token_endpoint"], code=params["code"], code_verifier=flow["verifier"],
                                        timeout=settings.MICROCRED_SSO_TIMEOUT_SECONDS)
    except requests.RequestException as error:
        raise SsoError(_("The identity provider did not answer. Try again later.")) from error
    except Exception as error:  # Authlib's OAuthError and friends: a refused code, a wrong client secret
        raise SsoError(_("The identity provider refused to complete the sign-in (%(error)s).")
                       % {"error": str(getattr(error, "error", "") or type(error).__name__)[:100]}) from error
    raw = token.get("id_token")
    if not raw:
        raise SsoError(_("The identity provider sent no ID token."))
    return validate_id_token(provider, raw, nonce=flow["nonce"], access_token=token.get("access_token")), raw


def validate_id_token(provider, raw: str, *, nonce: str, access_token: str | None = None) -> dict:
    """The claims of ``raw`` when its signature, issuer, audience, expiry and nonce are right; else SsoError."""
    metadata = discover(provider.issuer)
    # Only public-key signatures: never "none", never HMAC with the client secret (a key anyone holding it shares).
    algorithms = [a for a in metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
                  if isinstance(a, str) and a[:2] in ("RS", "PS", "ES", "Ed") or a == "EdDSA"]
    registry = JWSRegistry(algorithms=algorithms or ["RS256"], strict_check_header=False)
    try:
        try:
            decoded = jwt.decode(raw, _key_set(metadata), registry=registry)
        except JoseError:
            decoded = jwt.decode(raw, _key_set(metadata, fresh=True), registry=registry)  # keys may have rotated
    except (JoseError, ValueError, TypeError) as error:
        raise SsoError(_("The identity provider's ID token failed its signature check; it was refused.")) from error
    params = {"nonce": nonce, "client_id": provider.client_id}
    if access_token:
        params["access_token"] = access_token
    claims = CodeIDToken(decoded.claims, decoded.header, {"iss": {"essential": True, "values": [metadata["issuer"]]},
                                                          "aud": {"essential": True, "values": [provider.client_id]}},
                         params)
    try:
        claims.validate(now=int(now()), leeway=LEEWAY_SECONDS)
    except JoseError as error:
        name = getattr(error, "claim", "") or ""
        if error.error == "expired_token" or name == "exp":
            raise SsoError(_("The identity provider's ID token has expired; it was refused. Please sign in again.")) from error
        if name == "aud":
            raise SsoError(_("The ID token was made for another application (its audience); it was refused.")) from error
        if name == "nonce":
            raise SsoError(_("The ID token does not belong to this sign-in (its nonce); it was refused.")) from error
        raise SsoError(_("The identity provider's ID token was refused (%(claim)s).") % {"claim": name or error.error}) from error
    if not claims.get("sub"):
        raise SsoError(_("The ID token names nobody (no subject)."))
    return dict(claims)


def logout_url(provider, *, id_token: str, post_logout_redirect_uri: str) -> str | None:
    """RP-initiated logout at the provider, when its discovery document names an end-session endpoint."""
    try:
        metadata = discover(provider.issuer)
    except SsoError:
        return None
    endpoint = metadata.get("end_session_endpoint")
    if not endpoint:
        return None
    from authlib.common.urls import add_params_to_uri

    params = {"client_id": provider.client_id, "post_logout_redirect_uri": post_logout_redirect_uri}
    if id_token:
        params["id_token_hint"] = id_token
    return add_params_to_uri(endpoint, params)
