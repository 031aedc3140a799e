"""Property tests for the credential verifier (microcred.credentials.verify.verify_credential).

Whatever arrives — arbitrary bytes, text, JSON, or a real credential changed anywhere (a field flipped, deleted or
added, the proof value altered, the VC-JWT cut short or re-headed) — the verifier returns a report and never raises,
never says "verified" for anything but the credential as issued, and every failed check says specifically why
(never the catch-all "internal" check that means an unexpected exception).
"""
from __future__ import annotations

import base64
import copy
import json

import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

from microcred.credentials.tests.conftest import earn
from microcred.credentials.verify import CHECKS, verify_credential

from .fuzz_helpers import apply_mutation, json_values, mutations

# The verifier is the same on every engine: fuzzed on the SQLite pass only.
pytestmark = pytest.mark.engine_agnostic

# Verification canonicalizes JSON-LD (tens of ms): fewer examples for real credentials than for junk input.
JUNK = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
TAMPER = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                         HealthCheck.filter_too_much])


@pytest.fixture
def issued(world, published):
    from microcred.credentials.services import issue_for_attempt

    return issue_for_attempt(earn(world, published))


def assert_specific(report) -> None:
    """A report the caller can act on: every check present once, no crash, a reason for each failure."""
    assert [c.check for c in report.checks if c.check in CHECKS] == list(CHECKS), report.checks
    # "internal" is the catch-all for an unexpected exception (in verify.py, or in dataintegrity's proof check).
    internal = [c.message for c in report.checks if c.check == "internal" or c.message.startswith("internal")]
    assert not internal, f"the verifier crashed inside: {internal}"
    for check in report.checks:
        assert check.status in ("passed", "failed", "skipped")
        assert isinstance(check.message, str) and check.message.strip(), check
    if not report.verified:
        assert report.errors, "not verified, but no check says why"
    report.as_dict()  # what the API and the page render must not fail either


def assert_refused(report) -> None:
    assert_specific(report)
    assert not report.verified, "a changed credential was reported verified"


def _canonical(value) -> str:
    # sort_keys and type-exact: 1, 1.0 and true differ here even though Python compares them equal.
    return json.dumps(value, sort_keys=True, default=repr)


def _signed_statements(credential: dict) -> tuple[str, list[str]]:
    """Reference RDFC-1.0 N-Quads of the unsigned credential and of each proof configuration (pyld, no fast path)."""
    from pyld import jsonld as pyld

    from microcred.credentials.standards import dataintegrity
    from microcred.credentials.standards.jsonld import default_loader

    options = default_loader().pyld_options(algorithm="URDNA2015", format="application/n-quads")
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    proofs = credential["proof"] if isinstance(credential["proof"], list) else [credential["proof"]]
    return (pyld.normalize(unsigned, dict(options)),
            [pyld.normalize(dataintegrity.proof_configuration(p, credential.get("@context")), dict(options)) for p in proofs])


def _differences(a, b, path="$") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{path}.{k}: {a.get(k, '<absent>')!r:.80} -> {b.get(k, '<absent>')!r:.80}" for k in set(a) ^ set(b)]
        return out + [d for k in set(a) & set(b) for d in _differences(a[k], b[k], f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in _differences(x, y, f"{path}[{i}]")]
    return [] if _canonical(a) == _canonical(b) else [f"{path}: {a!r:.80} -> {b!r:.80}"]


def _b64(data) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(segment: str):
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


# --- junk --------------------------------------------------------------------------------------------------------


@JUNK
@given(st.binary(max_size=600))
def test_any_bytes(db, data):
    assert_refused(verify_credential(data))


@JUNK
@given(st.text(max_size=600))
def test_any_text(db, text):
    assert_refused(verify_credential(text))


@JUNK
@given(json_values(max_leaves=30))
def test_any_json_value_as_object_or_text(db, value):
    assert_refused(verify_credential(value if isinstance(value, dict) else json.dumps(value)))
    assert_refused(verify_credential(json.dumps(value).encode()))


@JUNK
@given(st.lists(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", max_size=60),
                min_size=3, max_size=3))
def test_anything_shaped_like_a_jwt(db, segments):
    assert_refused(verify_credential(".".join(segments)))


@JUNK
@given(json_values(max_leaves=12), json_values(max_leaves=12))
def test_jwt_with_arbitrary_json_header_and_payload(db, header, payload):
    assert_refused(verify_credential(f"{_b64(header)}.{_b64(payload)}.{_b64(b'sig')}"))


@pytest.mark.parametrize("data", [
    "[" * 200_000, "{\"a\":" * 50_000, "\"" + "\\" * 10_001,
    json.dumps({"@context": [], "credentialSubject": {"x": 10**4000}}),
    '{"validFrom": "2024-01-01T00:00:00Z", "n": 1e999, "m": -1e999, "o": NaN}',
    '{"a": 1, "a": 2, "proof": [], "proof": {}}',
    "\x00" * 100, "\ufeff{}", "eyJ.eyJ.x", "a.b.c", "..",
], ids=["deep-array", "deep-object", "backslashes", "huge-int", "huge-floats", "duplicate-keys", "nul", "bom",
        "jwt-ish", "jwt-shaped", "dots"])
def test_hostile_text(db, data):
    assert_refused(verify_credential(data))
    assert_refused(verify_credential(data.encode("utf-8", "surrogatepass")))


def test_deeply_nested_python_objects(db):
    deep_list: list = []
    for _ in range(100_000):
        deep_list = [deep_list]
    assert_refused(verify_credential({"credentialSubject": deep_list}))


# --- a real credential, tampered -----------------------------------------------------------------------------------


def test_the_untouched_credential_verifies(issued):
    # The baseline the tampering properties compare against: both forms verify as issued.
    assert verify_credential(issued.credential).verified
    assert verify_credential(issued.jwt).verified


@TAMPER
@given(steps=mutations(max_steps=3))
def test_tampered_json_credential_is_never_verified(issued, steps):
    forged = issued.credential
    for step in steps:
        forged = apply_mutation(forged, step)
    assume(_canonical(forged) != _canonical(issued.credential))
    note(f"changed: {_differences(issued.credential, forged)}")
    for data in (forged, json.dumps(forged, default=repr)):
        report = verify_credential(data)
        assert_specific(report)
        if report.verified:
            # Only a change JSON-LD reads as the same statements may pass (e.g. dropping issuer.type when
            # achievement.creator states the same Profile type for the same id): the signed RDF must be identical,
            # by pyld's reference canonicalization, independent of the verifier's fast path.
            assert _signed_statements(forged) == _signed_statements(issued.credential), "a tampered credential verified"


@TAMPER
@given(position=st.integers(min_value=0), replacement=st.sampled_from("0Az_-="))
def test_altered_proof_value_is_never_verified(issued, position, replacement):
    forged = copy.deepcopy(issued.credential)
    value = forged["proof"][0]["proofValue"]
    i = position % len(value)
    assume(value[i] != replacement)
    forged["proof"][0]["proofValue"] = value[:i] + replacement + value[i + 1:]
    report = verify_credential(forged)
    assert_refused(report)
    assert report.failed("proof") or report.failed("schema")


@TAMPER
@given(cut=st.integers(min_value=1))
def test_truncated_jwt_is_never_verified(issued, cut):
    token = issued.jwt
    assert_refused(verify_credential(token[: cut % len(token)]))


@TAMPER
@given(segment=st.integers(min_value=0, max_value=2), position=st.integers(min_value=0),
       replacement=st.sampled_from("0Az_-"))
def test_jwt_with_a_changed_character_is_never_verified(issued, segment, position, replacement):
    parts = issued.jwt.split(".")
    part = parts[segment]
    i = position % len(part)
    assume(part[i] != replacement)
    parts[segment] = part[:i] + replacement + part[i + 1:]
    changed = ".".join(parts)
    # base64url's last character can carry unused bits: a change there may decode to the same bytes.
    assume(not _same_jwt_bytes(changed, issued.jwt))
    assert_refused(verify_credential(changed))


def _same_jwt_bytes(a: str, b: str) -> bool:
    def decoded(token):
        try:
            return [base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)) for p in token.split(".")]
        except ValueError:
            return None
    return decoded(a) is not None and decoded(a) == decoded(b)


@TAMPER
@given(steps=mutations(max_steps=2), where=st.sampled_from(["header", "payload"]))
def test_jwt_with_changed_claims_is_never_verified(issued, steps, where):
    header, payload, signature = issued.jwt.split(".")
    original = _unb64(header if where == "header" else payload)
    changed = original
    for step in steps:
        changed = apply_mutation(changed, step)
    assume(_canonical(changed) != _canonical(original))
    segment = _b64(changed)
    token = f"{segment}.{payload}.{signature}" if where == "header" else f"{header}.{segment}.{signature}"
    assert_refused(verify_credential(token))


@pytest.mark.parametrize("alg", ["none", "HS256", "RS256", "ES384", "EdDSA"])
def test_jwt_algorithm_swaps_are_refused(issued, alg):
    header, payload, signature = issued.jwt.split(".")
    forged_header = dict(_unb64(header), alg=alg)
    for forged_signature in (signature, "", _b64(b"x")):
        assert_refused(verify_credential(f"{_b64(forged_header)}.{payload}.{forged_signature}"))


@pytest.mark.parametrize("value", [10**30, 2**63, -1, 1e308, "1" * 5000, None, [], {}])  # 10**400: see regressions
def test_status_list_index_of_any_size(issued, value):
    forged = copy.deepcopy(issued.credential)
    entry = forged["credentialStatus"] if isinstance(forged["credentialStatus"], dict) else forged["credentialStatus"][0]
    entry["statusListIndex"] = value
    assert_refused(verify_credential(forged))


# --- regressions: found by this fuzzing, fixed in jsonld.py / verify.py ---------------------------------------


@pytest.mark.parametrize("field", ["validFrom", "statusListIndex"])
def test_integer_beyond_float_range_gets_a_specific_reason(issued, field):
    credential = issued.credential
    entry = credential["credentialStatus"][0] if isinstance(credential["credentialStatus"], list) else credential["credentialStatus"]
    original = json.dumps({field: credential["validFrom"] if field == "validFrom" else entry["statusListIndex"]})[1:-1]
    text = json.dumps(credential).replace(original, f'"{field}": 1{"0" * 400}', 1)
    assert text != json.dumps(credential)
    assert_refused(verify_credential(text))


def test_integer_too_long_to_print_gets_a_specific_reason(issued):
    forged = copy.deepcopy(issued.credential)
    entries = forged["credentialStatus"]
    (entries[0] if isinstance(entries, list) else entries)["statusListIndex"] = 10**5000
    assert_refused(verify_credential(forged))
