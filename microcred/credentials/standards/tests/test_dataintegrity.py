"""Known-answer and behaviour tests for eddsa-rdfc-2022 signing and verifying (no database)."""
import copy
import hashlib
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from microcred.credentials.standards import dataintegrity, jsonld
from microcred.credentials.standards.dataintegrity import UndefinedTermError, sign, verify


from tests.standards_data import STANDARDS  # noqa: E402  (vendored in the repository)
VECTORS = STANDARDS / "vectors"
EXAMPLES = VECTORS / "1edtech-validator-examples"
ONEEDTECH_VECTORS = ["1edtech-ob3-eddsa-rdfc-2022", "1edtech-clr2-eddsa-rdfc-2022"]
W3C = VECTORS / "w3c-vc-di-eddsa"
W3C_SUITE = W3C / "eddsa-rdfc-2022"
EXAMPLES_CONTEXT_URL = "https://www.w3.org/ns/credentials/examples/v2"


def read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def key_in_fragment(verification_method: str):
    """Test-only resolver: the vectors name their key as the URL fragment (or use did:key)."""
    if verification_method.startswith("did:key:"):
        return dataintegrity.resolve_did_key(verification_method)
    return dataintegrity.public_key_from_multikey(verification_method.rsplit("#", 1)[1])


@pytest.fixture(scope="module")
def w3c_loader():
    # The W3C vector uses the examples context, which production does not ship.
    return jsonld.default_loader().with_contexts(
        {EXAMPLES_CONTEXT_URL: STANDARDS / "contexts" / "credentials-examples-v2.jsonld"}
    )


def onedtech_key(expected: dict) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(expected["privateKeyHex"])[:32])


@pytest.fixture
def ob3():
    folder = VECTORS / "1edtech-ob3-eddsa-rdfc-2022"
    expected = read_json(folder / "expected.json")
    return {
        "unsigned": read_json(folder / "unsigned-credential.json"),
        "signed": read_json(folder / "signed-credential.json"),
        "expected": expected,
        "key": onedtech_key(expected),
    }


# --- shipped contexts -----------------------------------------------------------------------------------------

SHARED_COPY = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": "ob-v3p0-extensions.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json": "clr-v2p0-context-2.0.1.json",
}


def test_sources_lists_every_shipped_context_with_its_sha256():
    sources = read_json(jsonld.SOURCES_FILE)["contexts"]
    assert {entry["url"] for entry in sources} == set(SHARED_COPY)
    shipped_files = {path.name for path in jsonld.CONTEXTS_DIR.glob("*.json")} - {"SOURCES.json"}
    assert {entry["file"] for entry in sources} == shipped_files
    for entry in sources:
        assert hashlib.sha256((jsonld.CONTEXTS_DIR / entry["file"]).read_bytes()).hexdigest() == entry["sha256"]
        assert entry["source"]


@pytest.mark.parametrize("url", sorted(SHARED_COPY))
def test_shipped_context_is_the_same_json_as_the_official_copy(url):
    shipped = read_json(jsonld.shipped_contexts()[url])
    assert shipped == read_json(STANDARDS / "contexts" / SHARED_COPY[url])


def test_loader_refuses_unshipped_urls_without_the_network():
    with pytest.raises(jsonld.ContextNotAvailableError, match="not available offline"):
        jsonld.canonicalize({"@context": "https://example.com/remote-context.json", "name": "x"})
    with pytest.raises(jsonld.ContextNotAvailableError):
        jsonld.default_loader()("https://www.w3.org/2018/credentials/v1")


def test_loader_hands_out_copies_so_pyld_cannot_corrupt_its_cache():
    loader = jsonld.default_loader()
    url = "https://www.w3.org/ns/credentials/v2"
    loader(url)["document"]["@context"]["id"] = "tampered"
    assert loader(url)["document"]["@context"]["id"] == "@id"


# --- known answers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("vector", ONEEDTECH_VECTORS)
def test_1edtech_vector_canonical_forms_and_hashes(vector):
    folder = VECTORS / vector
    expected = read_json(folder / "expected.json")
    document_canon = jsonld.canonicalize(read_json(folder / "unsigned-credential.json"))
    proof_canon = jsonld.canonicalize(expected["proofConfigWithContext"])
    assert document_canon == (folder / "document-canon.txt").read_text(encoding="utf-8")
    assert proof_canon == (folder / "proof-canon.txt").read_text(encoding="utf-8")
    assert sha256_hex(document_canon) == expected["documentHashHex"]
    assert sha256_hex(proof_canon) == expected["proofHashHex"]
    unsigned = read_json(folder / "unsigned-credential.json")
    assert dataintegrity.hash_data(unsigned, expected["proofOptions"]).hex() == expected["dataToSignHex"]


@pytest.mark.parametrize("vector", ONEEDTECH_VECTORS)
def test_1edtech_vector_signing_reproduces_the_proof_value(vector):
    folder = VECTORS / vector
    expected = read_json(folder / "expected.json")
    options = expected["proofOptions"]
    signed = sign(read_json(folder / "unsigned-credential.json"), private_key=onedtech_key(expected),
                  verification_method=options["verificationMethod"], created=options["created"],
                  proof_purpose=options["proofPurpose"])
    (proof,) = signed["proof"]
    assert proof == {**options, "proofValue": expected["proofValue"]}
    assert dataintegrity.multibase_decode(proof["proofValue"]).hex() == expected["signatureHex"]


@pytest.mark.parametrize("vector", ONEEDTECH_VECTORS)
def test_1edtech_vector_signed_credential_verifies(vector):
    result = verify(read_json(VECTORS / vector / "signed-credential.json"), resolve_key=key_in_fragment)
    assert result.ok, result.reason
    assert any(check.name == "signature" and check.ok for check in result.checks)


def test_1edtech_keys_round_trip_through_multikey(ob3):
    expected, key = ob3["expected"], ob3["key"]
    public = dataintegrity.public_key_to_multikey(key.public_key())
    assert public == expected["publicKeyMultibase"]
    assert dataintegrity.public_key_from_multikey(public).public_bytes_raw().hex() == expected["publicKeyHex"]
    # 1EdTech prints the secret key as 0x8026 ‖ seed ‖ public key (64 bytes).
    from_secret = dataintegrity.private_key_from_multikey(expected["secretKeyMultibase"])
    assert from_secret.private_bytes_raw() == key.private_bytes_raw()


def test_w3c_vector_known_answers(w3c_loader):
    key_pair = read_json(W3C / "keyPair.json")
    private_key = dataintegrity.private_key_from_multikey(key_pair["privateKeyMultibase"])
    assert dataintegrity.private_key_to_multikey(private_key) == key_pair["privateKeyMultibase"]
    assert dataintegrity.public_key_to_multikey(private_key.public_key()) == key_pair["publicKeyMultibase"]

    unsigned = read_json(W3C / "unsigned.json")
    proof_config = read_json(W3C_SUITE / "proofConfigDataInt.json")
    document_canon = jsonld.canonicalize(unsigned, loader=w3c_loader)
    proof_canon = jsonld.canonicalize(proof_config, loader=w3c_loader)
    assert document_canon == (W3C_SUITE / "canonDocDataInt.txt").read_text(encoding="utf-8")
    assert proof_canon == (W3C_SUITE / "proofCanonDataInt.txt").read_text(encoding="utf-8")
    assert sha256_hex(document_canon) == (W3C_SUITE / "docHashDataInt.txt").read_text().strip()
    assert sha256_hex(proof_canon) == (W3C_SUITE / "proofHashDataInt.txt").read_text().strip()
    combined = dataintegrity.hash_data(unsigned, proof_config, loader=w3c_loader).hex()
    assert combined == (W3C_SUITE / "combinedHashDataInt.txt").read_text().strip()

    signed = sign(unsigned, private_key=private_key, verification_method=proof_config["verificationMethod"],
                  created=proof_config["created"], loader=w3c_loader)
    proof_value = signed["proof"][0]["proofValue"]
    assert proof_value == (W3C_SUITE / "sigBTC58DataInt.txt").read_text().strip()
    assert dataintegrity.multibase_decode(proof_value).hex() == (W3C_SUITE / "sigHexDataInt.txt").read_text().strip()
    assert proof_value == read_json(W3C_SUITE / "signedDataInt.json")["proof"]["proofValue"]


def test_w3c_signed_credential_verifies_with_did_key(w3c_loader):
    signed = read_json(W3C_SUITE / "signedDataInt.json")
    result = verify(signed, resolve_key=dataintegrity.resolve_did_key, loader=w3c_loader)
    assert result.ok, result.reason


def test_w3c_vector_needs_the_examples_context_which_is_not_shipped():
    result = verify(read_json(W3C_SUITE / "signedDataInt.json"), resolve_key=dataintegrity.resolve_did_key)
    assert not result.ok
    assert result.failed("jsonld") and EXAMPLES_CONTEXT_URL in result.reason


# --- 1EdTech validator examples -----------------------------------------------------------------------------

VERIFYING_EXAMPLES = [
    "ob30/simple.json", "ob30/simple-did-key-method.json", "ob30/complete.json", "ob30/endorsement-valid.json",
    "ob30/simple-err-issuer.json", "ob30/simple-err-expired.json", "ob30/simple-err-issued.json",
    "clr20/simple.json",
]
FAILING_EXAMPLES = [
    "ob30/simple-err-type.json", "ob30/simple-err-context.json", "ob30/simple-err-credential-subject-type.json",
    "ob30/simple-err-proof-value.json",
]


@pytest.mark.parametrize("name", VERIFYING_EXAMPLES)
def test_validator_example_verifies(name):
    result = verify(read_json(EXAMPLES / name), resolve_key=key_in_fragment)
    assert result.ok, result.reason


@pytest.mark.parametrize("name", FAILING_EXAMPLES)
def test_validator_example_fails(name):
    assert not verify(read_json(EXAMPLES / name), resolve_key=key_in_fragment).ok


def test_bad_proof_value_example_fails_on_the_signature():
    result = verify(read_json(EXAMPLES / "ob30/simple-err-proof-value.json"), resolve_key=key_in_fragment)
    assert result.failed("signature"), result.reason


def test_nested_credential_in_clr_verifies_on_its_own():
    clr = read_json(EXAMPLES / "clr20/simple.json")
    nested = clr["credentialSubject"]["verifiableCredential"][0]
    assert verify(nested, resolve_key=key_in_fragment).ok


# --- sign/verify round trip and tampering ---------------------------------------------------------------------


def signed_ob3(ob3) -> dict:
    options = ob3["expected"]["proofOptions"]
    return sign(ob3["unsigned"], private_key=ob3["key"], verification_method=options["verificationMethod"],
                created=options["created"])


def test_sign_emits_a_proof_array_and_leaves_the_input_alone(ob3):
    before = copy.deepcopy(ob3["unsigned"])
    signed = signed_ob3(ob3)
    assert ob3["unsigned"] == before
    assert isinstance(signed["proof"], list) and len(signed["proof"]) == 1
    assert verify(signed, resolve_key=key_in_fragment).ok


def test_sign_defaults_created_to_now_and_round_trips():
    key = Ed25519PrivateKey.generate()
    method = "did:key:" + dataintegrity.public_key_to_multikey(key.public_key())
    document = read_json(VECTORS / "1edtech-ob3-eddsa-rdfc-2022" / "unsigned-credential.json")
    signed = sign(document, private_key=key, verification_method=method)
    assert signed["proof"][0]["created"].endswith("Z")
    assert verify(signed, resolve_key=dataintegrity.resolve_did_key).ok


def test_signed_object_proof_is_accepted_as_well_as_an_array(ob3):
    assert isinstance(ob3["signed"]["proof"], dict)
    assert verify(ob3["signed"], resolve_key=key_in_fragment).ok


def test_changed_field_fails_the_signature(ob3):
    signed = signed_ob3(ob3)
    signed["credentialSubject"]["achievement"]["name"] = "Something else"
    result = verify(signed, resolve_key=key_in_fragment)
    assert not result.ok and result.failed("signature")


def test_changed_proof_option_fails_the_signature(ob3):
    signed = signed_ob3(ob3)
    signed["proof"][0]["created"] = "2011-01-01T19:23:24Z"
    assert verify(signed, resolve_key=key_in_fragment).failed("signature")


def test_changed_proof_value_fails_the_signature(ob3):
    signed = signed_ob3(ob3)
    value = signed["proof"][0]["proofValue"]
    signed["proof"][0]["proofValue"] = value[:-1] + ("2" if value[-1] != "2" else "3")
    assert verify(signed, resolve_key=key_in_fragment).failed("signature")


@pytest.mark.parametrize("proof_value", ["", "not-multibase", "z0OIl", "zabc", 42, None])
def test_malformed_proof_value_fails_on_decoding(ob3, proof_value):
    signed = signed_ob3(ob3)
    signed["proof"][0]["proofValue"] = proof_value
    result = verify(signed, resolve_key=key_in_fragment)
    assert not result.ok and result.failed("proofValue")


def test_removed_proof_fails(ob3):
    signed = signed_ob3(ob3)
    del signed["proof"]
    result = verify(signed, resolve_key=key_in_fragment)
    assert not result.ok and result.failed("proof")


def test_empty_proof_array_fails(ob3):
    signed = signed_ob3(ob3)
    signed["proof"] = []
    assert verify(signed, resolve_key=key_in_fragment).failed("proof")


def test_wrong_key_fails_the_signature(ob3):
    other_key = Ed25519PrivateKey.generate().public_key()
    result = verify(signed_ob3(ob3), resolve_key=lambda method: other_key)
    assert not result.ok and result.failed("signature")


def test_key_resolver_failure_is_a_failed_check(ob3):
    def unknown(method):
        raise KeyError(method)

    result = verify(signed_ob3(ob3), resolve_key=unknown)
    assert not result.ok and result.failed("key")
    assert verify(signed_ob3(ob3), resolve_key=lambda method: "not a key").failed("key")


@pytest.mark.parametrize("field, value", [("cryptosuite", "ecdsa-rdfc-2019"), ("type", "Ed25519Signature2020"),
                                          ("proofPurpose", "authentication")])
def test_wrong_proof_kind_fails_its_check(ob3, field, value):
    signed = signed_ob3(ob3)
    signed["proof"][0][field] = value
    expected_check = {"cryptosuite": "cryptosuite", "type": "type", "proofPurpose": "proofPurpose"}[field]
    assert verify(signed, resolve_key=key_in_fragment).failed(expected_check)


def test_term_added_after_signing_is_reported(ob3):
    signed = signed_ob3(ob3)
    signed["credentialSubject"]["notInContext"] = "added later"
    result = verify(signed, resolve_key=key_in_fragment)
    assert not result.ok and result.failed("terms") and "notInContext" in result.reason


def test_every_proof_in_a_set_must_verify(ob3):
    signed = signed_ob3(ob3)
    forged = dict(signed["proof"][0], proofValue=dataintegrity.multibase_encode(bytes(64)))
    signed["proof"].append(forged)
    result = verify(signed, resolve_key=key_in_fragment)
    assert not result.ok and result.failed("signature") and "proof[1]" in result.reason


# --- refusing to sign what the signature would not cover -----------------------------------------------------


@pytest.mark.parametrize("mutate, term", [
    (lambda doc: doc.update(notInContext=1), "notInContext"),
    (lambda doc: doc["credentialSubject"].update(favouriteColour="blue"), "favouriteColour"),
    (lambda doc: doc["type"].append("MadeUpCredential"), "MadeUpCredential"),
    (lambda doc: doc["credentialSubject"].update(id="relative/subject"), "relative/subject"),
])
def test_sign_refuses_undefined_terms(ob3, mutate, term):
    document = copy.deepcopy(ob3["unsigned"])
    mutate(document)
    assert term in jsonld.undefined_terms(document)
    with pytest.raises(UndefinedTermError) as raised:
        sign(document, private_key=ob3["key"], verification_method=ob3["expected"]["verificationMethod"])
    assert term in raised.value.terms and term in str(raised.value)


def test_vector_documents_have_no_undefined_terms(ob3):
    assert jsonld.undefined_terms(ob3["unsigned"]) == []


def test_sign_refuses_documents_it_cannot_sign(ob3):
    method = ob3["expected"]["verificationMethod"]
    with pytest.raises(dataintegrity.SigningError):
        sign(ob3["signed"], private_key=ob3["key"], verification_method=method)  # already has a proof
    with pytest.raises(dataintegrity.SigningError):
        sign({"name": "no context"}, private_key=ob3["key"], verification_method=method)
    with pytest.raises(jsonld.ContextNotAvailableError):
        sign({"@context": ["https://example.com/ctx"], "name": "x"}, private_key=ob3["key"],
             verification_method=method)


# --- garbage in, ok=False out ----------------------------------------------------------------------------------


@pytest.mark.parametrize("garbage", [
    None, 42, "a string", [], [{"proof": {}}], {}, {"proof": "x"}, {"@context": 7, "proof": {}},
    {"@context": ["https://www.w3.org/ns/credentials/v2"], "proof": "not an object"},
    {"@context": ["https://www.w3.org/ns/credentials/v2"], "proof": [None]},
    {"@context": ["https://www.w3.org/ns/credentials/v2"], "proof": {"type": "DataIntegrityProof"}},
    {"@context": "https://attacker.example/ctx", "proof": {}},
    {"@context": [{"@version": 99}], "proof": {}},
])
def test_verify_never_raises_on_garbage(garbage):
    result = verify(garbage, resolve_key=key_in_fragment)
    assert result.ok is False
    assert result.reason


def test_verify_never_raises_on_deeply_nested_input(ob3):
    signed = signed_ob3(ob3)
    nested: dict = {}
    node = nested
    for _ in range(5000):
        node["credentialSubject"] = {}
        node = node["credentialSubject"]
    signed["credentialSubject"]["achievement"]["credentialSubject"] = nested
    assert verify(signed, resolve_key=key_in_fragment).ok is False


# --- base58btc ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"\0", b"\0\0\x01", b"hello world", bytes(range(256))])
def test_base58btc_round_trips(data):
    assert dataintegrity.base58btc_decode(dataintegrity.base58btc_encode(data)) == data


def test_base58btc_known_value():
    assert dataintegrity.base58btc_encode(b"Hello World!") == "2NEpo7TZRRrLZSi2U"
