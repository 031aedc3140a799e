"""Importing a credential issued elsewhere: refused unless signed by its issuer; labelled verified only if the
issuer is known here."""
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from microcred.credentials import services
from microcred.credentials.models import ExternalCredential
from tests.standards_data import VECTORS

from .forgery import self_issued_did_key_credential

VECTOR = VECTORS / "1edtech-validator-examples" / "ob30" / "simple-did-key-method.json"


@pytest.fixture
def external():
    """An OB 3.0 credential whose issuer is the did:key that signed it."""
    return self_issued_did_key_credential(name="test 1", issuer_name="Andy F. Miller")


@pytest.fixture
def external_bytes(external):
    return json.dumps(external[0]).encode()


def upload(client, content: bytes, name="credential.json", **extra):
    return client.post("/credentials/import/", {"document": SimpleUploadedFile(name, content, "application/json"), **extra})


def test_import_of_a_valid_external_credential(client, world, external, external_bytes):
    earner = world["people"]["earner"]
    client.force_login(earner)
    response = upload(client, external_bytes)
    assert response.status_code == 302
    imported = ExternalCredential.objects.get(earner=earner)
    # Signed by its issuer (a did:key), but the platform does not know that issuer: never labelled "verified".
    assert imported.status == "external, unknown issuer" and imported.issuer_known is False
    assert imported.issuer_name == "Andy F. Miller" and imported.achievement_name == "test 1"
    assert imported.issuer_id == external[1]
    assert imported.valid_from.year == 2024 and imported.verified_at is not None
    assert json.loads(imported.raw) == json.loads(external_bytes)
    assert imported.verification["verified"] is True and imported.verification["issuer_known"] is False
    body = client.get("/credentials/mine/").content.decode()
    assert "test 1" in body and "signed by an issuer this platform does not know" in body
    assert "external, verified" not in body
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


def test_pasted_text_and_no_key_document_field(client, world, external_bytes):
    client.force_login(world["people"]["earner"])
    page = client.get("/credentials/import/")
    assert page.status_code == 200 and 'name="key_document"' not in page.content.decode()
    response = client.post("/credentials/import/", {"text": external_bytes.decode()})
    assert response.status_code == 302 and ExternalCredential.objects.count() == 1
