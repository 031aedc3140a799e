"""Verification: tampering, wrong keys, hostile input, the HTTP API, the command, credential visibility."""
import base64
import copy
import json
from datetime import datetime, timedelta, timezone

import pytest
from django.core.management import call_command

from microcred.credentials.services import set_visibility
from microcred.credentials.verify import verify_credential


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_tampered_field_fails_the_proof(issued):
    forged = copy.deepcopy(issued.credential)
    forged["credentialSubject"]["achievement"]["name"] = "Something else"
    report = verify_credential(forged)
    assert not report.verified and report.failed("proof") and "signature" in report.get("proof").message


def test_added_undefined_property_fails(issued):
    forged = copy.deepcopy(issued.credential)
    forged["credentialSubject"]["grade"] = "A+"  # not defined by the contexts, so outside the signature
    report = verify_credential(forged)
    assert report.failed("proof") and "grade" in report.get("proof").message


def test_tampered_proof_fails(issued):
    forged = copy.deepcopy(issued.credential)
    value = forged["proof"][0]["proofValue"]
    forged["proof"][0]["proofValue"] = value[:-3] + ("abc" if value[-3:] != "abc" else "abd")
    assert verify_credential(forged).failed("proof")
    del forged["proof"]
    report = verify_credential(forged)
    assert report.failed("proof") and "no proof" in report.get("proof").message


def test_wrong_key_fails(issued, world, publish_mc):
    from microcred.credentials import keys
    from microcred.credentials.models import IssuerKey

    other = keys.active_key(world["orgs"]["other_issuer"], IssuerKey.Algorithm.ED25519)
    forged = copy.deepcopy(issued.credential)
    forged["proof"][0]["verificationMethod"] = keys.key_url(other)
    report = verify_credential(forged)
    assert report.failed("proof")
    # Re-signed properly, but with another issuer's key: the key does not belong to the issuer named.
    from microcred.credentials.standards import dataintegrity

    resigned = dataintegrity.sign({k: v for k, v in issued.credential.items() if k != "proof"},
                                  private_key=keys.private_key(other), verification_method=keys.key_url(other))
    report = verify_credential(resigned)
    assert report.failed("proof") and "not to the issuer" in report.get("proof").message


def test_tampered_jwt_payload_and_header_fail(issued):
    header, payload, signature = issued.jwt.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["achievement"]["name"] = "Forged"
    report = verify_credential(".".join([header, _b64(claims), signature]))
    assert report.failed("proof") and "ES256 signature does not match" in report.get("proof").message
    none_header = _b64({"alg": "none", "typ": "JWT"})
    report = verify_credential(".".join([none_header, payload, signature]))
    assert report.failed("proof") and "only ES256" in report.get("proof").message
    report = verify_credential(".".join([header, payload, signature[:-4] + "AAAA"]))
    assert report.failed("proof")


def test_validity_dates(issued):
    future = datetime.now(timezone.utc) - timedelta(days=1)
    report = verify_credential(issued.credential, now=future)
    assert report.failed("validity") and "future" in report.get("validity").message


@pytest.mark.parametrize("data, reason", [
    (b"not json at all", "neither JSON nor a JWT"),
    (b"\xff\xfe\x00", "not UTF-8"),
    (b"[1, 2, 3]", "expected a credential"),
    (b"", "empty"),
    (b"x" * (3 * 1024 * 1024), "2 MB"),
    (b"[" * 10000 + b"]" * 10000, "deeper than"),
])
def test_hostile_input_gives_a_specific_reason(data, reason):
    report = verify_credential(data)
    assert not report.verified and report.failed("parse") and reason in report.get("parse").message
    assert [c.status for c in report.checks[1:]] == ["skipped"] * 4


def test_deeply_nested_object_input():
    nested: dict = {}
    node = nested
    for _ in range(10000):
        node["a"] = {}
        node = node["a"]
    report = verify_credential(nested)
    assert report.failed("parse") and "deeper than" in report.get("parse").message


def test_verify_endpoint(client, issued):
    response = client.post("/credentials/verify", {"verifiableCredential": issued.credential}, content_type="application/json")
    body = response.json()
    assert response.status_code == 200 and body["verified"] is True and body["errors"] == []
    assert {c["check"] for c in body["checks"]} == {"parse", "schema", "proof", "status", "validity"}
    response = client.post("/credentials/verify", issued.jwt, content_type="text/plain")
    assert response.status_code == 200 and response.json()["verified"] is True and response.json()["format"] == "jwt"
    forged = copy.deepcopy(issued.credential)
    forged["name"] = "Forged"
    body = client.post("/credentials/verify", {"verifiableCredential": forged}, content_type="application/json").json()
    assert body["verified"] is False and body["errors"][0]["check"] == "proof"


@pytest.mark.parametrize("payload, status", [
    (b"this is not json", 400),
    (b"x" * (3 * 1024 * 1024), 413),
    (b"[" * 10000 + b"]" * 10000, 400),
    (b'{"verifiableCredential": ' + b"[" * 10000 + b"]" * 10000 + b"}", 400),
])
def test_verify_endpoint_rejects_bad_bodies_clearly(client, payload, status):
    response = client.post("/credentials/verify", payload, content_type="application/json")
    assert response.status_code == status
    body = response.json()
    assert body["verified"] is False and body["errors"][0]["check"] == "parse" and body["errors"][0]["message"]


def test_verify_endpoint_is_post_only(client):
    assert client.get("/credentials/verify").status_code == 405


def test_verify_command(issued, tmp_path, capsys):
    good_json, good_jwt = tmp_path / "good.json", tmp_path / "good.jwt"
    good_json.write_text(json.dumps(issued.credential))
    good_jwt.write_text(issued.jwt)
    call_command("verify", str(good_json), str(good_jwt))  # no SystemExit: all verified
    out = capsys.readouterr().out
    assert out.count("=> VERIFIED") == 2

    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 10000 + "]" * 10000)
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify", str(good_json), str(bad), str(deep), str(tmp_path / "missing.json"))
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert "neither JSON nor a JWT" in out and "deeper than" in out and "read:" in out and "Traceback" not in out


def test_private_credential_is_hidden_from_everyone_but_the_earner_and_its_issuer(client, issued, world):
    url = f"/credentials/{issued.pk}"
    assert client.get(url).json() == issued.credential  # default visibility: anyone with the link
    set_visibility(issued, by=world["people"]["earner"], visibility="private")
    assert client.get(url).status_code == 404
    client.force_login(world["people"]["other_admin"])  # another issuer's admin
    assert client.get(url).status_code == 404
    client.force_login(world["people"]["issuer_admin"])  # its issuer's admin (policy.can_see_issued_credential)
    assert client.get(url).json() == issued.credential
    client.force_login(world["people"]["earner"])
    assert client.get(url).json() == issued.credential
    assert client.get("/credentials/00000000-0000-0000-0000-000000000000").status_code == 404


def test_export_credentials(issued, tmp_path, client):
    call_command("export_credentials", str(tmp_path))
    assert json.loads((tmp_path / f"{issued.pk}.json").read_text()) == issued.credential
    assert (tmp_path / f"{issued.pk}.jwt").read_text() == issued.jwt
    exported = json.loads((tmp_path / "keys" / "issuer-one" / "issuer.json").read_text())
    assert exported == client.get("/issuers/issuer-one").json()
    assert verify_credential((tmp_path / f"{issued.pk}.jwt").read_bytes(), key_documents=[exported]).verified


from pathlib import Path  # noqa: E402

from tests.standards_data import STANDARDS  # noqa: E402

STANDARD_EXAMPLES = STANDARDS / "vectors" / "1edtech-validator-examples" / "ob30"


@pytest.mark.parametrize("name, schema_ok", [
    ("simple.json", True), ("complete.json", True), ("simple-err-issuer.json", False),
    ("simple-err-type.json", False), ("simple-err-context.json", False),
    ("simple-err-credential-subject-type.json", False),
])
def test_schema_check_on_1edtech_examples(name, schema_ok):
    path = STANDARD_EXAMPLES / name
    report = verify_credential(path.read_bytes())
    assert report.get("schema").ok is schema_ok


def test_shipped_schemas_match_their_recorded_sources():
    import hashlib

    folder = Path(__file__).resolve().parents[1] / "standards" / "schemas"
    sources = json.loads((folder / "SOURCES.json").read_text())
    for entry in sources["schemas"]:
        assert hashlib.sha256((folder / entry["file"]).read_bytes()).hexdigest() == entry["sha256"]
        vendored = STANDARDS / "schemas" / entry["file"]
        if vendored.exists():
            assert (folder / entry["file"]).read_bytes() == vendored.read_bytes()


def test_shipped_schemas_are_valid_json_schemas_so_processes_load_them_unchecked():
    """Web processes load the shipped schemas without checking them against the metaschema (≈ 0.2 s each, decision
    0062): this test is that check. A schema the operator names is still checked (the command tests below)."""
    from jsonschema import Draft201909Validator

    from microcred.credentials.standards import verify

    for path in (verify.SCHEMA_FILE, verify.CLR_SCHEMA_FILE):
        Draft201909Validator.check_schema(json.loads(path.read_text()))


@pytest.mark.django_db
def test_the_warm_up_sample_is_a_valid_unsigned_credential_of_our_shape():
    """What standards.verify.warm_up reads: schema-valid, every term defined by the shipped contexts, no proof."""
    from microcred.credentials.standards import verify
    from microcred.credentials.standards.jsonld import canonical_form

    sample = json.loads(verify.WARM_UP_FILE.read_text())["credential"]
    assert "proof" not in sample and "OpenBadgeCredential" in sample["type"]
    assert verify._schema_errors(verify._schema_validator(), sample) == []
    form = canonical_form(sample)
    assert form.undefined_terms == [] and "AchievementSubject" in form.nquads
    verify.warm_up()  # and runs


@pytest.mark.django_db
def test_did_key_example_is_not_bound_to_its_urn_issuer():
    """1EdTech's example signs for issuer urn:uuid:… with a did:key: the signature is fine, but a did:key controls
    only itself, so nothing binds the key to that issuer."""
    path = STANDARD_EXAMPLES / "simple-did-key-method.json"
    report = verify_credential(path.read_bytes())
    assert report.failed("proof") and "only controls itself" in report.get("proof").message
    assert not report.verified


@pytest.fixture
def official_schema():
    """`microcred verify --schema` with the official schema (the vendored copy in tests/standards/)."""
    from microcred.credentials.standards import verify

    path = STANDARDS / "schemas" / "ob_v3p0_achievementcredential_schema.json"
    yield path
    verify._validator = None  # back to the shipped default for the other tests


def test_verify_command_validates_against_a_supplied_official_schema(official_schema, tmp_path, capsys):
    good = STANDARD_EXAMPLES / "complete.json"
    with pytest.raises(SystemExit):  # its issuer's key is not supplied: only the schema check matters here
        call_command("verify", "--schema", str(official_schema), str(good))
    assert "ok      schema: valid against the OB 3.0 AchievementCredential JSON Schema" in capsys.readouterr().out
    bad = tmp_path / "no-subject.json"
    bad.write_text(json.dumps({k: v for k, v in json.loads(good.read_text()).items() if k != "credentialSubject"}))
    with pytest.raises(SystemExit):
        call_command("verify", "--schema", str(official_schema), str(bad))
    assert "schema error(s)" in capsys.readouterr().out


@pytest.mark.parametrize("content, message", [(None, "cannot read"), ("{not json", "is not a JSON Schema"),
                                              ('{"type": 12}', "is not a JSON Schema")])
def test_verify_command_refuses_an_unusable_schema_file(tmp_path, content, message):
    from django.core.management.base import CommandError

    path = tmp_path / "schema.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("verify", "--schema", str(path), str(STANDARD_EXAMPLES / "simple.json"))
