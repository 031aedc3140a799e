"""Open Badges 2.0 import: hosted, signed and baked badges; verified by the 2.0 rules; refused when broken."""
import json
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from microcred.core.models import AuditEvent
from microcred.credentials import services
from microcred.credentials.standards import fetch, images
from microcred.credentials.models import ExternalCredential

from . import ob2_examples as ex


@pytest.fixture
def earner(world):
    return world["people"]["earner"]


def do_import(earner, data):
    return services.import_external_credential(earner=earner, data=data if isinstance(data, bytes) else data.encode())


def refused(earner, data, match):
    with pytest.raises(ValidationError, match=match):
        do_import(earner, data)
    assert not ExternalCredential.objects.exists()


# --- hosted ----------------------------------------------------------------------------------------------------------

def test_hosted_assertion_json_imports_as_not_verifiable_offline(earner):
    imported = do_import(earner, json.dumps(ex.assertion(earner.email)))
    assert imported.standard == "ob2" and imported.format == "json"
    assert imported.status == ExternalCredential.STATUS_OB2_UNCONFIRMED and not imported.issuer_confirmed
    assert imported.format_label == "Open Badges 2.0, imported (JSON)"
    assert imported.achievement_name == "Reading Coach" and imported.issuer_name == "Example Badge Academy"
    assert imported.issuer_id == ex.ISSUER_ID and imported.credential_id.endswith("/assertions/1")
    assert imported.valid_from.year == 2023
    checks = {c["check"]: c for c in imported.verification["checks"]}
    assert checks["hosted"]["status"] == "not_checked" and "could not be verified offline" in checks["hosted"]["message"]
    assert checks["recipient"]["status"] == "passed" and checks["origin"]["status"] == "passed"
    assert AuditEvent.objects.filter(action="credential.imported").count() == 1
    assert do_import(earner, json.dumps(ex.assertion(earner.email))).pk == imported.pk  # twice: one import


def test_baked_png_of_a_hosted_assertion_imports_from_the_page(client, earner):
    client.force_login(earner)
    png = ex.baked_png(json.dumps(ex.assertion(earner.email)))
    response = client.post("/credentials/import/", {"document": SimpleUploadedFile("badge.png", png, "image/png")})
    assert response.status_code == 302
    imported = ExternalCredential.objects.get(earner=earner)
    assert imported.format == "png" and imported.format_label == "Open Badges 2.0, imported (baked PNG)"
    body = client.get("/credentials/mine/").content.decode()
    assert "Reading Coach" in body and "Open Badges 2.0, imported (baked PNG)" in body
    assert "not verifiable offline" in body and "could not be verified offline" in body


def test_other_earners_do_not_see_an_import(client, world, earner):
    do_import(earner, json.dumps(ex.assertion(earner.email)))
    client.force_login(world["people"]["other_earner"])
    assert "Reading Coach" not in client.get("/credentials/mine/").content.decode()


def test_baked_png_with_only_a_url_needs_online_mode(earner):
    refused(earner, ex.baked_png("https://badges.example.org/assertions/1"), "online checking")


def test_hosted_assertion_on_another_host_than_its_issuer_is_refused(earner):
    refused(earner, json.dumps(ex.assertion(earner.email, id="https://evil.example.net/assertions/1")),
            "not on its issuer's site")


@pytest.mark.parametrize("change, match", [
    ({"expires": "2024-01-01T00:00:00Z"}, "expired"),
    ({"revoked": True, "revocationReason": "Plagiarism"}, "revoked it: Plagiarism"),
    ({"issuedOn": "2999-01-01T00:00:00Z"}, "future"),
    ({"issuedOn": "last tuesday"}, "issuedOn"),
    ({"verification": {"type": "telepathy"}}, "neither hosted nor signed"),
    ({"verification": {"type": "SignedBadge"}}, "not the signature"),
])
def test_broken_hosted_assertions_are_refused(earner, change, match):
    refused(earner, json.dumps(ex.assertion(earner.email, **change)), match)


def test_wrong_recipient_is_refused(earner):
    refused(earner, json.dumps(ex.assertion("someone.else@example.org")), "not yours")
    refused(earner, json.dumps(ex.assertion(earner.email, recipient={"type": "url", "identity": "https://x"})),
            "not an e-mail")


@pytest.mark.parametrize("form", [{"algorithm": "md5"}, {"hashed": False}])
def test_md5_and_plain_recipients_match(earner, form):
    imported = do_import(earner, json.dumps(ex.assertion(earner.email, recipient=ex.recipient(earner.email, **form))))
    assert imported.standard == "ob2"


# --- signed ----------------------------------------------------------------------------------------------------------

@pytest.fixture
def key():
    return ex.rsa_key()


def register_issuer(document, identifier=ex.ISSUER_ID):
    """The issuer known to this platform, with its OB 2.0 key document, as a platform admin registers it."""
    from microcred.credentials.models import KnownIssuer

    return KnownIssuer.objects.create(identifier=identifier, name="Example Badge Academy", key_documents=[document])


@pytest.fixture
def registered(db, key):
    register_issuer(ex.cryptographic_key(key))
    return key


def test_signed_assertion_with_a_registered_key_is_verified(earner, registered):
    token = ex.sign(ex.assertion(earner.email, signed=True), registered)
    imported = do_import(earner, token)
    assert imported.status == ExternalCredential.STATUS_OB2_SIGNED and imported.issuer_confirmed
    assert imported.format == "jws" and imported.raw == token
    checks = {c["check"]: c for c in imported.verification["checks"]}
    assert checks["signature"]["status"] == "passed" and "registered" in checks["signature"]["message"]


def test_signed_assertion_with_an_unknown_key_is_not_verifiable_offline(earner, key):
    imported = do_import(earner, ex.sign(ex.assertion(earner.email, signed=True), key))
    assert imported.status == ExternalCredential.STATUS_OB2_UNCONFIRMED
    checks = {c["check"]: c for c in imported.verification["checks"]}
    assert checks["signature"]["status"] == "not_checked"
    assert "Signature not verifiable offline" in checks["signature"]["message"]


def test_tampered_signed_assertion_is_refused(earner, registered):
    token = ex.sign(ex.assertion(earner.email, signed=True), registered)
    forged = ex.tamper_jws(token, lambda d: d["badge"].update(name="Superintendent of Everything"))
    refused(earner, forged, "signature does not match")


def test_signed_by_another_key_is_refused(earner, registered):
    refused(earner, ex.sign(ex.assertion(earner.email, signed=True), ex.rsa_key()), "signature does not match")


def test_registered_key_of_another_issuer_does_not_vouch(earner, key):
    register_issuer(ex.cryptographic_key(key, owner="https://state.example.gov/issuer"),
                    identifier="https://state.example.gov/issuer")
    refused(earner, ex.sign(ex.assertion(earner.email, signed=True), key), "someone other than the badge's issuer")


def test_signed_badge_baked_in_svg_and_png(earner, registered):
    token = ex.sign(ex.assertion(earner.email, signed=True), registered)
    imported = do_import(earner, ex.baked_svg(verify=token))
    assert imported.format == "svg" and imported.status == ExternalCredential.STATUS_OB2_SIGNED
    ExternalCredential.objects.all().delete()
    imported = do_import(earner, ex.baked_png(token))
    assert imported.format == "png" and imported.status == ExternalCredential.STATUS_OB2_SIGNED


def test_hosted_badge_baked_in_svg_with_json_body(earner):
    document = json.dumps(ex.assertion(earner.email))
    imported = do_import(earner, ex.baked_svg(verify="https://badges.example.org/assertions/1", body=document))
    assert imported.format == "svg" and imported.achievement_name == "Reading Coach"


def test_unsigned_algorithm_none_is_refused(earner):
    header = jwt_part({"alg": "none"})
    payload = jwt_part(ex.assertion(earner.email, signed=True))
    refused(earner, f"{header}.{payload}.", "not allowed")


def jwt_part(value):
    import jwt as pyjwt

    return pyjwt.utils.base64url_encode(json.dumps(value).encode()).decode()


# --- online mode (off by default) ------------------------------------------------------------------------------------

@pytest.fixture
def online(settings, monkeypatch):
    settings.MICROCRED_OB2_ONLINE = True
    published = {}

    def fake_fetch(url):
        if url not in published:
            raise fetch.FetchError(f"{url} answered HTTP 404")
        value = published[url]
        if isinstance(value, Exception):
            raise value
        return value

    monkeypatch.setattr(fetch, "fetch_json", fake_fetch)
    return published


def test_online_hosted_assertion_confirmed_by_its_issuer(earner, online):
    document = ex.assertion(earner.email)
    online[document["id"]] = json.loads(json.dumps(document))
    imported = do_import(earner, ex.baked_png(document["id"]))  # only the URL baked: fetched online
    assert imported.status == ExternalCredential.STATUS_OB2_HOSTED and imported.issuer_confirmed


def test_online_hosted_assertion_that_differs_from_the_published_copy_is_refused(earner, online):
    document = ex.assertion(earner.email)
    online[document["id"]] = dict(document, issuedOn="2020-01-01T00:00:00Z")
    refused(earner, json.dumps(document), "differs from the copy")


def test_online_gone_and_revocation_list(earner, online):
    document = ex.assertion(earner.email)
    online[document["id"]] = fetch.Gone("410")
    refused(earner, json.dumps(document), "410 Gone")
    document["badge"]["issuer"]["revocationList"] = "https://badges.example.org/revoked"
    online[document["id"]] = json.loads(json.dumps(document))
    online["https://badges.example.org/revoked"] = {"type": "RevocationList",
                                                     "revokedAssertions": [{"id": document["id"]}]}
    refused(earner, json.dumps(document), "revocation list says it is revoked")


def test_online_signed_key_must_be_listed_by_its_issuer(earner, online, key):
    online[ex.KEY_ID] = ex.cryptographic_key(key)
    token = ex.sign(ex.assertion(earner.email, signed=True), key)
    imported = do_import(earner, token)
    assert imported.status == ExternalCredential.STATUS_OB2_SIGNED
    ExternalCredential.objects.all().delete()
    document = ex.assertion(earner.email, signed=True)
    document["badge"]["issuer"]["publicKey"] = "https://badges.example.org/keys/other"
    refused(earner, ex.sign(document, key), "not one its issuer's profile lists")


def test_fetch_refuses_private_addresses_and_other_schemes():
    for url in ("http://127.0.0.1/assertion", "http://localhost/x", "http://10.0.0.1/x", "http://[::1]/x",
                "http://169.254.169.254/latest/meta-data"):
        with pytest.raises(fetch.FetchError, match="private or reserved"):
            fetch.fetch_json(url)
    for url in ("file:///etc/passwd", "ftp://example.org/x", "gopher://x"):
        with pytest.raises(fetch.FetchError, match="only http"):
            fetch.fetch_json(url)


# --- hostile input ---------------------------------------------------------------------------------------------------

def test_hostile_input_is_refused_with_a_message(earner):
    refused(earner, b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "PNG")
    refused(earner, b"<svg xmlns='http://www.w3.org/2000/svg'><g></svg>", "well-formed")
    refused(earner, b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><svg>&lol;</svg>', "DTD")
    refused(earner, images.badge_png(title="t", issuer="i", seed="s"), "holds no badge")
    bomb = images._chunk(b"iTXt", b"openbadges\x00\x01\x00\x00\x00" + zlib.compress(b"{" * (3 * 1024 * 1024), 9))
    png = images.badge_png(title="t", issuer="i", seed="s")
    refused(earner, png[:33] + bomb + png[33:], "expands beyond")
    refused(earner, ex.baked_png("[" * 100_000), "not readable|nests too deeply|not an Open Badges|neither")


def test_huge_and_deep_json_are_refused(earner):
    big = ex.assertion(earner.email)
    big["badge"]["description"] = "x" * (2 * 1024 * 1024)
    with pytest.raises(ValidationError, match="2 MB"):
        do_import(earner, json.dumps(big))
    deep = ex.assertion(earner.email)
    nested = {}
    cursor = nested
    for _ in range(5000):
        cursor["a"] = {}
        cursor = cursor["a"]
    deep["extra"] = "placeholder"
    text = json.dumps(deep).replace('"placeholder"', '{"a":' * 5000 + "1" + "}" * 5000)
    with pytest.raises(ValidationError):
        do_import(earner, text)
    assert not ExternalCredential.objects.exists()


def test_hostile_text_in_a_badge_is_shown_escaped(client, earner):
    document = ex.assertion(earner.email)
    document["badge"]["name"] = "<script>alert('x')</script>"
    do_import(earner, json.dumps(document))
    client.force_login(earner)
    body = client.get("/credentials/mine/").content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;" in body


def test_recognition_counts_only_issuer_confirmed_imports(earner, registered):
    from microcred.recognition.selectors import credential_facts, credential_labels

    do_import(earner, json.dumps(ex.assertion(earner.email)))
    do_import(earner, ex.sign(ex.assertion(earner.email, number=2, signed=True), registered))
    facts = credential_facts([earner.pk])[earner.pk]
    assert len([f for f in facts if f.external]) == 1
    labels = credential_labels(earner)
    assert any("Open Badges 2.0, imported (signed (JWS))" in label for label in labels.values())


# --- API -------------------------------------------------------------------------------------------------------------

def test_api_import_of_a_baked_png_and_a_json_assertion(client, earner):
    client.force_login(earner)
    png = ex.baked_png(json.dumps(ex.assertion(earner.email)))
    response = client.post("/api/v1/credentials/import/", {"document": SimpleUploadedFile("b.png", png, "image/png")})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["standard"] == "ob2" and body["format"] == "png" and body["issuer_confirmed"] is False
    again = client.post("/api/v1/credentials/import/", {"document": SimpleUploadedFile("b.png", png, "image/png")})
    assert again.status_code == 200
    response = client.post("/api/v1/credentials/import/", {"document": ex.assertion(earner.email, number=3)},
                           content_type="application/json")
    assert response.status_code == 201 and response.json()["achievement_name"] == "Reading Coach"
    wrong = client.post("/api/v1/credentials/import/", {"document": ex.assertion("x@example.net", number=4)},
                        content_type="application/json")
    assert wrong.status_code == 400 and "not yours" in json.dumps(wrong.json())
    assert client.post("/api/v1/credentials/import/", {}, content_type="application/json").status_code == 400


def test_api_import_needs_login(client, db):
    response = client.post("/api/v1/credentials/import/", {"document": "{}"}, content_type="application/json")
    assert response.status_code in (401, 403)
    assert not ExternalCredential.objects.exists()


def test_ob3_baked_png_imports_like_its_json(earner):
    from tests.standards_data import DIGITAL_BAZAAR_CREDENTIAL

    vector = DIGITAL_BAZAAR_CREDENTIAL.read_text()  # a did:key issuer that signed its own credential
    png = images.bake_png(images.badge_png(title="t", issuer="i", seed="s"), payload=vector)
    imported = do_import(earner, png)
    assert imported.standard == "ob3" and imported.format == "png" and imported.status == "external, unknown issuer"
    assert imported.format_label == "Open Badges 3.0, imported (baked PNG)"


def test_import_command(tmp_path, earner, capsys):
    from django.core.management import call_command

    good = tmp_path / "badge.png"
    good.write_bytes(ex.baked_png(json.dumps(ex.assertion(earner.email))))
    call_command("import_credential", earner.username, str(good))
    out = capsys.readouterr().out
    assert "Open Badges 2.0, imported (baked PNG)" in out and "not_checked" in out
    bad = tmp_path / "other.json"
    bad.write_text(json.dumps(ex.assertion("nobody@example.net", number=9)))
    with pytest.raises(SystemExit):
        call_command("import_credential", earner.username, str(bad), str(tmp_path / "missing.png"))
    out = capsys.readouterr().out
    assert "NOT IMPORTED" in out and "not yours" in out and "cannot read" in out
    assert ExternalCredential.objects.count() == 1


def test_my_credentials_page_keeps_its_query_count_as_imports_grow(client, earner, django_assert_max_num_queries):
    client.force_login(earner)
    do_import(earner, json.dumps(ex.assertion(earner.email, number=100)))
    with django_assert_max_num_queries(12) as first:
        client.get("/credentials/mine/")
    for number in range(101, 111):
        do_import(earner, json.dumps(ex.assertion(earner.email, number=number)))
    with django_assert_max_num_queries(len(first.captured_queries)):
        body = client.get("/credentials/mine/").content.decode()
    assert body.count("Open Badges 2.0, imported (JSON)") == 11


def test_openapi_documents_the_import_formats(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content.decode()
    assert "/api/v1/credentials/import/" in schema and "openbadgecredential" in schema
    assert "multipart/form-data" in schema


def test_hosted_assertion_with_badge_and_issuer_as_urls_offline(earner):
    document = ex.assertion(earner.email, badge="https://badges.example.org/badges/reading-coach")
    imported = do_import(earner, json.dumps(document))
    assert imported.achievement_name == "https://badges.example.org/badges/reading-coach"
    checks = {c["check"]: c for c in imported.verification["checks"]}
    assert checks["origin"]["status"] == "not_checked" and not imported.issuer_confirmed
    ExternalCredential.objects.all().delete()
    document = ex.assertion(earner.email, number=2)
    document["badge"]["issuer"] = "https://elsewhere.example.net/issuer"
    refused(earner, json.dumps(document), "not on its issuer's site")
