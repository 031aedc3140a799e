"""Open Badges 2.0 assertions: read (JSON, compact JWS, or the URL baked in an image) and verify by the 2.0 rules.

No Django here. What can be verified depends on the badge and on whether online checking is on:
- signed (JWS): the signature with the issuer's public key (``verification.creator``, a CryptographicKey whose
  ``owner`` is the issuer). Offline the key must be one the platform has registered (``trusted_keys``); a key
  shipped with the badge vouches for nothing. Unknown key: "signature not verifiable offline".
- hosted: the assertion is what its issuer publishes at its ``id``. Offline that cannot be checked, and the report
  says exactly that; online the published copy is fetched and must be the same (410 Gone = revoked).
- always: the structure, ``revoked``, ``expires``/``issuedOn``, the recipient (plain or hashed e-mail,
  ``sha256$…``/``md5$…`` with the salt) against the importing earner's addresses, and the hosted id's origin.
- online only: the issuer's revocation list.

A failed check refuses the import; a check that could not be made ("not_checked") is shown with its reason.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Iterable
from urllib.parse import urlsplit

import jwt
from jwt.exceptions import InvalidSignatureError, PyJWTError

from .fetch import FetchError, Gone

MAX_BYTES = 2 * 1024 * 1024
OB2_CONTEXT = "https://w3id.org/openbadges/v2"
SIGNATURE_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]
PASSED, FAILED, NOT_CHECKED = "passed", "failed", "not_checked"

Fetch = Callable[[str], dict]


@dataclass
class Check:
    check: str
    status: str
    message: str


@dataclass
class OB2Report:
    container: str = "json"           # json | jws | png | svg | url
    kind: str = ""                    # signed | hosted
    assertion: dict | None = None
    badge: dict | None = None
    issuer: dict | None = None
    checks: list[Check] = field(default_factory=list)

    def add(self, check: str, status: str, message: str) -> None:
        self.checks.append(Check(check, status, message))

    @property
    def refused(self) -> bool:
        return any(c.status == FAILED for c in self.checks) or self.assertion is None

    @property
    def errors(self) -> list[Check]:
        return [c for c in self.checks if c.status == FAILED]

    @property
    def issuer_confirmed(self) -> bool:
        """The issuer itself vouched: a registered key's signature, or the copy its server publishes."""
        wanted = "signature" if self.kind == "signed" else "hosted"
        return not self.refused and any(c.check == wanted and c.status == PASSED for c in self.checks)

    def as_dict(self) -> dict:
        return {"standard": "Open Badges 2.0", "container": self.container, "verification_type": self.kind,
                "issuer_confirmed": self.issuer_confirmed,
                "checks": [{"check": c.check, "status": c.status, "message": c.message} for c in self.checks],
                "errors": [{"check": c.check, "message": c.message} for c in self.errors]}


# --- recognizing and parsing ---------------------------------------------------------------------------------------

def _b64json(part: str) -> Any:
    padded = part + "=" * (-len(part) % 4)
    return json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8"))


def _looks_like_jws(text: str) -> bool:
    parts = text.split(".")
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    return len(parts) == 3 and all(parts[:2]) and all(set(p) <= allowed for p in parts)


def _is_assertion(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    context = value.get("@context")
    contexts = context if isinstance(context, list) else [context]
    types = value.get("type") if isinstance(value.get("type"), list) else [value.get("type")]
    return OB2_CONTEXT in contexts or "Assertion" in types or ("recipient" in value and "badge" in value)


def is_ob2(text: str) -> bool:
    """Whether ``text`` (JSON or a compact JWS) is an Open Badges 2.0 assertion rather than an OB 3.0 credential."""
    text = text.strip()
    try:
        if _looks_like_jws(text):
            return _is_assertion(_b64json(text.split(".")[1]))
        if text.startswith("{") and len(text) <= MAX_BYTES:
            return _is_assertion(json.loads(text))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False
    return False


def _parse_json(text: str) -> dict:
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"the assertion is larger than {MAX_BYTES:,} bytes (2 MB)")
    try:
        value = json.loads(text)
    except RecursionError:
        raise ValueError("the assertion's JSON nests too deeply") from None
    except ValueError as error:
        raise ValueError(f"the assertion is not valid JSON ({error.msg}, line {error.lineno})") from None
    if not _is_assertion(value):
        raise ValueError("this is not an Open Badges 2.0 assertion (no recipient and badge)")
    return value


# --- the checks ----------------------------------------------------------------------------------------------------

def _time(value: Any) -> datetime | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):  # OB 1.x allowed Unix timestamps
        try:
            return datetime.fromtimestamp(value, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _id(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def _verification(assertion: dict) -> tuple[str, dict]:
    verification = assertion.get("verification") or assertion.get("verify") or {}
    if not isinstance(verification, dict):
        verification = {}
    kind = str(verification.get("type", "")).lower()
    kind = {"signedbadge": "signed", "hostedbadge": "hosted"}.get(kind, kind)
    return kind, verification


def _check_structure(assertion: dict, report: OB2Report) -> bool:
    problems = []
    if not _id(assertion):
        problems.append("it has no id")
    if not isinstance(assertion.get("recipient"), dict):
        problems.append("it has no recipient")
    if not (_id(assertion.get("badge")) or isinstance(assertion.get("badge"), dict)):
        problems.append("it names no badge")
    if _time(assertion.get("issuedOn")) is None:
        problems.append("issuedOn is missing or not a date")
    if report.kind not in ("signed", "hosted"):
        problems.append("its verification type is neither hosted nor signed")
    if problems:
        report.add("structure", FAILED, "Not a valid Open Badges 2.0 assertion: " + "; ".join(problems) + ".")
        return False
    report.add("structure", PASSED, "An Open Badges 2.0 assertion with an id, recipient, badge and issue date.")
    return True


def _check_dates(assertion: dict, report: OB2Report, now: datetime) -> None:
    issued, expires = _time(assertion.get("issuedOn")), assertion.get("expires")
    if issued and issued > now:
        report.add("expiry", FAILED, f"It claims to be issued in the future ({assertion.get('issuedOn')}).")
    elif expires not in (None, "") and _time(expires) is None:
        report.add("expiry", FAILED, "Its expiry date cannot be read.")
    elif expires not in (None, "") and _time(expires) <= now:
        report.add("expiry", FAILED, f"It expired on {_time(expires):%b %d, %Y}.")
    else:
        report.add("expiry", PASSED, "Not expired." if expires else "It does not expire.")
    if assertion.get("revoked") is True:
        reason = str(assertion.get("revocationReason") or "")[:200]
        report.add("revocation", FAILED, "Its issuer revoked it" + (f": {reason}" if reason else "."))


def _hash_matches(identity: str, salt: str, email: str) -> bool:
    algorithm, _, digest = identity.partition("$")
    algorithm = algorithm.lower()
    if algorithm not in ("sha256", "md5") or not digest:
        return False
    for candidate in {email, email.lower()}:
        computed = hashlib.new(algorithm, (candidate + salt).encode("utf-8")).hexdigest()
        if hmac.compare_digest(computed, digest.lower()):
            return True
    return False


def _check_recipient(assertion: dict, emails: Iterable[str], report: OB2Report) -> None:
    recipient = assertion.get("recipient") or {}
    kind = str(recipient.get("type", "email")).lower()
    identity = recipient.get("identity")
    if kind != "email":
        report.add("recipient", FAILED, f"It was issued to a {kind[:40]!r} identity, not an e-mail address: it "
                                        "cannot be matched to you.")
        return
    if not isinstance(identity, str) or not identity:
        report.add("recipient", FAILED, "It names no recipient.")
        return
    emails = [e.strip() for e in emails if e and e.strip()]
    hashed = recipient.get("hashed") in (True, "true")
    salt = recipient.get("salt") if isinstance(recipient.get("salt"), str) else ""
    if hashed:
        if identity.partition("$")[0].lower() not in ("sha256", "md5"):
            report.add("recipient", FAILED, "Its recipient is hashed with an algorithm other than sha256 or md5.")
            return
        matched = any(_hash_matches(identity, salt, email) for email in emails)
    else:
        matched = identity.strip().lower() in {email.lower() for email in emails}
    if matched:
        report.add("recipient", PASSED, "Issued to your e-mail address.")
    else:
        report.add("recipient", FAILED, "It was issued to an e-mail address that is not yours (not the one on "
                                        "your account).")


def _check_origin(assertion: dict, verification: dict, report: OB2Report) -> None:
    """OB 2.0: a hosted assertion's id must be within ``startsWith``/``allowedOrigins``, by default on the issuer's
    own host — so a copy served from anywhere else does not count as the issuer's."""
    assertion_id = _id(assertion)
    starts = verification.get("startsWith")
    starts = [starts] if isinstance(starts, str) else [s for s in (starts or []) if isinstance(s, str)]
    origins = verification.get("allowedOrigins")
    origins = [origins] if isinstance(origins, str) else [o for o in (origins or []) if isinstance(o, str)]
    host = urlsplit(assertion_id).hostname or ""
    if urlsplit(assertion_id).scheme not in ("https", "http"):
        report.add("origin", FAILED, "A hosted assertion's id must be its https address.")
    elif starts and not any(assertion_id.startswith(s) for s in starts):
        report.add("origin", FAILED, "Its address is outside the places its issuer allows (startsWith).")
    elif origins and host not in origins:
        report.add("origin", FAILED, "Its address is outside the origins its issuer allows (allowedOrigins).")
    elif not starts and not origins:
        issuer_id = _id(report.issuer) or _id((report.badge or {}).get("issuer"))
        issuer_host = urlsplit(issuer_id).hostname or "" if issuer_id else ""
        if not issuer_host:
            report.add("origin", NOT_CHECKED, "Its issuer's address is not known here, so whether the assertion is "
                                              "hosted on its issuer's site could not be checked.")
        elif issuer_host != host:
            report.add("origin", FAILED, f"Its address ({host}) is not on its issuer's site ({issuer_host}).")
        else:
            report.add("origin", PASSED, "Its address is on its issuer's site.")
    else:
        report.add("origin", PASSED, "Its address is where its issuer allows.")


def _resolve(value: Any, fetch: Fetch | None, what: str, report: OB2Report) -> dict | None:
    """An embedded object as given; a URL fetched only online."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and fetch is not None:
        try:
            return fetch(value)
        except FetchError as error:
            report.add(what, NOT_CHECKED, f"The {what} could not be fetched: {error}.")
    return None


def _key_for(creator: str, issuer_id: str, trusted_keys: Iterable[dict]) -> dict | None:
    for key in trusted_keys:
        if not isinstance(key, dict):
            continue
        if creator and key.get("id") == creator:
            return key
        if not creator and issuer_id and key.get("owner") == issuer_id:
            return key
    return None


def _check_signature(token: str, assertion: dict, verification: dict, trusted_keys, fetch, report: OB2Report) -> None:
    creator = _id(verification.get("creator"))
    issuer_id = _id(report.issuer) or _id((report.badge or {}).get("issuer"))
    key = _key_for(creator, issuer_id, trusted_keys)
    source = "registered with this platform"
    if key is None and fetch is not None and creator:
        try:
            key = fetch(creator)
            source = "published by its issuer"
        except FetchError as error:
            report.add("signature", NOT_CHECKED, f"The issuer's key could not be fetched: {error}.")
            return
        issuer_doc = report.issuer if isinstance(report.issuer, dict) and report.issuer.get("publicKey") else None
        if issuer_doc is None and issuer_id:
            try:
                issuer_doc = fetch(issuer_id)
            except FetchError:
                issuer_doc = None
        listed = (issuer_doc or {}).get("publicKey")
        listed = listed if isinstance(listed, list) else [listed]
        if creator not in {_id(k) for k in listed}:
            report.add("signature", FAILED, "The signing key is not one its issuer's profile lists (publicKey).")
            return
    if key is None:
        report.add("signature", NOT_CHECKED, "Signature not verifiable offline: the issuer's public key "
                                             f"({creator[:200] or 'not named'}) is not registered with this platform.")
        return
    if issuer_id and key.get("owner") and key.get("owner") != issuer_id:
        report.add("signature", FAILED, "The signing key belongs to someone other than the badge's issuer.")
        return
    pem = key.get("publicKeyPem")
    if not isinstance(pem, str) or "PUBLIC KEY" not in pem:
        report.add("signature", FAILED, "The issuer's key has no usable publicKeyPem.")
        return
    try:
        jwt.api_jws.PyJWS().decode_complete(token, key=pem, algorithms=SIGNATURE_ALGORITHMS)
    except InvalidSignatureError:
        report.add("signature", FAILED, "The signature does not match: the assertion was changed after it was "
                                        "signed, or signed by another key.")
        return
    except (PyJWTError, ValueError, TypeError) as error:
        report.add("signature", FAILED, f"The signature cannot be checked: {str(error)[:200]}.")
        return
    report.add("signature", PASSED, f"Signed with its issuer's key ({source}).")


def _check_hosted(assertion: dict, fetch: Fetch | None, report: OB2Report) -> None:
    if fetch is None:
        report.add("hosted", NOT_CHECKED, "Hosted assertion not compared with the copy its issuer publishes: "
                                          "online checking is off, so it could not be verified offline.")
        return
    try:
        published = fetch(_id(assertion))
    except Gone:
        report.add("revocation", FAILED, "Its issuer revoked it (its address answers 410 Gone).")
        return
    except FetchError as error:
        report.add("hosted", NOT_CHECKED, f"The issuer's copy could not be fetched: {error}.")
        return
    if published.get("revoked") is True:
        report.add("revocation", FAILED, "Its issuer revoked it.")
    elif published != assertion:
        report.add("hosted", FAILED, "It differs from the copy its issuer publishes: it was changed.")
    else:
        report.add("hosted", PASSED, "Identical to the copy its issuer publishes at its address.")


def _check_revocation_list(assertion: dict, fetch: Fetch | None, report: OB2Report) -> None:
    if any(c.check == "revocation" for c in report.checks):
        return
    url = (report.issuer or {}).get("revocationList")
    if not url:
        report.add("revocation", PASSED if report.kind == "hosted" and fetch else NOT_CHECKED,
                   "Not revoked at its address." if report.kind == "hosted" and fetch
                   else "Its issuer publishes no revocation list that could be read here.")
        return
    if fetch is None:
        report.add("revocation", NOT_CHECKED, "Its issuer's revocation list was not checked (online checking is off).")
        return
    try:
        listing = fetch(_id(url))
    except FetchError as error:
        report.add("revocation", NOT_CHECKED, f"The revocation list could not be fetched: {error}.")
        return
    revoked = listing.get("revokedAssertions") or []
    ids = {_id(entry) or (entry if isinstance(entry, str) else "") for entry in revoked if entry}
    if _id(assertion) in ids or (assertion.get("uid") and assertion.get("uid") in ids):
        report.add("revocation", FAILED, "Its issuer's revocation list says it is revoked.")
    else:
        report.add("revocation", PASSED, "Not on its issuer's revocation list.")


def verify_assertion(payload: str, *, container: str, recipient_emails: Iterable[str], trusted_keys: Iterable[dict] = (),
                     fetch: Fetch | None = None, now: datetime | None = None) -> OB2Report:
    """Verify an Open Badges 2.0 assertion given as JSON, a compact JWS, or (online only) its URL."""
    now = now or datetime.now(timezone.utc)
    report = OB2Report(container=container)
    text = (payload or "").strip()
    token = None
    try:
        if _looks_like_jws(text):
            token = text
            header = _b64json(text.split(".")[0])
            if not isinstance(header, dict) or header.get("alg") not in SIGNATURE_ALGORITHMS:
                raise ValueError("the signature's algorithm is missing or not allowed")
            assertion = _b64json(text.split(".")[1])
            if not _is_assertion(assertion):
                raise ValueError("the signed document is not an Open Badges 2.0 assertion")
            report.container = container if container != "json" else "jws"
        elif text.startswith(("https://", "http://")) and len(text) < 2000 and " " not in text:
            if fetch is None:
                raise ValueError("it holds only the address of its assertion; fetching it needs online checking, "
                                 "which is off here. Import the assertion's JSON instead")
            try:
                assertion = fetch(text)
            except FetchError as error:
                raise ValueError(f"the assertion could not be fetched: {error}") from None
            if not _is_assertion(assertion):
                raise ValueError("the address does not serve an Open Badges 2.0 assertion")
        else:
            assertion = _parse_json(text)
    except (ValueError, UnicodeDecodeError, RecursionError, TypeError) as error:
        message = str(error) if isinstance(error, ValueError) and not isinstance(error, UnicodeDecodeError) \
            else "it is not readable as an Open Badges 2.0 assertion"
        report.add("parse", FAILED, message[0].upper() + message[1:] + ".")
        return report
    report.assertion = assertion
    report.add("parse", PASSED, "Read as an Open Badges 2.0 assertion.")
    report.kind, verification = _verification(assertion)
    if token and report.kind != "signed":
        report.add("structure", FAILED, "A signed assertion must say its verification type is signed.")
        return report
    if not token and report.kind == "signed":
        report.add("structure", FAILED, "It says it is signed, but this is not the signature (JWS): import the "
                                        "signed form.")
        return report
    if not _check_structure(assertion, report):
        return report
    report.badge = _resolve(assertion.get("badge"), fetch, "badge", report)
    report.issuer = _resolve((report.badge or {}).get("issuer"), fetch, "issuer", report) if report.badge else None
    _check_dates(assertion, report, now)
    _check_recipient(assertion, recipient_emails, report)
    if report.kind == "signed":
        _check_signature(token, assertion, verification, trusted_keys, fetch, report)
    else:
        _check_origin(assertion, verification, report)
        _check_hosted(assertion, fetch, report)
    _check_revocation_list(assertion, fetch, report)
    return report


def summary(report: OB2Report) -> dict:
    """What the import keeps: names, ids and dates, as plain text of bounded length."""
    assertion, badge, issuer = report.assertion or {}, report.badge or {}, report.issuer or {}

    def text(value, limit):
        return value.strip()[:limit] if isinstance(value, str) else ""

    return {
        "credential_id": text(_id(assertion), 1000),
        "achievement_name": text(badge.get("name"), 500) or text(_id(assertion.get("badge")), 500),
        "issuer_id": text(_id(issuer) or _id(badge.get("issuer")), 1000) or "unknown",
        "issuer_name": text(issuer.get("name"), 500),
        "valid_from": _time(assertion.get("issuedOn")),
        "valid_until": _time(assertion.get("expires")) if assertion.get("expires") else None,
    }
