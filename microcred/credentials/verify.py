"""Verify an Open Badges 3.0 credential, JSON (embedded Data Integrity proof) or VC-JWT, and say why at each step.

:func:`verify_credential` never raises. It runs the checks in order — parse, schema, proof, status, validity —
and reports each as passed, failed (with a specific reason) or skipped (an earlier failure made it moot).
Everything is offline: keys and status lists come from this platform's database, from ``did:key``, or from
documents the caller supplies; anything else is a clear failure, never a network fetch.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from datetime import timezone as dt_timezone
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from . import dataintegrity, keys, status, vcjwt
from .models import IssuerKey

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
SCHEMA_FILE = Path(__file__).resolve().parent / "schemas" / "ob_v3p0_achievementcredential_schema.json"
CHECKS = ("parse", "schema", "proof", "status", "validity")
VC_V2 = "https://www.w3.org/ns/credentials/v2"


@dataclass
class CheckResult:
    check: str
    status: str  # passed | failed | skipped
    message: str

    @property
    def ok(self) -> bool:
        return self.status == "passed"


@dataclass
class Report:
    """Per-check results; ``verified`` only when every check passed."""

    format: str = "unknown"
    checks: list[CheckResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    credential: dict | None = None

    @property
    def verified(self) -> bool:
        return len(self.checks) == len(CHECKS) and all(c.ok for c in self.checks)

    @property
    def errors(self) -> list[CheckResult]:
        return [c for c in self.checks if c.status == "failed"]

    def get(self, name: str) -> CheckResult | None:
        return next((c for c in self.checks if c.check == name), None)

    def failed(self, name: str) -> bool:
        check = self.get(name)
        return check is not None and check.status == "failed"

    def as_dict(self) -> dict:
        """VC API style: checks, warnings, errors, verified."""
        return {
            "verified": self.verified,
            "format": self.format,
            "checks": [{"check": c.check, "status": c.status, "message": c.message} for c in self.checks],
            "warnings": list(self.warnings),
            "errors": [{"check": c.check, "message": c.message} for c in self.errors],
        }


class _Stop(Exception):
    pass


# --- parsing -----------------------------------------------------------------------------------------------------



def _shown(value: Any) -> str:
    """A value from the document as a message shows it: its repr, cut to 200 characters, and never an exception
    (Python refuses to print an integer of more than 4,300 digits)."""
    try:
        text = repr(value)
    except ValueError:
        return f"a {value.bit_length()}-bit integer" if isinstance(value, int) else "a value too large to print"
    return text if len(text) <= 200 else text[:199] + "…"

def _text_depth_exceeds(text: str, limit: int) -> bool:
    """Whether JSON text nests arrays/objects deeper than ``limit`` (checked before parsing, which recurses)."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _value_depth_exceeds(value: Any, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if depth > limit:
                return True
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)
    return False


def _looks_like_jwt(text: str) -> bool:
    parts = text.split(".")
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    return len(parts) == 3 and all(parts[:2]) and all(set(p) <= allowed for p in parts)


def parse_input(data: Any) -> tuple[str, Any]:
    """("json", dict) or ("jwt", token); raises ValueError with the reason."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        data = bytes(data)
        if len(data) > MAX_BYTES:
            raise ValueError(f"input is {len(data):,} bytes; the limit is {MAX_BYTES:,} bytes (2 MB)")
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValueError(f"input is not UTF-8 text: {error}") from None
    if isinstance(data, str):
        if len(data.encode("utf-8")) > MAX_BYTES:
            raise ValueError(f"input is larger than the {MAX_BYTES:,}-byte (2 MB) limit")
        text = data.strip()
        if not text:
            raise ValueError("input is empty")
        if _looks_like_jwt(text):
            return "jwt", text
        if _text_depth_exceeds(text, MAX_DEPTH):
            raise ValueError(f"JSON nests deeper than {MAX_DEPTH} levels")
        try:
            value = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as error:
            raise ValueError(f"input is neither JSON nor a JWT: {error}") from None
        if isinstance(value, str) and _looks_like_jwt(value.strip()):
            return "jwt", value.strip()
        data = value
    if isinstance(data, dict):
        if _value_depth_exceeds(data, MAX_DEPTH):
            raise ValueError(f"JSON nests deeper than {MAX_DEPTH} levels")
        return "json", data
    raise ValueError(f"expected a credential (JSON object) or a VC-JWT, got {type(data).__name__}")


# --- schema ------------------------------------------------------------------------------------------------------

_validator = None
# Where an operator keeps the official schema (1EdTech publishes it; no package registry ships it): this
# environment variable or `microcred verify --schema FILE` switches the schema check to full validation.
SCHEMA_ENV = "MICROCRED_OB3_SCHEMA"


def use_schema(path) -> None:
    """Validate against this JSON Schema file from now on. ValueError with a clear message if it is unusable."""
    global _validator
    from jsonschema import Draft201909Validator
    from jsonschema.exceptions import SchemaError

    try:
        schema = json.loads(Path(path).read_text(encoding="utf-8"))
        Draft201909Validator.check_schema(schema)
    except OSError as error:
        raise ValueError(f"cannot read the schema file {path}: {error.strerror or error}") from None
    except (ValueError, SchemaError) as error:
        raise ValueError(f"{path} is not a JSON Schema: {str(error)[:200]}") from None
    _validator = Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)


def _schema_validator():
    if _validator is None:
        configured = os.environ.get(SCHEMA_ENV)
        if configured:
            use_schema(configured)
        elif SCHEMA_FILE.exists():
            use_schema(SCHEMA_FILE)
    return _validator


def _types(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _minimal_structure_problems(credential: dict) -> list[str]:
    """The OB 3.0 AchievementCredential's required structure, for when the formal schema is not shipped."""
    problems = []
    for name in ("@context", "id", "type", "credentialSubject", "issuer", "validFrom"):
        if name not in credential:
            problems.append(f"'{name}' is required")
    context = credential.get("@context")
    if not (isinstance(context, list) and len(context) >= 2 and context[0] == VC_V2
            and isinstance(context[1], str) and context[1].startswith("https://purl.imsglobal.org/spec/ob/v3p0/context")):
        problems.append("@context must start with the VC 2.0 context and then an OB 3.0 context")
    types = credential.get("type")
    if not (isinstance(types, list) and "VerifiableCredential" in types
            and ({"OpenBadgeCredential", "AchievementCredential"} & set(t for t in types if isinstance(t, str)))):
        problems.append("type must be an array with VerifiableCredential and OpenBadgeCredential")
    issuer = credential.get("issuer")
    if not (isinstance(issuer, str) or (isinstance(issuer, dict) and isinstance(issuer.get("id"), str))):
        problems.append("issuer must be a Profile with an id")
    subject = credential.get("credentialSubject")
    if not isinstance(subject, dict) or "AchievementSubject" not in _types(subject.get("type")):
        problems.append("credentialSubject must be an AchievementSubject")
    else:
        achievement = subject.get("achievement")
        if not isinstance(achievement, dict):
            problems.append("credentialSubject.achievement is required")
        else:
            for name in ("id", "type", "name", "description", "criteria"):
                if name not in achievement:
                    problems.append(f"credentialSubject.achievement.{name} is required")
    for name in ("proof", "credentialSchema", "evidence"):
        if name in credential and not isinstance(credential[name], list):
            problems.append(f"{name} must be an array")
    if isinstance(credential.get("validFrom"), str) and _parse_time(credential["validFrom"]) is None:
        problems.append("validFrom is not an ISO 8601 date-time")
    return problems


def _check_schema(credential: dict, report: Report) -> tuple[bool, str]:
    validator = _schema_validator()
    if validator is not None:
        errors = sorted(validator.iter_errors(credential), key=lambda e: list(e.absolute_path))
        if errors:
            shown = "; ".join(f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:200]}" for e in errors[:5])
            return False, f"{len(errors)} schema error(s): {shown}"
        return True, "valid against the OB 3.0 AchievementCredential JSON Schema"
    report.warnings.append("the formal OB 3.0 JSON Schema is not shipped; checked the required structure only "
                           f"(give the official schema with --schema FILE or {SCHEMA_ENV})")
    problems = _minimal_structure_problems(credential)
    if problems:
        return False, "; ".join(problems)
    return True, "has the required OB 3.0 AchievementCredential structure"


# --- keys and documents ---------------------------------------------------------------------------------------


class _Documents:
    """Caller-supplied documents (controller/key documents, status list credentials), found by id."""

    def __init__(self, documents: Mapping[str, Any] | Iterable[Any] | None):
        self.by_id: dict[str, dict] = {}
        items = documents.items() if isinstance(documents, Mapping) else ((None, d) for d in (documents or []))
        for url, document in items:
            if not isinstance(document, dict):
                continue
            if url:
                self.by_id[url] = document
            if isinstance(document.get("id"), str):
                self.by_id.setdefault(document["id"], document)
            for method in document.get("verificationMethod") or []:
                if isinstance(method, dict) and isinstance(method.get("id"), str):
                    self.by_id.setdefault(method["id"], method)

    def get(self, url: str) -> dict | None:
        return self.by_id.get(url)


def _method_from_documents(documents: _Documents, method_id: str) -> dict | None:
    method = documents.get(method_id)
    if method is None:
        return None
    if method.get("revoked"):
        raise LookupError(f"key {method_id} was revoked on {method['revoked']}")
    return method


def _ed25519_resolver(documents: _Documents, controllers: dict):
    def resolve(method_id: str) -> Ed25519PublicKey:
        method = _method_from_documents(documents, method_id)
        if method is not None:
            if method.get("type") != "Multikey" or not method.get("publicKeyMultibase"):
                raise LookupError(f"{method_id} is not an Ed25519 Multikey")
            controllers[method_id] = method.get("controller")
            return dataintegrity.public_key_from_multikey(method["publicKeyMultibase"])
        if isinstance(method_id, str) and method_id.startswith("did:key:"):
            controllers[method_id] = None  # self-certifying: nothing binds it to an issuer id (see warning)
            return dataintegrity.resolve_did_key(method_id)
        try:
            key = keys.find_key(method_id)
        except keys.KeyNotFound as error:
            raise LookupError(f"{error} (and no key document for it was supplied; nothing is fetched)") from None
        if key.algorithm != IssuerKey.Algorithm.ED25519:
            raise LookupError(f"{method_id} is a {key.algorithm} key, not Ed25519")
        controllers[method_id] = keys.issuer_url(key.organization)
        return keys.ed25519_public_key(key)
    return resolve


def _p256_key(documents: _Documents, kid: str):
    """(public key, controller) for a JWT's kid."""
    method = _method_from_documents(documents, kid)
    if method is not None:
        jwk = method.get("publicKeyJwk") or (method if method.get("kty") else None)
        if jwk is None:
            raise LookupError(f"{kid} has no publicKeyJwk")
        return keys.ec_public_key_from_jwk(jwk), method.get("controller")
    try:
        key = keys.find_key(kid)
    except keys.KeyNotFound as error:
        raise LookupError(f"{error} (and no key document for it was supplied; nothing is fetched)") from None
    if key.algorithm != IssuerKey.Algorithm.P256:
        raise LookupError(f"{kid} is a {key.algorithm} key, not P-256")
    return keys.ec_public_key_from_jwk(keys.public_jwk(key)), keys.issuer_url(key.organization)


def _issuer_id(credential: dict):
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def _controller_matches(controller: str | None, issuer_id: str | None) -> bool:
    if controller is None:
        return True  # a bare key document with no controller: nothing to compare
    return controller == issuer_id or (isinstance(issuer_id, str) and issuer_id.startswith("did:")
                                       and controller.partition("#")[0] == issuer_id)


def _check_json_proof(credential: dict, documents: _Documents, report: Report) -> tuple[bool, str]:
    controllers: dict = {}
    result = dataintegrity.verify(credential, resolve_key=_ed25519_resolver(documents, controllers))
    if not result.ok:
        return False, result.reason
    issuer_id = _issuer_id(credential)
    for method_id, controller in controllers.items():
        if controller is None and method_id.partition("#")[0] != issuer_id:
            # As the 1EdTech validator does, accept a did:key proof on a credential whose issuer is not that DID.
            report.warnings.append(f"the signing key {method_id.partition('#')[0]} is not the issuer's id {issuer_id}")
        if not _controller_matches(controller, issuer_id):
            return False, f"key {method_id} belongs to {controller}, not to the issuer {issuer_id}"
    return True, "eddsa-rdfc-2022 proof verifies with the issuer's key"


def _check_jwt(token: str, documents: _Documents) -> tuple[dict | None, bool, str]:
    """(credential or None, ok, message) for a VC-JWT."""
    import jwt as pyjwt

    try:
        header, payload = vcjwt.unverified_parts(token)
    except pyjwt.PyJWTError as error:
        return None, False, f"not a well-formed JWT: {error}"
    if not isinstance(payload, dict):
        return None, False, "JWT payload is not a JSON object"
    if _value_depth_exceeds(payload, MAX_DEPTH):
        return None, False, f"JWT payload nests deeper than {MAX_DEPTH} levels"
    credential = vcjwt.credential_from_claims(payload)
    if header.get("alg") != vcjwt.ALGORITHM:
        return credential, False, f"JWT alg is {_shown(header.get('alg'))}; only ES256 is accepted"
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        return credential, False, "JWT header has no kid naming the signing key"
    try:
        public_key, controller = _p256_key(documents, kid)
    except Exception as error:  # noqa: BLE001 — an unresolvable key is a failed check, not a crash
        return credential, False, f"could not resolve key {_shown(kid)}: {error}"
    try:
        # Dates are judged by the validity check on the credential, so nbf/exp are not enforced here.
        claims = pyjwt.decode(token, public_key, algorithms=[vcjwt.ALGORITHM],
                              options={"require": ["iss", "jti", "nbf"], "verify_aud": False,
                                       "verify_nbf": False, "verify_exp": False, "verify_iat": False})
    except pyjwt.InvalidSignatureError:
        return credential, False, "ES256 signature does not match the JWT header and payload"
    except pyjwt.PyJWTError as error:
        return credential, False, f"JWT rejected: {error}"
    issuer_id = _issuer_id(credential)
    if claims.get("iss") != issuer_id:
        return credential, False, f"iss {_shown(claims.get('iss'))} is not the credential's issuer {_shown(issuer_id)}"
    if claims.get("jti") != credential.get("id"):
        return credential, False, f"jti {_shown(claims.get('jti'))} is not the credential's id {_shown(credential.get('id'))}"
    if not _controller_matches(controller, issuer_id):
        return credential, False, f"key {kid} belongs to {controller}, not to the issuer {issuer_id}"
    return credential, True, "ES256 JWT signature verifies with the issuer's key"


# --- status and validity -----------------------------------------------------------------------------------


def _check_status(credential: dict, documents: _Documents) -> tuple[bool, str]:
    entries = credential.get("credentialStatus")
    if entries is None:
        return True, "no credentialStatus: the credential cannot be revoked"
    messages = []
    for entry in _types(entries):
        if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
            return False, f"status unknown: unsupported credentialStatus {_shown(entry.get('type') if isinstance(entry, dict) else entry)}"
        url, purpose = entry.get("statusListCredential"), entry.get("statusPurpose")
        try:
            index = int(entry.get("statusListIndex"))
            if index < 0:
                raise ValueError
        except (TypeError, ValueError):
            return False, f"statusListIndex {_shown(entry.get('statusListIndex'))} is not a non-negative integer"
        ours = status.find_status_list(url)
        if ours is not None:
            bits, list_purpose = bytes(ours.bits), ours.purpose
        else:
            document = documents.get(url) if isinstance(url, str) else None
            if document is None:
                return False, f"status unknown: status list {_shown(url)} is not available offline (supply it to check)"
            result = dataintegrity.verify(document, resolve_key=_ed25519_resolver(documents, {}))
            if not result.ok:
                return False, f"status unknown: status list {url} does not verify ({result.reason})"
            subject = document.get("credentialSubject") or {}
            list_purpose = subject.get("statusPurpose")
            try:
                bits = status.decode_list(subject.get("encodedList"))
            except Exception as error:  # noqa: BLE001
                return False, f"status unknown: status list {url} has a bad encodedList ({error})"
        if list_purpose != purpose:
            return False, f"status list {url} is for {_shown(list_purpose)}, the entry says {_shown(purpose)}"
        if index >= len(bits) * 8:
            return False, f"statusListIndex {_shown(index)} is outside the status list ({len(bits) * 8} entries)"
        if status.get_bit(bits, index):
            word = {"revocation": "revoked", "suspension": "suspended"}.get(purpose, f"flagged ({purpose})")
            return False, f"the credential has been {word} by its issuer"
        messages.append({"revocation": "not revoked", "suspension": "not suspended"}.get(purpose, f"{purpose}: bit clear"))
    return True, "; ".join(messages)


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt_timezone.utc)


def _check_validity(credential: dict, now: datetime) -> tuple[bool, str]:
    valid_from = _parse_time(credential.get("validFrom"))
    if valid_from is None:
        return False, f"validFrom {_shown(credential.get('validFrom'))} is not an ISO 8601 date-time"
    if valid_from > now:
        return False, f"not valid yet: validFrom {credential['validFrom']} is in the future"
    if "validUntil" in credential:
        valid_until = _parse_time(credential.get("validUntil"))
        if valid_until is None:
            return False, f"validUntil {_shown(credential.get('validUntil'))} is not an ISO 8601 date-time"
        if valid_until < now:
            return False, f"expired: validUntil {credential['validUntil']} has passed"
        return True, f"valid from {credential['validFrom']} until {credential['validUntil']}"
    return True, f"valid from {credential['validFrom']}, no expiry"


# --- entry point -------------------------------------------------------------------------------------------------


def verify_credential(data: bytes | str | dict, *, key_documents: Mapping[str, Any] | Iterable[Any] | None = None,
                      now: datetime | None = None) -> Report:
    """Verify a credential (JSON bytes/text/object, or a VC-JWT). Never raises; see :class:`Report`."""
    report = Report()
    now = now or datetime.now(dt_timezone.utc)

    def add(name: str, ok: bool, message: str) -> None:
        report.checks.append(CheckResult(name, "passed" if ok else "failed", message))

    try:
        documents = _Documents(key_documents)
        try:
            kind, value = parse_input(data)
        except ValueError as error:
            add("parse", False, str(error))
            raise _Stop from None
        report.format = kind
        if kind == "json":
            credential = value
            add("parse", True, "a JSON credential")
            report.credential = credential
            add("schema", *_check_schema(credential, report))
            add("proof", *_check_json_proof(credential, documents, report))
        else:
            credential, ok, message = _check_jwt(value, documents)
            if credential is None:
                add("parse", False, message)
                raise _Stop
            add("parse", True, "a VC-JWT")
            report.credential = credential
            add("schema", *_check_schema(credential, report))
            add("proof", ok, message)
        add("status", *_check_status(credential, documents))
        add("validity", *_check_validity(credential, now))
    except _Stop:
        pass
    except Exception as error:  # noqa: BLE001 — verification must never raise on hostile input
        report.checks.append(CheckResult("internal", "failed", f"{type(error).__name__}: {error}"))
    done = {c.check for c in report.checks}
    for name in CHECKS:
        if name not in done:
            report.checks.append(CheckResult(name, "skipped", "not checked: an earlier check failed"))
    return report
