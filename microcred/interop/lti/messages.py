"""LTI 1.3 Core, Deep Linking 2.0 and Assignment and Grade Services 2.0 message shapes, without Django.

The id_token check follows the 1EdTech Security Framework 1.0 §5.1.3 (signature against the platform's JWKS,
``iss``, ``aud``/``azp``, ``exp``/``iat``, ``nonce``) and LTI 1.3 Core §5.3 (required claims). Every failure is an
``LtiMessageError`` whose ``reason`` is a short machine word (audited) and whose text is for a person."""
from __future__ import annotations

import secrets
import time
import uuid

import jwt

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPE = LTI + "message_type"
VERSION = LTI + "version"
DEPLOYMENT_ID = LTI + "deployment_id"
TARGET_LINK_URI = LTI + "target_link_uri"
RESOURCE_LINK = LTI + "resource_link"
ROLES = LTI + "roles"
CONTEXT = LTI + "context"
CUSTOM = LTI + "custom"
LIS = LTI + "lis"
LAUNCH_PRESENTATION = LTI + "launch_presentation"
DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
DL_CONTENT_ITEMS = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
DL_DATA = "https://purl.imsglobal.org/spec/lti-dl/claim/data"
AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"

RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
DEEP_LINKING_RESPONSE = "LtiDeepLinkingResponse"
LAUNCH_TYPES = (RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST)

SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_LINEITEM_READ = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
SCOPE_NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
TOOL_SCOPES = (SCOPE_SCORE, SCOPE_LINEITEM_READ, SCOPE_NRPS)
SCORE_MEDIA_TYPE = "application/vnd.ims.lis.v1.score+json"
NRPS_MEDIA_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

ALGORITHMS = ["RS256"]  # the Security Framework's required algorithm; "none" and HMAC are never accepted
LEEWAY_SECONDS = 60
MAX_TOKEN_BYTES = 64 * 1024


class LtiMessageError(Exception):
    def __init__(self, message: str, *, reason: str):
        super().__init__(message)
        self.reason = reason


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def unverified_header(token: str) -> dict:
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_BYTES:
        raise LtiMessageError("The launch carried no readable id_token.", reason="no_token")
    try:
        return jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise LtiMessageError("The launch's id_token is not a JWT.", reason="malformed") from error


def key_for(jwks: dict, kid: str | None):
    """The public key of ``jwks`` with ``kid`` (or its only RSA signing key when the token names none)."""
    try:
        keys = [k for k in (jwks or {}).get("keys", []) if isinstance(k, dict) and k.get("kty") == "RSA"
                and k.get("use", "sig") == "sig"]
    except AttributeError:
        keys = []
    chosen = [k for k in keys if k.get("kid") == kid] if kid else (keys if len(keys) == 1 else [])
    if not chosen:
        raise LtiMessageError("The platform's published keys have none that signed this launch.", reason="unknown_key")
    try:
        return jwt.PyJWK(chosen[0], algorithm="RS256").key
    except (jwt.PyJWTError, ValueError, TypeError, KeyError) as error:
        raise LtiMessageError("The platform's signing key could not be read.", reason="bad_key") from error


def verify_id_token(token: str, *, public_key, issuer: str, client_id: str, deployment_ids: list[str],
                    now: float | None = None) -> dict:
    """The claims of a launch's id_token once its signature, issuer, audience, times, deployment and LTI claims are
    checked. The nonce is compared by the caller (it knows which one it issued)."""
    now = time.time() if now is None else now
    try:
        claims = jwt.decode(token, public_key, algorithms=ALGORITHMS, audience=client_id, issuer=issuer,
                            leeway=LEEWAY_SECONDS, options={"require": ["exp", "iat", "iss", "aud", "sub", "nonce"],
                                                            "verify_iat": True},
                            # PyJWT reads the clock itself; a given ``now`` is checked below as well
                            )
    except jwt.ExpiredSignatureError as error:
        raise LtiMessageError("The launch has expired. Open microcred again from your course.", reason="expired") from error
    except jwt.InvalidAudienceError as error:
        raise LtiMessageError("The launch was meant for another tool.", reason="audience") from error
    except jwt.InvalidIssuerError as error:
        raise LtiMessageError("The launch came from another platform than the one registered.", reason="issuer") from error
    except jwt.InvalidSignatureError as error:
        raise LtiMessageError("The launch's signature does not verify.", reason="signature") from error
    except jwt.MissingRequiredClaimError as error:
        raise LtiMessageError(f"The launch lacks the “{error.claim}” claim.", reason="missing_claim") from error
    except jwt.PyJWTError as error:
        raise LtiMessageError("The launch's id_token was refused.", reason="invalid") from error
    if claims["exp"] + LEEWAY_SECONDS < now or claims["iat"] - LEEWAY_SECONDS > now:
        raise LtiMessageError("The launch has expired. Open microcred again from your course.", reason="expired")
    aud = claims["aud"]
    if isinstance(aud, list) and len(aud) > 1 and claims.get("azp") != client_id:
        raise LtiMessageError("The launch names several audiences but not this tool as authorized party.", reason="audience")
    if "azp" in claims and claims["azp"] != client_id:
        raise LtiMessageError("The launch was meant for another tool.", reason="audience")
    if claims.get(DEPLOYMENT_ID) not in deployment_ids:
        raise LtiMessageError("This course's deployment of microcred is not registered here. Ask your LMS "
                              "administrator to add its deployment id.", reason="deployment")
    if claims.get(MESSAGE_TYPE) not in LAUNCH_TYPES:
        raise LtiMessageError("This kind of launch is not supported.", reason="message_type")
    if claims.get(VERSION) != "1.3.0":
        raise LtiMessageError("Only LTI 1.3.0 launches are supported.", reason="version")
    if not isinstance(claims.get(ROLES, []), list):
        raise LtiMessageError("The launch's roles are not a list.", reason="malformed")
    if claims[MESSAGE_TYPE] == RESOURCE_LINK_REQUEST and not (claims.get(RESOURCE_LINK) or {}).get("id"):
        raise LtiMessageError("The launch names no resource link.", reason="missing_claim")
    if claims[MESSAGE_TYPE] == DEEP_LINKING_REQUEST and not (claims.get(DL_SETTINGS) or {}).get("deep_link_return_url"):
        raise LtiMessageError("The deep-linking request names no return address.", reason="missing_claim")
    return claims


def auth_request_params(*, client_id: str, redirect_uri: str, login_hint: str, lti_message_hint: str | None,
                        state: str, nonce: str) -> dict:
    """The OIDC authentication request the tool sends the browser to (LTI 1.3 Core §5.1.1.2, Security Framework §5.1.1)."""
    params = {"scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none",
              "client_id": client_id, "redirect_uri": redirect_uri, "login_hint": login_hint, "state": state,
              "nonce": nonce}
    if lti_message_hint:
        params["lti_message_hint"] = lti_message_hint
    return params


def deep_linking_response(*, client_id: str, issuer: str, deployment_id: str, content_items: list[dict],
                          data: str | None, now: float | None = None) -> dict:
    """The claims of an LtiDeepLinkingResponse (Deep Linking 2.0 §4.2): the tool speaks as ``client_id`` to the platform."""
    now = int(time.time() if now is None else now)
    claims = {"iss": client_id, "aud": issuer, "azp": client_id, "iat": now, "exp": now + 600, "nonce": new_secret(),
              MESSAGE_TYPE: DEEP_LINKING_RESPONSE, VERSION: "1.3.0", DEPLOYMENT_ID: deployment_id,
              DL_CONTENT_ITEMS: content_items}
    if data is not None:
        claims[DL_DATA] = data
    return claims


def resource_link_item(*, title: str, text: str, url: str, custom: dict, score_maximum: int | None = 1) -> dict:
    item = {"type": "ltiResourceLink", "title": title[:255], "text": text[:1000], "url": url, "custom": custom}
    if score_maximum:
        item["lineItem"] = {"scoreMaximum": score_maximum, "label": title[:255]}
    return item


def client_assertion(*, client_id: str, token_url: str, now: float | None = None) -> dict:
    """The claims of the JWT the tool authenticates with at the platform's token endpoint (Security Framework §4.1.1)."""
    now = int(time.time() if now is None else now)
    return {"iss": client_id, "sub": client_id, "aud": token_url, "iat": now, "exp": now + 300, "jti": str(uuid.uuid4())}


def sign(claims: dict, *, private_key, kid: str) -> str:
    return jwt.encode(claims, private_key, algorithm="RS256", headers={"kid": kid, "typ": "JWT"})


def score(*, user_id: str, earned: bool, timestamp: str) -> dict:
    """An AGS score (AGS 2.0 §3.4): submitted = pending a human's grading; earned = full marks, graded."""
    if earned:
        return {"userId": user_id, "scoreGiven": 1, "scoreMaximum": 1, "activityProgress": "Completed",
                "gradingProgress": "FullyGraded", "timestamp": timestamp}
    return {"userId": user_id, "activityProgress": "Submitted", "gradingProgress": "PendingManual", "timestamp": timestamp}


def scores_url(lineitem: str) -> str:
    """The line item's scores endpoint: ``/scores`` appended to its path, its query kept (AGS 2.0 §3.4)."""
    path, _, query = lineitem.partition("?")
    return f"{path.rstrip('/')}/scores" + (f"?{query}" if query else "")


def tool_configuration(*, title: str, description: str, domain: str, login_url: str, launch_url: str, jwks_url: str,
                       deep_link_url: str, logo_url: str = "") -> dict:
    """The tool's configuration: OpenID client metadata with the LTI tool configuration claim (LTI Dynamic
    Registration 1.0 §3.2), which an LMS admin can read or paste to register microcred."""
    document = {
        "application_type": "web", "response_types": ["id_token"], "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": login_url, "redirect_uris": [launch_url], "client_name": title,
        "jwks_uri": jwks_url, "token_endpoint_auth_method": "private_key_jwt", "scope": " ".join(TOOL_SCOPES),
        "https://purl.imsglobal.org/spec/lti-tool-configuration": {
            "domain": domain, "description": description, "target_link_uri": launch_url,
            "claims": ["iss", "sub", "name", "given_name", "family_name", "email"],
            "messages": [{"type": DEEP_LINKING_REQUEST, "target_link_uri": deep_link_url, "label": title,
                          "placements": ["ContentArea", "link_selection", "assignment_selection"]},
                         {"type": RESOURCE_LINK_REQUEST, "target_link_uri": launch_url}],
        },
    }
    if logo_url:
        document["logo_uri"] = logo_url
    return document
