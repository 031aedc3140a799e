"""The fast canonicalization path (memoized contexts, one expansion, cached proof configurations) must give
byte-identical canonical N-Quads and the same undefined terms as plain, uncached pyld — on every vector and on
randomized credentials. Set MICROCRED_FAST_PATH_VARIANTS to check more random variants (default 120)."""
import copy
import json
import os
import random
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyld import jsonld as pyld_jsonld

from microcred.credentials.standards import dataintegrity, jsonld

from .test_dataintegrity import EXAMPLES_CONTEXT_URL, STANDARDS, VECTORS

EXTRA_CONTEXTS = {EXAMPLES_CONTEXT_URL: STANDARDS / "contexts" / "credentials-examples-v2.jsonld"}
VARIANTS = int(os.environ.get("MICROCRED_FAST_PATH_VARIANTS", "120"))


@pytest.fixture(scope="module")
def fast_loader():
    # One loader for the whole module, so every document runs against caches warmed by all the others.
    return jsonld.default_loader().with_contexts(EXTRA_CONTEXTS)


def plain_pyld(document: dict) -> str:
    """Reference: pyld's own normalize, with a fresh loader that caches nothing across calls."""
    loader = jsonld.OfflineDocumentLoader(cache_resolved_contexts=False).with_contexts(EXTRA_CONTEXTS)
    return pyld_jsonld.normalize(copy.deepcopy(document),
                                 loader.pyld_options(algorithm="URDNA2015", format="application/n-quads"))


def plain_undefined_terms(document: dict) -> list[str]:
    loader = jsonld.OfflineDocumentLoader(cache_resolved_contexts=False).with_contexts(EXTRA_CONTEXTS)
    return jsonld.undefined_terms(document, loader=loader)


def assert_same_as_plain(document: dict, loader: jsonld.OfflineDocumentLoader) -> None:
    before = copy.deepcopy(document)
    expected = plain_pyld(document)
    for _ in range(2):  # cold, then served from the warmed caches
        form = jsonld.canonical_form(document, loader=loader)
        assert form.nquads == expected
        assert form.undefined_terms == plain_undefined_terms(document)
        assert jsonld.canonicalize(document, loader=loader) == expected
    assert document == before


def vector_documents():
    """Every JSON-LD document in the vectors: credentials (without proofs), proofs' configurations, nested VCs."""
    found = []
    for path in sorted(VECTORS.rglob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "proofConfigWithContext" in data:
            found.append((f"{path.relative_to(VECTORS)}#proofConfig", data["proofConfigWithContext"]))
        if not isinstance(data, dict) or "@context" not in data:
            continue
        found.append((str(path.relative_to(VECTORS)), {k: v for k, v in data.items() if k != "proof"}))
        proofs = data.get("proof")
        for index, proof in enumerate(proofs if isinstance(proofs, list) else [proofs] if proofs else []):
            found.append((f"{path.relative_to(VECTORS)}#proof{index}",
                          dataintegrity.proof_configuration(proof, data["@context"])))
        for index, nested in enumerate(data.get("credentialSubject", {}).get("verifiableCredential", [])
                                       if isinstance(data.get("credentialSubject"), dict) else []):
            found.append((f"{path.relative_to(VECTORS)}#vc{index}", {k: v for k, v in nested.items() if k != "proof"}))
    return found


VECTOR_DOCUMENTS = vector_documents()


def test_vectors_are_found():
    names = [name for name, _ in VECTOR_DOCUMENTS]
    assert len(names) >= 30
    assert any("complete.json" in name for name in names)


@pytest.mark.parametrize("name, document", VECTOR_DOCUMENTS, ids=[name for name, _ in VECTOR_DOCUMENTS])
def test_vector_fast_path_is_byte_identical_to_plain_pyld(name, document, fast_loader):
    assert_same_as_plain(document, fast_loader)


# --- randomized credentials -----------------------------------------------------------------------------------

TEXTS = ["Formative Assessment", "Évaluation formative — «résumé»", "形成的評価", "emoji 🎓✅", 'quote " and \\ backslash',
         "line\nbreak\ttab\rreturn", "control \x01\x7f chars", "  padded  ", "", "ünïcödé ß", "\u2028\u2029 separators"]


def shuffled(rng: random.Random, value):
    """``value`` with every object's keys in a random order (JSON-LD must not care)."""
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {key: shuffled(rng, item) for key, item in items}
    if isinstance(value, list):
        return [shuffled(rng, item) for item in value]
    return value


def random_credential(rng: random.Random) -> dict:
    mc = f"https://microcred.example/micro-credentials/{rng.choice(['a', 'b', 'c'])}/v{rng.randint(1, 3)}"
    text = lambda: rng.choice(TEXTS) + (str(rng.randint(0, 3)) if rng.random() < 0.5 else "")  # noqa: E731
    levels = [("developing", 1), ("proficient", 2), ("exemplary", 3)][: rng.randint(1, 3)]
    criteria = [f"c{index}" for index in range(rng.randint(0, 6))]
    subject = {
        "id": rng.choice(["did:example:earner", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"]),
        "type": ["AchievementSubject"],
        "achievement": {
            "id": mc, "type": ["Achievement"], "name": text(), "description": text(),
            "achievementType": rng.choice(["MicroCredential", "Badge", "ext:Custom"]),
            "criteria": {"narrative": text()} if rng.random() < 0.5 else {"id": f"{mc}#criteria", "narrative": text()},
            "alignment": [
                {"type": ["Alignment"], "targetName": text(), "targetUrl": "https://example.org/std",
                 **({"targetCode": str(rng.randint(1, 3))} if rng.random() < 0.5 else {})}
                for _ in range(rng.randint(0, 4))  # identical blank nodes are likely: a hard case for RDFC-1.0
            ],
            "resultDescription": [
                {"id": f"{mc}#{slug}", "type": ["ResultDescription"], "name": text(),
                 "resultType": "RubricCriterionLevel",
                 "rubricCriterionLevel": [
                     {"id": f"{mc}#{slug}-{level}", "type": ["RubricCriterionLevel"], "name": level,
                      "level": level, "points": str(points)} for level, points in levels]}
                for slug in criteria
            ],
            **({"tag": [text() for _ in range(rng.randint(1, 3))]} if rng.random() < 0.5 else {}),
        },
        "result": [
            {"type": ["Result"], "resultDescription": f"{mc}#{slug}",
             **({"achievedLevel": f"{mc}#{slug}-{rng.choice(levels)[0]}"} if rng.random() < 0.8 else {}),
             "status": rng.choice(["Completed", "Enrolled"])}
            for slug in criteria if rng.random() < 0.8
        ],
    }
    if rng.random() < 0.3:
        subject["achievement"]["creator"] = {"type": ["Profile"], "name": text()}  # a blank-node profile
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
                     *(["https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"] if rng.random() < 0.7 else [])],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": text(),
        "issuer": {"id": "https://microcred.example/issuers/x", "type": ["Profile"], "name": text()},
        "validFrom": rng.choice(["2025-03-14T15:09:26Z", "2010-01-01T00:00:00Z"]),
        "credentialSubject": subject,
        "evidence": [
            {**({"id": f"https://microcred.example/evidence/{index}"} if rng.random() < 0.6 else {}),
             "type": ["Evidence"], "name": text(), "genre": rng.choice(["Document", "Video"])}
            for index in range(rng.randint(0, 5))
        ],
    }
    if rng.random() < 0.5:
        document["id"] = f"urn:uuid:4f6e3c1a-5b2d-4c8e-9a7f-{rng.randint(0, 10**12):012d}"
    if rng.random() < 0.15:
        document["credentialSubject"]["notInContext"] = text()  # an undefined term
    if rng.random() < 0.1:
        document["evidence"].append({"id": "relative/evidence", "type": ["Evidence"]})  # a relative IRI
    if rng.random() < 0.1:
        document["@context"] = [*document["@context"], {"localTerm": "https://example.org/vocab#localTerm"}]
        document["localTerm"] = text()  # an inline context
    return shuffled(rng, document)


def test_randomized_credentials_are_byte_identical_to_plain_pyld(fast_loader):
    rng = random.Random(20250314)
    for _ in range(VARIANTS):
        assert_same_as_plain(random_credential(rng), fast_loader)


def test_randomized_signing_matches_the_uncached_signer_and_verifies(fast_loader):
    rng = random.Random(7)
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    multikey = dataintegrity.public_key_to_multikey(key.public_key())
    method = f"did:key:{multikey}#{multikey}"
    uncached = jsonld.OfflineDocumentLoader(cache_resolved_contexts=False)
    signed_count = 0
    for index in range(max(VARIANTS // 4, 10)):
        document = random_credential(rng)
        created = f"2025-03-{1 + index % 28:02d}T15:09:26Z"
        try:
            slow = dataintegrity.sign(document, private_key=key, verification_method=method, created=created,
                                      loader=uncached)
        except dataintegrity.UndefinedTermError as refused:
            with pytest.raises(dataintegrity.UndefinedTermError) as fast_refused:
                dataintegrity.sign(document, private_key=key, verification_method=method, created=created,
                                   loader=fast_loader)
            assert fast_refused.value.terms == refused.terms
            continue
        fast = dataintegrity.sign(document, private_key=key, verification_method=method, created=created,
                                  loader=fast_loader)
        assert fast == slow
        assert dataintegrity.verify(fast, resolve_key=dataintegrity.resolve_did_key, loader=fast_loader).ok
        assert dataintegrity.verify(fast, resolve_key=dataintegrity.resolve_did_key, loader=uncached).ok
        signed_count += 1
    assert signed_count > 0


def test_cached_canonical_form_cannot_be_corrupted_by_the_caller(fast_loader):
    config = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "DataIntegrityProof",
              "cryptosuite": "eddsa-rdfc-2022", "created": "2025-03-14T15:09:26Z",
              "verificationMethod": "did:example:issuer#key", "proofPurpose": "assertionMethod", "unknownTerm": 1}
    first = jsonld.canonical_form(config, loader=fast_loader)
    first.undefined_terms.append("tampered")
    again = jsonld.canonical_form(config, loader=fast_loader)
    assert again.undefined_terms == ["unknownTerm"]
    assert again.nquads == plain_pyld(config)


def test_context_memo_is_per_loader_and_off_without_the_context_cache():
    assert jsonld.OfflineDocumentLoader(cache_resolved_contexts=False).processed_contexts is None
    assert jsonld.default_loader().processed_contexts is not jsonld.default_loader().with_contexts(
        EXTRA_CONTEXTS).processed_contexts


def test_inline_context_changed_in_place_is_not_served_stale(fast_loader):
    context = {"localTerm": "https://example.org/vocab#a"}
    document = {"@context": ["https://www.w3.org/ns/credentials/v2", context], "localTerm": "x"}
    first = jsonld.canonicalize(document, loader=fast_loader)
    context["localTerm"] = "https://example.org/vocab#b"
    second = jsonld.canonicalize(document, loader=fast_loader)
    assert first != second
    assert second == plain_pyld(document)


def test_url_equal_to_the_json_of_a_memoized_inline_context_is_still_refused(fast_loader):
    inline = ["https://www.w3.org/ns/credentials/v2", {"localTerm": "https://example.org/vocab#a"}]
    jsonld.canonicalize({"@context": inline, "localTerm": "x"}, loader=fast_loader)
    as_text = json.dumps(inline, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    with pytest.raises(jsonld.ContextNotAvailableError):
        jsonld.canonicalize({"@context": as_text, "localTerm": "x"}, loader=fast_loader)
    with pytest.raises(jsonld.ContextNotAvailableError):
        jsonld.canonicalize({"@context": [as_text], "localTerm": "x"}, loader=fast_loader)
