"""Importing a credential issued elsewhere: verified offline or refused with the verifier's reason."""
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from microcred.credentials import services
from microcred.credentials.models import ExternalCredential
from tests.standards_data import VECTORS

VECTOR = VECTORS / "1edtech-validator-examples" / "ob30" / "simple-did-key-method.json"


@pytest.fixture
def external_bytes():
    return VECTOR.read_bytes()


def upload(client, content: bytes, name="credential.json", **extra):
    return client.post("/credentials/import/", {"document": SimpleUploadedFile(name, content, "application/json"), **extra})


def test_import_of_a_valid_external_credential(client, world, external_bytes):
    earner = world["people"]["earner"]
    client.force_login(earner)
    response = upload(client, external_bytes)
    assert response.status_code == 302
    imported = ExternalCredential.objects.get(earner=earner)
    assert imported.status == "external, verified"
    assert imported.issuer_name == "Andy F. Miller" and imported.achievement_name == "test 1"
    assert imported.issuer_id == "urn:uuid:6f2e33e5-7a29-4155-840a-59483ba10164"
    assert imported.valid_from.year == 2022 and imported.verified_at is not None
    assert json.loads(imported.raw) == json.loads(external_bytes)
    assert imported.verification["verified"] is True
    body = client.get("/credentials/mine/").content.decode()
    assert "test 1" in body and "external, verified" in body
    upload(client, external_bytes)  # the same one again: still one
    assert ExternalCredential.objects.filter(earner=earner).count() == 1


def test_tampered_credential_is_refused_with_the_reason(client, world, external_bytes):
    client.force_login(world["people"]["earner"])
    document = json.loads(external_bytes)
    document["credentialSubject"]["achievement"]["name"] = "Doctor of Everything"
    response = upload(client, json.dumps(document).encode())
    assert response.status_code == 400
    body = response.content.decode()
    assert "did not verify" in body and "proof" in body
    assert not ExternalCredential.objects.exists()


@pytest.mark.parametrize("garbage", [b"", b"not json at all", b"\xff\xfe\x00garbage", b"[1, 2, 3]", b'{"a": 1}',
                                     b"eyJhbGciOiJub25lIn0.eyJ9.x", b"[" * 5000])
def test_garbage_is_refused(client, world, garbage):
    client.force_login(world["people"]["earner"])
    response = upload(client, garbage)
    assert response.status_code == 400
    assert not ExternalCredential.objects.exists()


def test_oversized_upload_is_refused(client, world):
    client.force_login(world["people"]["earner"])
    response = upload(client, b" " * (2 * 1024 * 1024 + 1))
    assert response.status_code == 400 and "2 MB" in response.content.decode()


def test_our_own_credentials_are_not_imported(world, issued):
    with pytest.raises(ValidationError, match="issued by this platform"):
        services.import_external_credential(earner=world["people"]["earner"], data=json.dumps(issued.credential))


def test_import_needs_login(client, db, external_bytes):
    assert client.get("/credentials/import/").status_code == 302
    assert upload(client, external_bytes).status_code == 302
    assert not ExternalCredential.objects.exists()


def test_pasted_text_and_key_document_field(client, world, external_bytes):
    client.force_login(world["people"]["earner"])
    assert client.get("/credentials/import/").status_code == 200
    bad_key = SimpleUploadedFile("key.json", b"{nope", "application/json")
    response = client.post("/credentials/import/", {"text": external_bytes.decode(), "key_document": bad_key})
    assert response.status_code == 400 and "not JSON" in response.content.decode()
    response = client.post("/credentials/import/", {"text": external_bytes.decode()})
    assert response.status_code == 302 and ExternalCredential.objects.count() == 1
