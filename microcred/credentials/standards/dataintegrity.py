"""Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite (W3C vc-di-eddsa), offline.

``sign`` adds a ``DataIntegrityProof`` to a credential; ``verify`` checks one and reports each check it made.
Hashing follows the specification: sha256 of the canonical proof configuration (the proof options with the
document's ``@context``) followed by sha256 of the canonical document without its proof; Ed25519 signs those
64 bytes; ``proofValue`` is the signature in multibase base58btc (``z…``).

Key helpers read and write Multikey strings: ``z6Mk…`` public keys (multicodec 0xed01) and ``z3u2…`` private
keys (multicodec 0x8026), as in the W3C test vectors.
"""
from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from . import jsonld
from .jsonld import OfflineDocumentLoader

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"

ED25519_PUBLIC_KEY_PREFIX = b"\xed\x01"  # multicodec ed25519-pub, varint-encoded
ED25519_PRIVATE_KEY_PREFIX = b"\x80\x26"  # multicodec ed25519-priv, varint-encoded
SIGNATURE_LENGTH = 64

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {char: index for index, char in enumerate(BASE58_ALPHABET)}


# --- errors -------------------------------------------------------------------------------------------------


class SigningError(ValueError):
    """The document cannot be signed as given."""


class UndefinedTermError(SigningError):
    """The document has terms its contexts do not define; signing would leave them out of the signature."""

    def __init__(self, terms: list[str]):
        self.terms = terms
        super().__init__(
            "refusing to sign: these terms are not defined by the document's JSON-LD contexts and would not be "
            f"covered by the signature: {', '.join(terms)}"
        )


# --- base58btc / multibase / multikey -----------------------------------------------------------------------


def base58btc_encode(data: bytes) -> str:
    """Bitcoin-alphabet base58 of ``data``; each leading zero byte becomes a leading '1'."""
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(BASE58_ALPHABET[remainder])
    leading_zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading_zeros + "".join(reversed(digits))


def base58btc_decode(text: str) -> bytes:
    """Inverse of :func:`base58btc_encode`; raises ValueError on a character outside the alphabet."""
    number = 0
    for char in text:
        if char not in _BASE58_INDEX:
            raise ValueError(f"not base58btc: {char!r}")
        number = number * 58 + _BASE58_INDEX[char]
    leading_zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * leading_zeros + body


def multibase_encode(data: bytes) -> str:
    """Multibase base58btc: 'z' followed by base58btc of ``data``."""
    return "z" + base58btc_encode(data)


def multibase_decode(text: str) -> bytes:
    """Decode a multibase base58btc string; raises ValueError for any other base or bad characters."""
    if not isinstance(text, str) or not text.startswith("z"):
        raise ValueError("expected a multibase base58btc string starting with 'z'")
    return base58btc_decode(text[1:])


def public_key_to_multikey(public_key: Ed25519PublicKey) -> str:
    """The Multikey form (``z6Mk…``) of an Ed25519 public key."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return multibase_encode(ED25519_PUBLIC_KEY_PREFIX + raw)


def public_key_from_multikey(multikey: str) -> Ed25519PublicKey:
    """The Ed25519 public key in a ``z6Mk…`` Multikey; raises ValueError if it is not one."""
    data = multibase_decode(multikey)
    if not data.startswith(ED25519_PUBLIC_KEY_PREFIX) or len(data) != 2 + 32:
        raise ValueError("not an Ed25519 public Multikey (0xed01 prefix and 32 bytes)")
    return Ed25519PublicKey.from_public_bytes(data[2:])


def private_key_to_multikey(private_key: Ed25519PrivateKey) -> str:
    """The Multikey form (``z3u2…``) of an Ed25519 private key: 0x8026 prefix and the 32-byte seed."""
    raw = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return multibase_encode(ED25519_PRIVATE_KEY_PREFIX + raw)


def private_key_from_multikey(multikey: str) -> Ed25519PrivateKey:
    """The Ed25519 private key in a Multikey; accepts a 32-byte seed or a 64-byte seed ‖ public key."""
    data = multibase_decode(multikey)
    if not data.startswith(ED25519_PRIVATE_KEY_PREFIX) or len(data) not in (2 + 32, 2 + 64):
        raise ValueError("not an Ed25519 private Multikey (0x8026 prefix and 32 or 64 bytes)")
    private_key = Ed25519PrivateKey.from_private_bytes(data[2:34])
    if len(data) == 2 + 64:
        public = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        if public != data[34:]:
            raise ValueError("the private Multikey's public half does not match its seed")
    return private_key


def resolve_did_key(verification_method: str) -> Ed25519PublicKey:
    """The Ed25519 key of a ``did:key:z6Mk…[#z6Mk…]`` verification method (self-describing, so offline).

    Raises ValueError for anything else, including a fragment that names a different key than the DID.
    """
    if not isinstance(verification_method, str) or not verification_method.startswith("did:key:"):
        raise ValueError(f"not a did:key verification method: {verification_method!r}")
    did, _, fragment = verification_method.partition("#")
    multikey = did[len("did:key:"):]
    if fragment and fragment != multikey:
        raise ValueError("did:key fragment does not match the key")
    return public_key_from_multikey(multikey)


# --- hashing --------------------------------------------------------------------------------------------------


def proof_configuration(proof_options: dict, document_context: Any) -> dict:
    """The proof options (without ``proofValue``) carrying the document's ``@context``, as the spec hashes them."""
    config = {key: value for key, value in proof_options.items() if key not in ("proofValue", "@context")}
    config["@context"] = document_context
    return config


def hash_data(
    unsigned_document: dict, proof_options: dict, *, loader: OfflineDocumentLoader | None = None
) -> bytes:
    """sha256(canonical proof configuration) ‖ sha256(canonical unsigned document): the 64 bytes Ed25519 signs."""
    return _hash_data_and_undefined_terms(unsigned_document, proof_options, loader=loader)[0]


def _hash_data_and_undefined_terms(
    unsigned_document: dict, proof_options: dict, *, loader: OfflineDocumentLoader | None
) -> tuple[bytes, list[str]]:
    """:func:`hash_data` and the terms of the document or proof configuration that the hashes do not cover."""
    config = jsonld.canonical_form(proof_configuration(proof_options, unsigned_document.get("@context")),
                                   loader=loader)
    document = jsonld.canonical_form(unsigned_document, loader=loader)
    data = hashlib.sha256(config.nquads.encode("utf-8")).digest() + hashlib.sha256(
        document.nquads.encode("utf-8")).digest()
    return data, sorted(set(config.undefined_terms) | set(document.undefined_terms))


# --- signing --------------------------------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _copy_json(value: Any) -> Any:
    """A deep copy of JSON data (dicts, lists, strings, numbers, booleans, None); other objects via deepcopy.

    Same result as ``copy.deepcopy`` for JSON trees, several times faster (no memo); an object that appears
    twice in the input is copied twice.
    """
    kind = type(value)
    if kind is dict:
        return {key: _copy_json(item) for key, item in value.items()}
    if kind is list:
        return [_copy_json(item) for item in value]
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    return copy.deepcopy(value)


def sign(
    document: dict,
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str | None = None,
    proof_purpose: str = "assertionMethod",
    loader: OfflineDocumentLoader | None = None,
) -> dict:
    """A copy of ``document`` with an ``eddsa-rdfc-2022`` DataIntegrityProof, as a one-element ``proof`` array.

    Guarantees: the input is not modified; every property and type of the document (and of the proof) is
    covered by the signature, otherwise UndefinedTermError is raised; only shipped contexts are used
    (ContextNotAvailableError otherwise). ``created`` defaults to now (UTC, seconds). Ed25519 is
    deterministic, so the same input, key and options always give the same proofValue.
    """
    if not isinstance(document, dict):
        raise SigningError("a credential to sign must be a JSON object")
    if "@context" not in document:
        raise SigningError("a credential to sign must have an @context")
    if "proof" in document:
        raise SigningError("the document already has a proof; sign the unsigned credential")
    unsigned = _copy_json(document)
    proof_options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created or _now(),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    data, undefined = _hash_data_and_undefined_terms(unsigned, proof_options, loader=loader)
    if undefined:
        raise UndefinedTermError(undefined)
    signature = private_key.sign(data)
    # OB 3.0's formal JSON Schema wants `proof` as an array, so emit one even for a single proof.
    unsigned["proof"] = [{**proof_options, "proofValue": multibase_encode(signature)}]
    return unsigned


# --- verifying ------------------------------------------------------------------------------------------------


class Check(NamedTuple):
    name: str
    ok: bool
    message: str


@dataclass
class VerificationResult:
    """Outcome of :func:`verify`: ``ok`` only if every check passed; ``checks`` lists them in order."""

    ok: bool
    checks: list[Check] = field(default_factory=list)

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]

    @property
    def reason(self) -> str:
        """The first failed check as 'name: message', or '' when verification succeeded."""
        failures = self.failures
        return f"{failures[0].name}: {failures[0].message}" if failures else ""

    def failed(self, name: str) -> bool:
        """Whether a check called ``name`` was made and failed."""
        return any(check.name == name and not check.ok for check in self.checks)


class _Failed(Exception):
    """Stops verifying one proof after a failed check (already recorded)."""


def verify(
    document: Any,
    *,
    resolve_key: Callable[[str], Ed25519PublicKey],
    expected_proof_purpose: str = "assertionMethod",
    loader: OfflineDocumentLoader | None = None,
) -> VerificationResult:
    """Verify every ``eddsa-rdfc-2022`` proof on ``document`` (``proof`` may be one object or an array).

    Guarantees: never raises, whatever ``document`` or ``resolve_key`` do; ``ok`` is True only if there is
    at least one proof, every proof verifies with the key ``resolve_key(verificationMethod)`` returns, and
    the document has no terms its contexts leave undefined (such terms are outside the signature, so they
    could have been added afterwards). Each failure is a named check with a message.
    """
    checks: list[Check] = []

    def check(name: str, ok: bool, message: str) -> None:
        checks.append(Check(name, ok, message))
        if not ok:
            raise _Failed

    try:
        check("document", isinstance(document, dict), "the credential is a JSON object" if isinstance(
            document, dict) else f"expected a JSON object, got {type(document).__name__}")
        check("context", "@context" in document, "has an @context" if "@context" in document else "no @context")
        proofs = document.get("proof")
        check("proof", proofs is not None, "has a proof" if proofs is not None else "no proof")
        proofs = proofs if isinstance(proofs, list) else [proofs]
        check("proof", len(proofs) > 0, f"{len(proofs)} proof(s)" if proofs else "empty proof array")
        unsigned = {key: value for key, value in document.items() if key != "proof"}
        try:
            canonical = jsonld.canonical_form(unsigned, loader=loader)
        except (jsonld.ContextNotAvailableError, jsonld.JsonLdProcessingError) as error:
            check("jsonld", False, str(error))
        undefined = canonical.undefined_terms
        check("terms", not undefined, "every term is defined by the contexts" if not undefined else
              f"terms not defined by the contexts, so not covered by any signature: {', '.join(undefined)}")
        for index, proof in enumerate(proofs):
            _verify_one_proof(unsigned, canonical, proof, index if len(proofs) > 1 else None, check,
                              resolve_key=resolve_key, expected_proof_purpose=expected_proof_purpose, loader=loader)
    except _Failed:
        return VerificationResult(ok=False, checks=checks)
    except Exception as error:  # noqa: BLE001 — verify must never raise on hostile input
        checks.append(Check("internal", False, f"{type(error).__name__}: {error}"))
        return VerificationResult(ok=False, checks=checks)
    return VerificationResult(ok=True, checks=checks)


def _verify_one_proof(unsigned: dict, canonical: jsonld.CanonicalForm, proof: Any, index: int | None, check: Callable, *, resolve_key: Callable,
                      expected_proof_purpose: str, loader: OfflineDocumentLoader | None) -> None:
    label = "" if index is None else f"proof[{index}] "
    check("proof", isinstance(proof, dict), f"{label}is an object" if isinstance(proof, dict) else
          f"{label}must be a JSON object")
    check("type", proof.get("type") == PROOF_TYPE, f"{label}type {proof.get('type')!r}")
    check("cryptosuite", proof.get("cryptosuite") == CRYPTOSUITE, f"{label}cryptosuite {proof.get('cryptosuite')!r}"
          + ("" if proof.get("cryptosuite") == CRYPTOSUITE else f", expected {CRYPTOSUITE!r}"))
    purpose = proof.get("proofPurpose")
    check("proofPurpose", purpose == expected_proof_purpose, f"{label}proofPurpose {purpose!r}"
          + ("" if purpose == expected_proof_purpose else f", expected {expected_proof_purpose!r}"))

    proof_value = proof.get("proofValue")
    try:
        signature = multibase_decode(proof_value)
        decoded = len(signature) == SIGNATURE_LENGTH
        message = f"{label}proofValue decodes to {len(signature)} bytes" + (
            "" if decoded else f", expected {SIGNATURE_LENGTH}")
    except ValueError as error:
        decoded, message = False, f"{label}proofValue: {error}"
    check("proofValue", decoded, message)

    # A proof may carry its own @context; the document's must then start with it (vc-di-eddsa, Verify Proof).
    document_context = unsigned["@context"]
    if "@context" in proof:
        proof_context = proof["@context"] if isinstance(proof["@context"], list) else [proof["@context"]]
        doc_context = document_context if isinstance(document_context, list) else [document_context]
        check("proofContext", doc_context[:len(proof_context)] == proof_context,
              f"{label}document @context starts with the proof's @context")
        if proof["@context"] != document_context:
            unsigned = {**unsigned, "@context": proof["@context"]}
            canonical = None  # the document must be canonicalized again under the proof's context

    verification_method = proof.get("verificationMethod")
    check("verificationMethod", isinstance(verification_method, str) and bool(verification_method),
          f"{label}verificationMethod {verification_method!r}")
    try:
        public_key = resolve_key(verification_method)
        resolved = isinstance(public_key, Ed25519PublicKey)
        message = f"{label}key resolved" if resolved else f"{label}resolver returned {type(public_key).__name__}"
    except Exception as error:  # noqa: BLE001 — a resolver failure is a verification failure, not a crash
        resolved, message = False, f"{label}could not resolve {verification_method!r}: {error}"
    check("key", resolved, message)

    try:
        if canonical is None:
            data, undefined = _hash_data_and_undefined_terms(unsigned, proof, loader=loader)
        else:  # reuse the document's canonical form: canonicalizing is most of the cost of verifying
            config = jsonld.canonical_form(proof_configuration(proof, unsigned["@context"]), loader=loader)
            data = hashlib.sha256(config.nquads.encode("utf-8")).digest() + hashlib.sha256(
                canonical.nquads.encode("utf-8")).digest()
            undefined = config.undefined_terms
    except (jsonld.ContextNotAvailableError, jsonld.JsonLdProcessingError) as error:
        check("jsonld", False, f"{label}{error}")
    check("terms", not undefined, f"{label}proof terms defined" if not undefined else
          f"{label}proof terms not defined by the contexts: {', '.join(undefined)}")
    try:
        public_key.verify(signature, data)
        check("signature", True, f"{label}Ed25519 signature verifies")
    except InvalidSignature:
        check("signature", False, f"{label}Ed25519 signature does not match the document and proof options")
