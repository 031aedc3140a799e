"""Verify an Open Badges 3.0 credential, JSON (embedded Data Integrity proof) or VC-JWT, and say why at each step.

:func:`verify_credential` never raises. It runs the checks in order — parse, schema, proof, status, validity —
and reports each as passed, failed (with a specific reason) or skipped (an earlier failure made it moot).
Issuer binding (VC Data Model 2.0 §"Issuer", Data Integrity §"Verify Proof"): a proof verifies only if its key
is controlled by the credential's ``issuer``. Where a key may come from, in this order:

1. the platform's own issuer keys (``Platform.platform_key``), bound only to that issuer's ids;
2. documents a *trusted caller* vouches for (``key_documents``: tests, or the operator's ``microcred verify
   --trust-key FILE``), bound to the controller they name; the web page and the API never pass any, because a
   document supplied by whoever presents a credential vouches for nothing;
3. the key documents of a registered known issuer (``Platform.known_issuer``);
4. a ``did:key``, which is controlled only by itself: it binds only when the issuer *is* that did:key;
5. in online mode, the issuer's own did:web / https document (``Platform.issuer_document``).

Anything else is a clear failure. Separately the report says whether the issuer is *known* to this platform (its
own issuers, registered known issuers, or vouched for by the trusted caller): a bound proof from an unknown issuer
is cryptographically valid, and shown as "signed by an issuer this platform does not know".

This is the pure core: no Django. What only the platform knows (its keys, its registry of known issuers, its
status lists, its settings, fetching over the network) comes in through a :class:`Platform` of callbacks; without
one (``NO_PLATFORM``) only trusted documents and did:key bind, offline. The Django adapter that plugs in the
database and settings is ``microcred.credentials.verify``.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from datetime import timezone as dt_timezone
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote

from cachetools import LRUCache
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from . import bitstring, dataintegrity, vcjwt

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"
# The JSON-LD adaptation of the OB 3.0 AchievementCredential schema: the file credentials' credentialSchema names,
# which accepts a single proof object as VC 2.0 does (the "formal" variant insists on an array).
SCHEMA_FILE = SCHEMAS_DIR / "ob_v3p0_achievementcredential_schema.jsonld-adaptation.json"
CLR_SCHEMA_FILE = SCHEMAS_DIR / "clr_v2p0_clrcredential_schema.json"
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
class IssuerTrust:
    """Who issued the credential, and whether this platform knows that issuer (judged only if the proof binds)."""

    id: str | None = None
    known: bool = False
    how: str = "not judged: the proof did not verify with a key of the issuer"

    def as_dict(self) -> dict:
        return {"id": self.id, "known": self.known, "how": self.how}


UNKNOWN_ISSUER = "signed by an issuer this platform does not know"


@dataclass
class Report:
    """Per-check results; ``verified`` only when every check passed (the proof check includes issuer binding).

    ``issuer.known`` is reported separately: ``trusted`` is verified *and* from a known issuer."""

    format: str = "unknown"
    checks: list[CheckResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    credential: dict | None = None
    issuer: IssuerTrust = field(default_factory=IssuerTrust)
    nested: list[Report] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return len(self.checks) == len(CHECKS) and all(c.ok for c in self.checks)

    @property
    def issuer_known(self) -> bool:
        return self.verified and self.issuer.known

    @property
    def trusted(self) -> bool:
        """Verified, and signed by an issuer known to this platform."""
        return self.issuer_known

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
            "issuer_known": self.issuer_known,
            "issuer": self.issuer.as_dict(),
            **({"nested": [n.as_dict() for n in self.nested]} if self.nested else {}),
        }


class _Stop(Exception):
    pass


# --- what only the platform knows (callbacks) ----------------------------------------------------------------------


class DocumentUnavailable(LookupError):
    """An online document could not or may not be fetched; the message says why."""


@dataclass(frozen=True)
class PlatformKey:
    """One of the platform's own issuer keys: its verification method and the issuer ids it is bound to (the
    issuer URL first, then its did:web)."""

    method: dict
    issuer_ids: tuple[str, ...]


@dataclass(frozen=True)
class RegisteredIssuer:
    """A known issuer registered on the platform: its key documents, and how the report describes it."""

    identifier: str
    key_documents: Any
    description: str


def _nothing(_: Any) -> None:
    return None


def _unavailable(url: str) -> dict:
    raise DocumentUnavailable(f"online lookup is not available here ({url[:200]!r} not fetched)")


@dataclass(frozen=True)
class Platform:
    """The verifier's seams. Every callback may be called lazily, at most once per key/list per credential.

    - ``platform_key(method_id)``: a :class:`PlatformKey`, None if the method is not one of the platform's keys;
      LookupError (with the reason shown) if it is one that may not be used (revoked);
    - ``own_issuer(issuer_id)``: the name of the platform's own issuer with that id, or None;
    - ``known_issuer(issuer_id)``: a :class:`RegisteredIssuer`, or None;
    - ``status_list(url)``: ``(bits, purpose)`` of the platform's own status list at ``url``, or None;
    - ``issuer_document(issuer_id)`` / ``fetch_document(url)``: online mode only; DocumentUnavailable if refused;
    - ``online_enabled()``: whether online mode is on when the caller does not say.
    """

    platform_key: Callable[[str], PlatformKey | None] = _nothing
    own_issuer: Callable[[str], str | None] = _nothing
    known_issuer: Callable[[str], RegisteredIssuer | None] = _nothing
    status_list: Callable[[Any], tuple[bytes, str] | None] = _nothing
    issuer_document: Callable[[str], dict] = lambda issuer_id: _unavailable(document_url(issuer_id))
    fetch_document: Callable[[str], dict] = _unavailable
    online_enabled: Callable[[], bool] = lambda: False


NO_PLATFORM = Platform()


def document_url(issuer_id: str) -> str:
    """Where an issuer's own document lives: did:web per the did:web method; an https issuer id is itself a URL."""
    if issuer_id.startswith("did:web:"):
        parts = [unquote(part) for part in issuer_id[len("did:web:"):].split(":")]
        host, path = parts[0], parts[1:]
        return f"https://{host}/{'/'.join(path)}/did.json" if path else f"https://{host}/.well-known/did.json"
    return issuer_id


# --- parsing -----------------------------------------------------------------------------------------------------



def _shown(value: Any) -> str:
    """A value from the document as a message shows it: its repr, cut to 200 characters, and never an exception
    (Python refuses to print an integer of more than 4,300 digits)."""
    try:
        text = repr(value)
    except ValueError:
        return f"a {value.bit_length()}-bit integer" if isinstance(value, int) else "a value too large to print"
    return text if len(text) <= 200 else text[:199] + "…"

# String literals (an unterminated one runs to the end), dropped before brackets are counted; then every opening
# bracket becomes "(" and every closing one ")", and everything else goes.
_JSON_STRINGS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.S)
_PARENTHESES = bytes.maketrans(b"[{]}", b"(())")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def _text_depth_exceeds(text: str, limit: int) -> bool:
    """Whether JSON text nests arrays/objects deeper than ``limit`` (checked before parsing, which recurses).

    Cheap (issue 18): all in C. Strings and all but the brackets are dropped, then the innermost pairs "()" are
    removed ``limit`` times; any bracket left nests deeper. Exact for JSON; for text that is not JSON it may say
    "deeper" where the parser would have refused it anyway."""
    if text.count("[") + text.count("{") <= limit:
        return False
    brackets = _JSON_STRINGS.sub(b"", text.encode("utf-8", "surrogatepass")).translate(_PARENTHESES, _NOT_BRACKETS)
    for _ in range(limit):
        fewer = brackets.replace(b"()", b"")
        if len(fewer) == len(brackets):
            break
        brackets = fewer
    return b"(" in brackets


def _value_depth_exceeds(value: Any, limit: int) -> bool:
    # Level by level, keeping only the containers: most of a credential's values are strings (issue 18).
    level = [value] if isinstance(value, (dict, list)) else []
    depth = 1
    while level:
        if depth > limit:
            return True
        children = []
        for node in level:
            for child in (node.values() if isinstance(node, dict) else node):
                if isinstance(child, (dict, list)):
                    children.append(child)
        level = children
        depth += 1
    return False


def _looks_like_jwt(text: str) -> bool:
    parts = text.split(".")
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    return len(parts) == 3 and all(parts[:2]) and all(set(p) <= allowed for p in parts)


class ParsedInput(NamedTuple):
    """What :func:`parse_input` read: ("json", dict) or ("jwt", token). Passed back to :func:`verify_credential`,
    it is not read (and checked) a second time; so is a part of such a dict (the web verifier's
    ``verifiableCredential``), wrapped again in a ParsedInput."""

    kind: str
    value: Any


def parse_input(data: Any) -> ParsedInput:
    """("json", dict) or ("jwt", token); raises ValueError with the reason."""
    if isinstance(data, ParsedInput):
        return data
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
            return ParsedInput("jwt", text)
        if _text_depth_exceeds(text, MAX_DEPTH):
            raise ValueError(f"JSON nests deeper than {MAX_DEPTH} levels")
        try:
            value = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as error:
            raise ValueError(f"input is neither JSON nor a JWT: {error}") from None
        if isinstance(value, str) and _looks_like_jwt(value.strip()):
            return ParsedInput("jwt", value.strip())
        if isinstance(value, dict):
            return ParsedInput("json", value)  # its depth was checked on the text (exact for JSON)
        data = value
    if isinstance(data, dict):
        if _value_depth_exceeds(data, MAX_DEPTH):
            raise ValueError(f"JSON nests deeper than {MAX_DEPTH} levels")
        return ParsedInput("json", data)
    raise ValueError(f"expected a credential (JSON object) or a VC-JWT, got {type(data).__name__}")


# --- schema ------------------------------------------------------------------------------------------------------

_validator = None
_clr_validator = None
# JSON Schema validation of an 11 kB credential costs ~20 ms (the adaptation's oneOf alternatives); a credential
# page is verified on every view, so results are remembered per (validator, document digest).
_schema_results: LRUCache = LRUCache(maxsize=2048)
# The operator may point the OB 3.0 schema check at another copy of the official schema (the formal variant, say):
# this environment variable or `microcred verify --schema FILE`. By default the vendored JSON-LD adaptation is used.
SCHEMA_ENV = "MICROCRED_OB3_SCHEMA"


def _load_validator(path, *, check: bool = True):
    """A validator for the JSON Schema in ``path``. ``check``: first validate the schema itself against its
    metaschema (≈ 0.2 s of CPU), for a file the operator names; the shipped schemas are checked by the tests
    (credentials/tests/test_verify.py) and loaded unchecked, so no web process pays for it at start."""
    from jsonschema import Draft201909Validator
    from jsonschema.exceptions import SchemaError

    try:
        schema = json.loads(Path(path).read_text(encoding="utf-8"))
        if check:
            Draft201909Validator.check_schema(schema)
    except OSError as error:
        raise ValueError(f"cannot read the schema file {path}: {error.strerror or error}") from None
    except (ValueError, SchemaError) as error:
        raise ValueError(f"{path} is not a JSON Schema: {str(error)[:200]}") from None
    return Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)


def use_schema(path, *, check: bool = True) -> None:
    """Validate OB 3.0 credentials against this JSON Schema file from now on (ValueError if it is unusable)."""
    global _validator
    _validator = _load_validator(path, check=check)
    _schema_results.clear()  # results of the previous schema no longer apply


def _schema_validator():
    if _validator is None:
        configured = os.environ.get(SCHEMA_ENV)
        if configured:
            use_schema(configured)
        elif SCHEMA_FILE.exists():
            use_schema(SCHEMA_FILE, check=False)
    return _validator


def _clr_schema_validator():
    global _clr_validator
    if _clr_validator is None and CLR_SCHEMA_FILE.exists():
        _clr_validator = _load_validator(CLR_SCHEMA_FILE, check=False)
    return _clr_validator


WARM_UP_FILE = Path(__file__).resolve().parent / "warm_up_credential.json"


def warm_up() -> None:
    """Do now what a process's first verification would otherwise do on a visitor's request (decision 0062): load
    both schema validators and run one check, and expand a credential of the shape this platform issues with the
    shipped contexts (context processing is memoized per process). Before that, the first verification in each web
    process cost ≈ 0.6 s of CPU, holding the interpreter lock from every other request of the process."""
    sample = json.loads(WARM_UP_FILE.read_text(encoding="utf-8"))["credential"]
    _clr_schema_validator()
    _schema_errors(_schema_validator(), sample)
    from .jsonld import canonical_form

    canonical_form(sample)


def is_clr(credential: dict) -> bool:
    return "ClrCredential" in [t for t in _types(credential.get("type")) if isinstance(t, str)]


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
    for name in ("credentialSchema", "evidence"):
        if name in credential and not isinstance(credential[name], (list, dict)):
            problems.append(f"{name} must be an object or an array")
    if isinstance(credential.get("validFrom"), str) and _parse_time(credential["validFrom"]) is None:
        problems.append("validFrom is not an ISO 8601 date-time")
    return problems


def _schema_errors(validator, credential: dict) -> list:
    digest = hashlib.sha256(json.dumps(credential, sort_keys=True, ensure_ascii=False).encode("utf-8")).digest()
    key = (id(validator), digest)
    cached = _schema_results.get(key)
    if cached is None or cached[0] is not validator:  # the entry holds its validator, so an id is never reused
        cached = (validator, sorted(validator.iter_errors(credential), key=lambda e: list(e.absolute_path)))
        _schema_results[key] = cached
    return list(cached[1])


def _check_schema(credential: dict, report: Report) -> tuple[bool, str]:
    clr = is_clr(credential)
    validator = _clr_schema_validator() if clr else _schema_validator()
    if validator is not None:
        try:
            errors = _schema_errors(validator, credential)
        except ValueError:  # Python refuses to turn an integer of more than 4,300 digits into text
            return False, "the credential holds a number too large to check (more than 4,300 digits)"
        if not clr and isinstance(credential.get("credentialStatus"), list):
            # VC 2.0 allows several status entries (revocation and suspension); the OB 3.0.3 schema allows one.
            status_errors = [e for e in errors if list(e.absolute_path)[:1] == ["credentialStatus"]]
            if status_errors:
                errors = [e for e in errors if e not in status_errors]
                report.warnings.append("credentialStatus is an array of entries, which VC 2.0 allows and the OB 3.0.3 "
                                       "JSON Schema does not (it allows one entry)")
        if errors:
            shown = "; ".join(f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:200]}" for e in errors[:5])
            return False, f"{len(errors)} schema error(s): {shown}"
        return True, ("valid against the CLR 2.0 ClrCredential JSON Schema" if clr
                      else "valid against the OB 3.0 AchievementCredential JSON Schema")
    report.warnings.append("the formal OB 3.0 JSON Schema is not shipped; checked the required structure only "
                           f"(give the official schema with --schema FILE or {SCHEMA_ENV})")
    problems = _minimal_structure_problems(credential)
    if problems:
        return False, "; ".join(problems)
    return True, "has the required OB 3.0 AchievementCredential structure"


# --- keys and documents ---------------------------------------------------------------------------------------


class _Documents:
    """Documents a trusted caller vouches for (controller/DID/key documents, status list credentials), by id.

    Each verification method is kept with its controller: the method's own ``controller``, or else the id of the
    document that lists it."""

    def __init__(self, documents: Mapping[str, Any] | Iterable[Any] | None):
        self.by_id: dict[str, dict] = {}
        self.methods: dict[str, tuple[dict, str | None]] = {}
        if isinstance(documents, dict) and ("id" in documents or "verificationMethod" in documents or "kty" in documents):
            documents = [documents]  # one document, not a mapping of URL to document
        items = documents.items() if isinstance(documents, Mapping) else ((None, d) for d in (documents or []))
        for url, document in items:
            if not isinstance(document, dict):
                continue
            if url:
                self.by_id[url] = document
            owner = document.get("id") if isinstance(document.get("id"), str) else url
            if owner:
                self.by_id.setdefault(owner, document)
                if _has_key_material(document):
                    self.methods.setdefault(owner, (document, _text_or_none(document.get("controller"))))
            methods = document.get("verificationMethod")
            for method in methods if isinstance(methods, list) else []:
                if isinstance(method, dict) and isinstance(method.get("id"), str):
                    controller = _text_or_none(method.get("controller")) or _text_or_none(document.get("id"))
                    self.methods.setdefault(method["id"], (method, controller))

    def get(self, url: str) -> dict | None:
        return self.by_id.get(url)

    def method(self, method_id: str) -> tuple[dict, str | None] | None:
        return self.methods.get(method_id)


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _has_key_material(document: dict) -> bool:
    return bool(document.get("publicKeyMultibase") or document.get("publicKeyJwk") or document.get("kty"))


def _issuer_id(credential: dict):
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def _controller_matches(controller: str | None, issuer_id: str | None) -> bool:
    """Whether a key's controller is the issuer (a DID controller may name the DID with a fragment)."""
    if not controller or not isinstance(issuer_id, str):
        return False
    return controller == issuer_id or (issuer_id.startswith("did:") and controller.partition("#")[0] == issuer_id)


class KeyResolver:
    """The issuer-bound public keys of one credential (see the module docstring for the order of sources)."""

    def __init__(self, trusted: _Documents, issuer_id: Any, *, online: bool | None = None,
                 platform: Platform = NO_PLATFORM):
        self.trusted = trusted
        self.platform = platform
        self.issuer_id = issuer_id if isinstance(issuer_id, str) and issuer_id else None
        self.online = platform.online_enabled() if online is None else online
        self.sources: dict[str, str] = {}  # method id -> platform | trusted | registered | did:key | online
        self._known: RegisteredIssuer | None | bool = False

    def known_issuer(self) -> RegisteredIssuer | None:
        if self._known is False:
            self._known = self.platform.known_issuer(self.issuer_id) if self.issuer_id else None
        return self._known

    def method(self, method_id: Any) -> dict:
        """The verification method (with its public key) for ``method_id``, if the credential's issuer controls
        it; LookupError with the reason otherwise."""
        if not isinstance(method_id, str) or not method_id:
            raise LookupError("the proof names no verification method")
        issuer = self.issuer_id
        if issuer is None:
            raise LookupError("the credential has no issuer id, so no key can be bound to it")
        # 1. This platform's own keys: bound to the organization that owns them, nobody else.
        key = self.platform.platform_key(method_id)
        if key is not None:
            owner = key.issuer_ids[0]
            if issuer not in key.issuer_ids:
                raise LookupError(f"key {method_id} belongs to this platform's issuer {owner}, "
                                  f"not to the issuer {issuer}")
            self.sources[method_id] = "platform"
            return key.method
        # 2. Documents the trusted caller vouches for; 3. documents of a registered known issuer.
        found = self.trusted.method(method_id)
        source = "trusted"
        if found is None and self.known_issuer() is not None:
            found, source = _Documents(self.known_issuer().key_documents).method(method_id), "registered"
            if found is not None and found[1] is None:
                found = (found[0], self.known_issuer().identifier)  # registered for exactly this issuer
        if found is not None:
            method, controller = found
            if method.get("revoked"):
                raise LookupError(f"key {method_id} was revoked on {method['revoked']}")
            if not _controller_matches(controller, issuer):
                who = "a trusted key document" if source == "trusted" else "the registered issuer's documents"
                raise LookupError(f"{who} make {method_id} a key of {controller or 'no controller'}, "
                                  f"not of the issuer {issuer}")
            self.sources[method_id] = source
            return method
        # 4. did:key: a key anyone can make, controlled only by itself.
        if method_id.startswith("did:key:"):
            did = method_id.partition("#")[0]
            if did != issuer:
                raise LookupError(f"the signing key {did} is a did:key, which only controls itself, but the credential "
                                  f"names {issuer} as its issuer: anyone can make a did:key, so it proves nothing "
                                  f"about {issuer}")
            self.sources[method_id] = "did:key"
            return {"id": method_id, "type": "Multikey", "controller": did,
                    "publicKeyMultibase": did[len("did:key:"):]}
        # 5. The issuer's own document, fetched (online mode only).
        if self.online and (issuer.startswith("did:web:") or issuer.startswith("https://")):
            try:
                document = self.platform.issuer_document(issuer)
            except DocumentUnavailable as error:
                raise LookupError(f"could not fetch the issuer's document: {error}") from None
            found = _Documents([document]).method(method_id)
            if found is None or not _controller_matches(found[1], issuer) or document.get("id") != issuer:
                raise LookupError(f"the issuer's own document ({document_url(issuer)}) does not list "
                                  f"{method_id} as a key of {issuer}")
            self.sources[method_id] = "online"
            return found[0]
        raise LookupError(
            f"no key of the issuer {issuer} is known here for {method_id}: it is not a key of this platform's issuers"
            + ("" if self.known_issuer() is None else " nor listed for that registered known issuer")
            + (", the issuer is not a registered known issuer" if self.known_issuer() is None else "")
            + " (documents supplied with a credential are not trusted"
            + ("" if self.online else "; online lookup of issuer documents is off") + ")")

    def ed25519(self, method_id: str) -> Ed25519PublicKey:
        method = self.method(method_id)
        multikey = method.get("publicKeyMultibase")
        if method.get("type") not in ("Multikey", "Ed25519VerificationKey2020") or not isinstance(multikey, str):
            raise LookupError(f"{method_id} is not an Ed25519 Multikey")
        return dataintegrity.public_key_from_multikey(multikey)

    def p256(self, method_id: str):
        method = self.method(method_id)
        jwk = method.get("publicKeyJwk") or (method if method.get("kty") else None)
        if not isinstance(jwk, dict):
            raise LookupError(f"{method_id} has no publicKeyJwk")
        return vcjwt.ec_public_key_from_jwk(jwk)


def _judge_issuer(issuer_id: Any, resolver: KeyResolver) -> IssuerTrust:
    """Whether the (bound) issuer is known: this platform's own, registered, or vouched for by the trusted caller."""
    trust = IssuerTrust(id=issuer_id if isinstance(issuer_id, str) else None)
    own = resolver.platform.own_issuer(issuer_id) if isinstance(issuer_id, str) else None
    known = resolver.known_issuer() if own is None else None
    if own is not None:
        trust.known, trust.how = True, f"this platform's own issuer {own}"
    elif known is not None:
        trust.known, trust.how = True, known.description
    elif "trusted" in resolver.sources.values():
        trust.known, trust.how = True, "vouched for by the operator (a trusted key document)"
    else:
        trust.how = UNKNOWN_ISSUER
    return trust


def _check_json_proof(credential: dict, resolver: KeyResolver, report: Report) -> tuple[bool, str]:
    result = dataintegrity.verify(credential, resolve_key=resolver.ed25519)
    if not result.ok:
        return False, result.reason
    return True, "eddsa-rdfc-2022 proof verifies with a key of the issuer " + _shown(resolver.issuer_id)


def _check_jwt(token: str, documents: _Documents, online: bool | None,
               platform: Platform) -> tuple[dict | None, KeyResolver | None, bool, str]:
    """(credential or None, resolver, ok, message) for a VC-JWT, in either form: the payload is the credential
    (VC-JOSE-COSE, OB 3.0.3) or carries it in a ``vc`` claim (OB 3.0 §8.2, VCDM 1.1)."""
    import jwt as pyjwt

    try:
        header, payload = vcjwt.unverified_parts(token)
    except pyjwt.PyJWTError as error:
        return None, None, False, f"not a well-formed JWT: {error}"
    if not isinstance(payload, dict):
        return None, None, False, "JWT payload is not a JSON object"
    if _value_depth_exceeds(payload, MAX_DEPTH):
        return None, None, False, f"JWT payload nests deeper than {MAX_DEPTH} levels"
    credential = vcjwt.credential_from_claims(payload)
    issuer_id = _issuer_id(credential)
    resolver = KeyResolver(documents, issuer_id, online=online, platform=platform)
    if header.get("alg") != vcjwt.ALGORITHM:
        return credential, resolver, False, f"JWT alg is {_shown(header.get('alg'))}; only ES256 is accepted"
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        return credential, resolver, False, "JWT header has no kid naming the signing key"
    try:
        public_key = resolver.p256(kid)
    except Exception as error:  # noqa: BLE001 — an unresolvable or unbound key is a failed check, not a crash
        return credential, resolver, False, f"could not resolve key {_shown(kid)}: {error}"
    try:
        # Dates are judged by the validity check on the credential, so nbf/exp are not enforced here.
        claims = pyjwt.decode(token, public_key, algorithms=[vcjwt.ALGORITHM],
                              options={"verify_aud": False, "verify_nbf": False, "verify_exp": False,
                                       "verify_iat": False})
    except pyjwt.InvalidSignatureError:
        return credential, resolver, False, "ES256 signature does not match the JWT header and payload"
    except pyjwt.PyJWTError as error:
        return credential, resolver, False, f"JWT rejected: {error}"
    if "vc" in claims and "iss" not in claims:
        return credential, resolver, False, "a JWT with a vc claim must have iss (the issuer's id)"
    if "iss" in claims and claims.get("iss") != issuer_id:
        return credential, resolver, False, f"iss {_shown(claims.get('iss'))} is not the credential's issuer {_shown(issuer_id)}"
    if "jti" in claims and "id" in credential and claims.get("jti") != credential.get("id"):
        return credential, resolver, False, f"jti {_shown(claims.get('jti'))} is not the credential's id {_shown(credential.get('id'))}"
    return credential, resolver, True, f"ES256 JWT signature verifies with a key of the issuer {_shown(issuer_id)}"


# --- status and validity -----------------------------------------------------------------------------------


def _status_list_document(url: Any, documents: _Documents, resolver: KeyResolver) -> dict | None:
    document = documents.get(url) if isinstance(url, str) else None
    if document is None and resolver.online and isinstance(url, str):
        try:
            document = resolver.platform.fetch_document(url)
        except DocumentUnavailable:
            return None
    return document


def _check_status(credential: dict, documents: _Documents, resolver: KeyResolver) -> tuple[bool, str]:
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
        ours = resolver.platform.status_list(url)
        if ours is not None:
            bits, list_purpose = ours
        else:
            document = _status_list_document(url, documents, resolver)
            if document is None:
                return False, f"status unknown: status list {_shown(url)} is not available offline (supply it to check)"
            if _issuer_id(document) != resolver.issuer_id:
                return False, (f"status unknown: status list {_shown(url)} is issued by {_shown(_issuer_id(document))}, "
                               f"not by the credential's issuer")
            result = dataintegrity.verify(document, resolve_key=resolver.ed25519)
            if not result.ok:
                return False, f"status unknown: status list {url} does not verify ({result.reason})"
            subject = document.get("credentialSubject") or {}
            list_purpose = subject.get("statusPurpose")
            try:
                bits = bitstring.decode_list(subject.get("encodedList"))
            except Exception as error:  # noqa: BLE001
                return False, f"status unknown: status list {url} has a bad encodedList ({error})"
        if list_purpose != purpose:
            return False, f"status list {url} is for {_shown(list_purpose)}, the entry says {_shown(purpose)}"
        if index >= len(bits) * 8:
            return False, f"statusListIndex {_shown(index)} is outside the status list ({len(bits) * 8} entries)"
        if bitstring.get_bit(bits, index):
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


MAX_NESTED = 500  # credentials inside one CLR


def verify_credential(data: bytes | str | dict, *, key_documents: Mapping[str, Any] | Iterable[Any] | None = None,
                      now: datetime | None = None, online: bool | None = None,
                      platform: Platform = NO_PLATFORM) -> Report:
    """Verify a credential (JSON bytes/text/object, or a VC-JWT). Never raises; see :class:`Report`.

    ``key_documents`` are TRUSTED: pass only documents the caller itself vouches for (tests, the operator's
    ``--trust-key``), never documents that came with the credential. ``online`` overrides
    ``platform.online_enabled()``. ``platform`` plugs in what only the platform knows (see :class:`Platform`).
    A CLR's nested credentials are verified too (see ``report.nested``)."""
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
            resolver = KeyResolver(documents, _issuer_id(credential), online=online, platform=platform)
            add("schema", *_check_schema(credential, report))
            ok, message = _check_json_proof(credential, resolver, report)
            if ok and is_clr(credential):
                ok, message = _check_nested(credential, report, message, key_documents=key_documents, now=now,
                                            online=online, platform=platform)
            add("proof", ok, message)
        else:
            credential, resolver, ok, message = _check_jwt(value, documents, online, platform)
            if credential is None:
                add("parse", False, message)
                raise _Stop
            add("parse", True, "a VC-JWT")
            report.credential = credential
            add("schema", *_check_schema(credential, report))
            if ok and is_clr(credential):
                ok, message = _check_nested(credential, report, message, key_documents=key_documents, now=now,
                                            online=online, platform=platform)
            add("proof", ok, message)
        if report.get("proof").ok:
            report.issuer = _judge_issuer(_issuer_id(credential), resolver)
        add("status", *_check_status(credential, documents, resolver))
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


def _check_nested(credential: dict, report: Report, message: str, **options) -> tuple[bool, str]:
    """Every credential inside a CLR verifies on its own (JSON with a proof, or a VC-JWT string)."""
    subject = credential.get("credentialSubject")
    nested = subject.get("verifiableCredential") if isinstance(subject, dict) else None
    nested = nested if isinstance(nested, list) else ([] if nested is None else [nested])
    if len(nested) > MAX_NESTED:
        return False, f"the CLR holds {len(nested)} credentials; at most {MAX_NESTED} are verified"
    for index, item in enumerate(nested):
        inner = verify_credential(item, **options)
        report.nested.append(inner)
        if not inner.verified:
            reason = "; ".join(f"{c.check}: {c.message}" for c in inner.errors) or "did not verify"
            return False, f"nested credential {index + 1} ({_shown((inner.credential or {}).get('id'))}) does not verify — {reason}"
    return True, f"{message}; its {len(nested)} nested credential(s) verify"
