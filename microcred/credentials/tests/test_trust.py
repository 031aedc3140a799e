"""Issuer binding and known issuers: forgeries are not verified (library, CLI, API, import page); the standards'
vectors and another implementation's credential verify when their issuer's keys are trusted or registered."""
import copy
import json
from pathlib import Path

import jwt as pyjwt
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from microcred.core.models import AuditEvent
from microcred.credentials import clr, keys, online, services, status
from microcred.credentials.standards import dataintegrity
from microcred.credentials.models import ExternalCredential, IssuerKey, KnownIssuer, StatusList
from microcred.credentials.verify import verify_credential
from tests.standards_data import SCHEMAS, STANDARDS, VECTORS

from .forgery import controller_document, credential, new_did_key, resigned_with_did_key, self_issued_did_key_credential, sign

OB3_VECTOR = VECTORS / "1edtech-ob3-eddsa-rdfc-2022"
CLR_VECTOR = VECTORS / "1edtech-clr2-eddsa-rdfc-2022"
EXAMPLES = VECTORS / "1edtech-validator-examples"
DIGITAL_BAZAAR = STANDARDS.parent / "standards-extra" / "digitalbazaar" / "ob3-did-key-single-proof.json"
VECTOR_ISSUER = "https://example.edu/issuers/565049"
VECTOR_MULTIKEY = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"


def vector_key_document(issuer=VECTOR_ISSUER):
    """The 1EdTech vectors' issuer key (from expected.json) as the issuer's controller document."""
    method = f"{issuer}#{VECTOR_MULTIKEY}"
    return {"id": issuer, "verificationMethod": [{"id": method, "type": "Multikey", "controller": issuer,
                                                  "publicKeyMultibase": VECTOR_MULTIKEY}]}


def read(path: Path):
    return json.loads(path.read_text())


# --- the three forgeries ------------------------------------------------------------------------------------------


@pytest.fixture
def forged_a(issued):
    """(a) a real credential of issuer-one with the achievement renamed, re-signed with a fresh did:key."""
    document = copy.deepcopy(issued.credential)
    document["credentialSubject"]["achievement"]["name"] = "Doctor of Everything"
    return resigned_with_did_key(document)


def test_forgery_a_platform_issuer_resigned_with_a_did_key_is_not_verified(forged_a):
    report = verify_credential(forged_a)
    assert not report.verified and report.failed("proof")
    assert "did:key" in report.get("proof").message and "proves nothing" in report.get("proof").message
    assert report.as_dict()["issuer_known"] is False
    # Removing credentialStatus (so it could never be revoked) does not help.
    stripped = resigned_with_did_key({k: v for k, v in forged_a.items() if k != "credentialStatus"})
    report = verify_credential(stripped)
    assert not report.verified and report.failed("proof")


def test_forgery_b_invented_https_issuer_with_a_did_key_is_not_verified(db):
    private, _did, method = new_did_key()
    forged = sign(credential("https://state.example.gov/issuers/education"), private, method)
    report = verify_credential(forged)
    assert not report.verified and report.failed("proof")
    assert "https://state.example.gov/issuers/education" in report.get("proof").message


def test_forgery_c_a_presenters_key_document_claiming_a_state_agency_vouches_for_nothing(client, world):
    issuer = "https://doe.state.example.gov/issuers/licensure"
    private, _did, _method = new_did_key()
    document = controller_document(issuer, private)
    forged = sign(credential(issuer, name="State teaching licence"), private, document["verificationMethod"][0]["id"])
    # The import page: uploading the key document next to it changes nothing.
    client.force_login(world["people"]["earner"])
    response = client.post("/credentials/import/", {
        "document": SimpleUploadedFile("c.json", json.dumps(forged).encode(), "application/json"),
        "key_document": SimpleUploadedFile("key.json", json.dumps(document).encode(), "application/json")})
    assert response.status_code == 400
    body = response.content.decode()
    assert "did not verify" in body and "not a registered known issuer" in body
    assert not ExternalCredential.objects.exists()
    # The API: a presenter's key_documents are ignored.
    response = client.post("/credentials/verify", json.dumps({"verifiableCredential": forged, "key_documents": [document]}),
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["verified"] is False
    # The service has no way to take them at all.
    with pytest.raises(TypeError):
        services.import_external_credential(earner=world["people"]["earner"], data=json.dumps(forged),
                                            key_documents=[document])


@pytest.mark.parametrize("which", ["a", "b"])
def test_forgeries_fail_the_cli_and_the_api(which, issued, client, tmp_path, capsys):
    if which == "a":
        document = copy.deepcopy(issued.credential)
        document["credentialSubject"]["achievement"]["name"] = "Doctor of Everything"
        forged = resigned_with_did_key(document)
    else:
        private, _did, method = new_did_key()
        forged = sign(credential("https://invented.example/issuer"), private, method)
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(forged))
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify", str(path))
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert "NOT VERIFIED" in out and "FAILED  proof" in out and "verifies with the issuer's key" not in out
    response = client.post("/credentials/verify", json.dumps({"verifiableCredential": forged}),
                           content_type="application/json")
    assert response.json()["verified"] is False and response.json()["issuer_known"] is False


def test_another_platform_issuers_key_is_not_this_issuers(issued, world):
    other = keys.active_key(world["orgs"]["other_issuer"], IssuerKey.Algorithm.ED25519)
    resigned = dataintegrity.sign({k: v for k, v in issued.credential.items() if k != "proof"},
                                  private_key=keys.private_key(other), verification_method=keys.key_url(other))
    report = verify_credential(resigned)
    assert report.failed("proof") and "issuer-two" in report.get("proof").message


def test_our_own_credential_is_verified_and_known(issued):
    report = verify_credential(issued.credential)
    assert report.verified and report.issuer.known and report.trusted
    assert "this platform's own issuer" in report.issuer.how


# --- trusted callers, known issuers and the standards' vectors ------------------------------------------------------


def test_1edtech_ob3_vector_single_proof_verifies_when_its_key_is_registered(world):
    signed = read(OB3_VECTOR / "signed-credential.json")
    assert isinstance(signed["proof"], dict)
    report = verify_credential(signed)
    assert not report.verified and "not a registered known issuer" in report.get("proof").message
    services.register_known_issuer(by=world["people"]["recognizer"], identifier=VECTOR_ISSUER, name="Example Corp",
                                   key_documents=[vector_key_document()])
    report = verify_credential(signed)
    assert report.verified, report.as_dict()
    assert report.issuer.known and "registered by recognizer" in report.issuer.how
    assert "OB 3.0" in report.get("schema").message


def test_1edtech_ob3_vector_verifies_with_a_trusted_key_document(db):
    report = verify_credential(read(OB3_VECTOR / "signed-credential.json"), key_documents=[vector_key_document()])
    assert report.verified and report.issuer.known and "operator" in report.issuer.how
    # A trusted document binds a key only to the controller it names.
    report = verify_credential(read(OB3_VECTOR / "signed-credential.json"),
                               key_documents=[{**vector_key_document(), "verificationMethod": [
                                   {**vector_key_document()["verificationMethod"][0], "controller": "https://other.example"}]}])
    assert not report.verified and "not of the issuer" in report.get("proof").message


def test_1edtech_clr_vector_and_its_nested_credentials_verify_when_the_issuer_is_registered(world):
    signed = read(CLR_VECTOR / "signed-credential.json")
    assert not verify_credential(signed).verified
    services.register_known_issuer(by=world["people"]["platform_admin"], identifier=VECTOR_ISSUER,
                                   name="Example University", key_documents=[vector_key_document()])
    report = verify_credential(signed)
    assert report.verified, report.as_dict()
    assert "CLR 2.0" in report.get("schema").message and "nested credential(s) verify" in report.get("proof").message
    assert report.nested and all(inner.verified for inner in report.nested)
    # 1EdTech's validator example: valid against the CLR schema; its nested credential's issuer is not registered.
    example = verify_credential(read(EXAMPLES / "clr20" / "simple.json"))
    assert example.get("schema").ok and not example.verified
    assert "nested credential 1" in example.get("proof").message


def test_1edtech_validator_example_verifies_when_its_issuer_key_is_trusted(db):
    issuer = "https://example.com/issuers/876543"
    report = verify_credential(read(EXAMPLES / "ob30" / "simple.json"), key_documents=[vector_key_document(issuer)])
    assert report.verified, report.as_dict()
    tampered = read(EXAMPLES / "ob30" / "simple-err-proof-value.json")
    assert not verify_credential(tampered, key_documents=[vector_key_document(issuer)]).verified


def test_w3c_vector_binds_its_did_key_only_when_the_issuer_vouches_for_it(db):
    from microcred.credentials.standards import jsonld
    from microcred.credentials.verify import KeyResolver, _Documents

    signed = read(VECTORS / "w3c-vc-di-eddsa" / "eddsa-rdfc-2022" / "signedDataInt.json")
    method = signed["proof"]["verificationMethod"]
    loader = jsonld.default_loader().with_contexts(  # the vector's examples context, which production does not ship
        {"https://www.w3.org/ns/credentials/examples/v2": STANDARDS / "contexts" / "credentials-examples-v2.jsonld"})
    # A did:key, and the issuer is an https URL: nothing binds them.
    unbound = KeyResolver(_Documents(None), signed["issuer"], online=False)
    result = dataintegrity.verify(signed, resolve_key=unbound.ed25519, loader=loader)
    assert not result.ok and "only controls itself" in result.reason
    issuer_document = {"id": signed["issuer"], "verificationMethod": [
        {"id": method, "type": "Multikey", "controller": signed["issuer"],
         "publicKeyMultibase": method.partition("#")[2]}]}
    bound = KeyResolver(_Documents([issuer_document]), signed["issuer"], online=False)
    assert dataintegrity.verify(signed, resolve_key=bound.ed25519, loader=loader).ok


def test_digital_bazaar_signed_did_key_credential_verifies(db):
    signed = read(DIGITAL_BAZAAR)
    assert isinstance(signed["proof"], dict) and signed["issuer"]["id"].startswith("did:key:")
    report = verify_credential(signed)
    assert report.verified, report.as_dict()
    assert not report.issuer.known and report.issuer.how == "signed by an issuer this platform does not know"
    tampered = copy.deepcopy(signed)
    tampered["name"] = "Something else"
    assert not verify_credential(tampered).verified


def test_cli_trust_key_and_require_known(db, tmp_path, capsys):
    credential_file, key_file = tmp_path / "c.json", tmp_path / "key.json"
    credential_file.write_text((OB3_VECTOR / "signed-credential.json").read_text())
    key_file.write_text(json.dumps(vector_key_document()))
    call_command("verify", "--trust-key", str(key_file), str(credential_file))  # exit 0: no SystemExit
    assert "=> VERIFIED" in capsys.readouterr().out
    db_file = tmp_path / "db.json"
    db_file.write_text(DIGITAL_BAZAAR.read_text())
    call_command("verify", str(db_file))
    assert "UNKNOWN issuer" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        call_command("verify", "--require-known", str(db_file))
    from django.core.management.base import CommandError
    key_file.write_text("{nope")
    with pytest.raises(CommandError, match="not JSON"):
        call_command("verify", "--trust-key", str(key_file), str(credential_file))


# --- the platform's own CLR and JWTs ---------------------------------------------------------------------------------


def test_our_clr_export_validates_against_the_official_schema_and_verifies_with_the_cli(issued, world, tmp_path, capsys):
    from jsonschema import Draft201909Validator

    document = clr.signed_clr(world["people"]["earner"])
    schema = read(SCHEMAS / "clr_v2p0_clrcredential_schema.json")
    errors = [e.message for e in Draft201909Validator(schema).iter_errors(document)]
    assert errors == []
    path = tmp_path / "clr.json"
    path.write_text(json.dumps(document))
    call_command("verify", str(path))
    out = capsys.readouterr().out
    assert "=> VERIFIED" in out and "CLR 2.0" in out and "nested credential(s) verify" in out


def test_jwt_kid_serves_a_plain_jwk_and_the_jwt_has_sub(issued, client, settings):
    header = pyjwt.get_unverified_header(issued.jwt)
    jwk = client.get(header["kid"][len(settings.SITE_URL):]).json()
    assert jwk["kty"] == "EC" and jwk["crv"] == "P-256" and {"x", "y"} <= set(jwk) and "d" not in jwk
    claims = pyjwt.decode(issued.jwt, keys.ec_public_key_from_jwk(jwk), algorithms=["ES256"])
    assert claims["sub"] == f"{issued.credential['id']}#subject"
    assert verify_credential(issued.jwt).verified


def test_vc_claim_jwt_form_verifies_and_a_wrong_iss_fails(issued, world):
    key = keys.active_key(world["orgs"]["issuer"], IssuerKey.Algorithm.P256)
    vc = {k: v for k, v in issued.credential.items() if k != "proof"}
    claims = {"iss": vc["issuer"]["id"], "jti": vc["id"], "sub": "did:example:x", "nbf": 1700000000, "vc": vc}
    token = pyjwt.encode(claims, keys.private_key(key), algorithm="ES256", headers={"kid": keys.key_url(key)})
    assert verify_credential(token).verified, verify_credential(token).as_dict()
    token = pyjwt.encode({**claims, "iss": "https://elsewhere.example"}, keys.private_key(key), algorithm="ES256",
                         headers={"kid": keys.key_url(key)})
    assert not verify_credential(token).verified


def test_jwt_signed_by_a_presenters_key_is_not_verified(issued):
    from cryptography.hazmat.primitives.asymmetric import ec

    private = ec.generate_private_key(ec.SECP256R1())
    payload = {k: v for k, v in issued.credential.items() if k != "proof"}
    token = pyjwt.encode({**payload, "iss": payload["issuer"]["id"], "jti": payload["id"], "nbf": 1700000000},
                         private, algorithm="ES256", headers={"kid": "https://attacker.example/key#1"})
    report = verify_credential(token)
    assert not report.verified and report.failed("proof")


# --- status list privacy ------------------------------------------------------------------------------------------


def test_status_list_indexes_are_random_and_unique(issued, world):
    organization = world["orgs"]["issuer"]
    taken = [issued.status_index]
    for _ in range(30):
        status_list, index = status.allocate_index(organization, StatusList.Purpose.REVOCATION)
        taken.append(index)
    assert len(set(taken)) == len(taken)
    assert taken != sorted(taken)  # not handed out in issue order
    assert StatusList.objects.get(pk=status_list.pk).next_index == len(taken)


# --- known issuers: service, permissions, relabelling, recognition ---------------------------------------------------


def test_registering_relabels_imports_and_recognition_counts_only_known(world, django_capture_on_commit_callbacks):
    from microcred.recognition.selectors import credential_facts

    earner = world["people"]["earner"]
    document, did = self_issued_did_key_credential()
    imported = services.import_external_credential(earner=earner, data=json.dumps(document))
    assert imported.status == ExternalCredential.STATUS_UNKNOWN_ISSUER and not imported.issuer_known
    assert not [f for f in credential_facts([earner.pk])[earner.pk] if f.external]
    with django_capture_on_commit_callbacks(execute=True):
        known = services.register_known_issuer(by=world["people"]["recognizer"], identifier=did, name="Partner",
                                               note="checked by phone")
    imported.refresh_from_db()
    assert imported.issuer_known and imported.status == ExternalCredential.STATUS_VERIFIED
    assert [f.id for f in credential_facts([earner.pk])[earner.pk] if f.external] == [str(imported.pk)]
    assert AuditEvent.objects.filter(action="known_issuer.registered", target_id=str(known.pk)).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_known_issuer(known, by=world["people"]["platform_admin"])
    imported.refresh_from_db()
    assert not imported.issuer_known and imported.status == ExternalCredential.STATUS_UNKNOWN_ISSUER
    assert AuditEvent.objects.filter(action="known_issuer.removed").exists()


@pytest.mark.parametrize("who", ["earner", "issuer_admin", "author", "assessor"])
def test_only_platform_and_recognizer_admins_register(world, who):
    with pytest.raises(PermissionDenied):
        services.register_known_issuer(by=world["people"][who], identifier="did:key:" + VECTOR_MULTIKEY, name="X")
    assert not KnownIssuer.objects.exists()


@pytest.mark.parametrize("identifier, documents, message", [
    ("", None, "Give the issuer's id"),
    ("not a url", None, "without spaces"),
    ("ftp://example.org/issuer", None, "https URL"),
    ("http://localhost:8000/issuers/issuer-one", None, "this platform's own"),
    ("did:key:zNotAKey", None, "not an Ed25519"),
    ("https://example.edu/issuers/565049", None, "online lookup is off"),
    ("https://example.edu/issuers/565049", "nope", "JSON objects"),
    ("https://example.edu/issuers/565049", [{"verificationMethod": [{"id": "x#1", "controller": "https://evil.example",
                                                                     "publicKeyMultibase": "z6Mk"}]}], "controlled by"),
    ("https://example.edu/issuers/565049", [{"id": "https://example.edu/issuers/565049"}], "list no key"),
])
def test_bad_registrations_are_refused_with_a_message(world, identifier, documents, message):
    with pytest.raises(ValidationError, match=message):
        services.register_known_issuer(by=world["people"]["platform_admin"], identifier=identifier, name="X",
                                       key_documents=documents)
    assert not KnownIssuer.objects.exists()


def test_known_issuers_page(client, world):
    url = "/credentials/known-issuers/"
    assert client.get(url).status_code == 302  # log in first
    client.force_login(world["people"]["earner"])
    assert client.get(url).status_code == 403
    client.force_login(world["people"]["recognizer"])
    assert client.get(url).status_code == 200
    hostile = '<script>alert("x")</script>'
    response = client.post(url, {"identifier": VECTOR_ISSUER, "name": hostile,
                                 "key_documents": json.dumps(vector_key_document())})
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert "&lt;script&gt;" in body and "<script>alert" not in body and VECTOR_ISSUER in body
    response = client.post(url, {"identifier": VECTOR_ISSUER, "name": "Again", "key_documents": "{nope"})
    assert response.status_code == 400 and "not JSON" in response.content.decode()
    response = client.post(url, {"identifier": VECTOR_ISSUER, "name": "Again",
                                 "key_documents": json.dumps(vector_key_document())})
    assert response.status_code == 400 and "registered already" in response.content.decode()
    known = KnownIssuer.objects.get()
    client.force_login(world["people"]["earner"])
    assert client.post(f"/credentials/known-issuers/{known.pk}/remove").status_code == 403
    client.force_login(world["people"]["platform_admin"])
    assert client.post(f"/credentials/known-issuers/{known.pk}/remove").status_code == 302
    assert not KnownIssuer.objects.exists()


def test_known_issuers_api(client, world):
    url = "/api/v1/known-issuers/"
    assert client.get(url).status_code in (401, 403)
    client.force_login(world["people"]["other_earner"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"identifier": VECTOR_ISSUER, "name": "X"}, content_type="application/json").status_code == 403
    client.force_login(world["people"]["platform_admin"])
    response = client.post(url, {"identifier": VECTOR_ISSUER, "name": "Example Corp",
                                 "key_documents": [vector_key_document()]}, content_type="application/json")
    assert response.status_code == 201, response.content
    known_id = response.json()["id"]
    assert response.json()["registered_by"] == "platform_admin"
    assert [k["identifier"] for k in client.get(url).json()] == [VECTOR_ISSUER]
    assert client.post(url, ["not", "an", "object"], content_type="application/json").status_code == 400
    bad = client.post(url, {"identifier": "ftp://x", "name": "X"}, content_type="application/json")
    assert bad.status_code == 400 and "identifier" in bad.json()
    assert client.get(f"{url}{known_id}/").json()["name"] == "Example Corp"
    assert client.delete(f"{url}{known_id}/").status_code == 204
    assert client.get(f"{url}{known_id}/").status_code == 404


# --- online mode (no network needed: private and loopback addresses are refused before connecting) -----------------


@pytest.mark.parametrize("url, message", [
    ("https://127.0.0.1/issuer", "private or reserved"),
    ("https://localhost/issuer", "private or reserved"),
    ("https://10.1.2.3/did.json", "private or reserved"),
    ("https://[::1]/x", "private or reserved"),
    ("https://169.254.169.254/latest/meta-data", "private or reserved"),
    ("http://example.org/issuer", "only https"),
    ("file:///etc/passwd", "only https"),
])
def test_online_mode_refuses_private_addresses_and_other_schemes(url, message):
    with pytest.raises(online.FetchRefused, match=message):
        online.fetch_json(url)


def test_online_did_web_document_url():
    assert online.document_url("did:web:example.org") == "https://example.org/.well-known/did.json"
    assert online.document_url("did:web:example.org%3A8443:issuers:a") == "https://example.org:8443/issuers/a/did.json"


def test_online_verification_refuses_a_loopback_issuer(db):
    private, _did, _method = new_did_key()
    document = controller_document("https://localhost/issuer", private)
    signed = sign(credential("https://localhost/issuer"), private, document["verificationMethod"][0]["id"])
    report = verify_credential(signed, online=True)
    assert not report.verified and "private or reserved" in report.get("proof").message


def test_hostile_key_documents_are_refused(world):
    deep = {"id": VECTOR_ISSUER}
    for _ in range(200):
        deep = {"nested": deep}
    huge = [{**vector_key_document(), "padding": "x" * (300 * 1024)}]
    for documents, message in ((deep, "deeper"), (huge, "limited to")):
        with pytest.raises(ValidationError, match=message):
            services.register_known_issuer(by=world["people"]["platform_admin"], identifier=VECTOR_ISSUER, name="X",
                                           key_documents=documents)
    assert not KnownIssuer.objects.exists()


def test_known_issuers_page_queries_do_not_grow_with_the_list(client, world, django_assert_max_num_queries):
    client.force_login(world["people"]["platform_admin"])

    def register(count, start):
        for n in range(start, start + count):
            private, did, _method = new_did_key()
            KnownIssuer.objects.create(identifier=did, name=f"Partner {n}", registered_by=world["people"]["recognizer"])

    register(2, 0)
    with django_assert_max_num_queries(20) as few:
        client.get("/credentials/known-issuers/")
    register(40, 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/credentials/known-issuers/").content.decode().count("Partner ") >= 42


def test_online_mode_binds_a_key_from_the_issuers_own_did_web_document(db, monkeypatch):
    """(No network: the fetch is replaced by the document the issuer would serve.)"""
    issuer = "did:web:partner.example"
    private, _did, _method = new_did_key()
    document = controller_document(issuer, private, method_id=f"{issuer}#key-1")
    fetched = []
    monkeypatch.setattr(online, "fetch_json", lambda url: fetched.append(url) or document)
    signed = sign(credential(issuer), private, f"{issuer}#key-1")
    assert not verify_credential(signed, online=False).verified  # offline: nothing binds it
    report = verify_credential(signed, online=True)
    assert report.verified, report.as_dict()
    assert fetched == ["https://partner.example/.well-known/did.json"]
    assert not report.issuer.known  # found online: bound, but not known to this platform
    # A document served for another DID does not bind.
    monkeypatch.setattr(online, "fetch_json", lambda url: {**document, "id": "did:web:other.example"})
    assert not verify_credential(signed, online=True).verified


def test_a_nearly_full_status_list_still_hands_out_a_free_random_index(issued, world, monkeypatch):
    from microcred.credentials.models import IssuedCredential

    status_list = issued.status_list
    monkeypatch.setattr(status, "RANDOM_PROBES", 0)  # go straight to the fallback: a draw among the free indexes
    StatusList.objects.filter(pk=status_list.pk).update(size=4)
    status_list.refresh_from_db()
    IssuedCredential.objects.filter(pk=issued.pk).update(status_index=0)
    index = status._random_free_index(status_list)
    assert index in {1, 2, 3}
