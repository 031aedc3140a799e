"""Integration keys: rotation, retirement, the public JWKS, who may manage them, encryption at rest, backups."""
import io
import json

import jwt
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from microcred.core import secrets
from microcred.core.models import AuditEvent
from microcred.interop import keys
from microcred.interop.models import IntegrationKey

PRIVATE_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}


@pytest.fixture
def admin(world):
    return world["people"]["platform_admin"]


def _jwks(client):
    response = client.get("/interop/jwks.json")
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("purpose,algorithm", [("lti", "RS256"), ("webhook", "ES256"), ("lti", "ES256")])
def test_a_key_signs_and_its_public_half_verifies_from_the_jwks(client, admin, purpose, algorithm):
    key = keys.create_key(purpose=purpose, algorithm=algorithm, by=admin)
    assert key.status == "active" and key.algorithm == algorithm
    token = jwt.encode({"iss": "microcred"}, keys.private_key(key), algorithm=algorithm, headers={"kid": key.kid})
    published = {k["kid"]: k for k in _jwks(client).json()["keys"]}
    assert set(published) == {key.kid}
    assert published[key.kid]["alg"] == algorithm and published[key.kid]["use"] == "sig"
    public = jwt.PyJWK(published[key.kid]).key
    assert jwt.decode(token, public, algorithms=[algorithm]) == {"iss": "microcred"}
    assert AuditEvent.objects.filter(action="integration_key.created", actor=admin).count() == 1


def test_the_kid_is_the_rfc7638_thumbprint(admin):
    # RFC 7638 §3.1's example key and thumbprint.
    example = {"kty": "RSA", "e": "AQAB", "alg": "RS256", "kid": "2011-04-29",
               "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRX"
                    "jBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAt"
                    "aSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XP"
                    "ksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"}
    assert keys.thumbprint(example) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_rotation_keeps_the_replaced_key_published_until_it_is_retired(client, admin):
    first = keys.rotate_key(purpose="lti", by=admin)
    second = keys.rotate_key(purpose="lti", by=admin)
    first.refresh_from_db()
    assert (first.status, second.status) == ("replaced", "active") and first.replaced_at
    assert {k["kid"] for k in _jwks(client).json()["keys"]} == {first.kid, second.kid}
    assert keys.active_key("lti") == second
    with pytest.raises(ValidationError):
        keys.private_key(first)  # a replaced key signs nothing more

    keys.retire_key(key=first, by=admin)
    keys.retire_key(key=first, by=admin)  # twice: no error, one audit record
    assert {k["kid"] for k in _jwks(client).json()["keys"]} == {second.kid}
    assert AuditEvent.objects.filter(action="integration_key.retired").count() == 1
    assert AuditEvent.objects.filter(action="integration_key.replaced").count() == 1


def test_a_revoked_key_leaves_the_jwks_at_once_and_needs_a_reason(client, admin):
    key = keys.rotate_key(purpose="webhook", by=admin)
    with pytest.raises(ValidationError):
        keys.revoke_key(key=key, by=admin, reason="  ")
    keys.revoke_key(key=key, by=admin, reason="laptop stolen")
    assert _jwks(client).json() == {"keys": []}
    with pytest.raises(ValidationError, match="cannot move"):
        keys.retire_key(key=key, by=admin)  # revoked is final


def test_create_refuses_a_second_active_key_and_unknown_values(admin):
    keys.create_key(purpose="lti", by=admin)
    with pytest.raises(ValidationError, match="rotate"):
        keys.create_key(purpose="lti", by=admin)
    with pytest.raises(ValidationError):
        keys.rotate_key(purpose="<script>", by=admin)
    with pytest.raises(ValidationError):
        keys.rotate_key(purpose="lti", algorithm="HS256", by=admin)
    assert IntegrationKey.objects.count() == 1


@pytest.mark.parametrize("who", ["issuer_admin", "earner", "recognizer", "author"])
def test_only_platform_admins_manage_keys(world, admin, who):
    person = world["people"][who]
    with pytest.raises(PermissionDenied):
        keys.rotate_key(purpose="lti", by=person)
    key = keys.rotate_key(purpose="lti", by=admin)
    with pytest.raises(PermissionDenied):
        keys.retire_key(key=key, by=person)
    with pytest.raises(PermissionDenied):
        keys.revoke_key(key=key, by=person, reason="x")
    key.refresh_from_db()
    assert key.status == "active" and IntegrationKey.objects.count() == 1


def test_the_private_key_is_never_served_and_is_encrypted_at_rest(client, admin, django_user_model):
    from cryptography.hazmat.primitives import serialization

    key = keys.rotate_key(purpose="lti", by=admin)
    der = keys.private_key(key).private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption())
    d = keys.private_key(key).private_numbers().d
    stored = IntegrationKey.objects.values_list("encrypted_private_key", flat=True).get()
    assert der not in stored.encode() and der.hex() not in stored
    # It opens only under its own purpose: not as an issuer key.
    with pytest.raises(secrets.InvalidToken):
        secrets.decrypt_secret(stored, purpose="microcred.credentials.issuer-keys")
    assert secrets.decrypt_secret(stored, purpose=keys.KEY_PURPOSE) == der
    body = _jwks(client).content.decode()
    assert not PRIVATE_MEMBERS & set(json.loads(body)["keys"][0])
    assert stored not in body and str(d) not in body
    # The stored public JWK cannot smuggle a private member into the set either.
    IntegrationKey.objects.filter(pk=key.pk).update(public_jwk={**key.public_jwk, "d": "secret"})
    assert "secret" not in _jwks(client).content.decode()


def test_the_jwks_is_public_and_cacheable_and_refuses_writes(client, admin):
    keys.rotate_key(purpose="lti", by=admin)
    response = _jwks(client)
    assert response["Content-Type"] == "application/json"
    assert "public" in response["Cache-Control"]
    assert client.post("/interop/jwks.json").status_code == 405


def test_jwks_queries_do_not_grow_with_keys(client, admin, django_assert_max_num_queries):
    for _ in range(4):
        keys.rotate_key(purpose="lti", by=admin)
    with django_assert_max_num_queries(3):
        assert len(_jwks(client).json()["keys"]) == 4


def test_restore_reencrypts_integration_keys_under_the_new_secret(admin, settings):
    key = keys.rotate_key(purpose="lti", by=admin)
    before = keys.private_key(key).private_numbers()
    old_secret = secrets.encryption_secret()[0]
    settings.MICROCRED_KEY_ENCRYPTION_KEY = "a-different-installation-secret"
    assert secrets.reencrypt_all(old_secret) >= 1
    key.refresh_from_db()
    assert keys.private_key(key).private_numbers() == before
    assert AuditEvent.objects.filter(action="integration_key.reencrypted").count() == 1


def test_restore_refuses_keys_that_do_not_open(admin, settings):
    keys.rotate_key(purpose="lti", by=admin)
    with pytest.raises(secrets.UndecryptableSecret):
        keys.reencrypt_private_keys("not-the-secret-they-were-made-under")


def test_command_rotates_lists_retires_and_revokes(admin):
    out = io.StringIO()
    call_command("integration_keys", "--rotate", "lti", stdout=out)
    first = IntegrationKey.objects.get()
    assert f"New active lti key {first.kid}" in out.getvalue()
    call_command("integration_keys", "--rotate", "lti", stdout=io.StringIO())
    out = io.StringIO()
    # A kid is a base64url thumbprint and may start with "-": the "--option=value" form always parses.
    call_command("integration_keys", f"--retire={first.kid}", stdout=out)
    assert "retired" in out.getvalue() and out.getvalue().count("\n") >= 3
    with pytest.raises(CommandError, match="No integration key"):
        call_command("integration_keys", "--retire", "nope", stdout=io.StringIO())
    second = IntegrationKey.objects.get(status="active")
    with pytest.raises(CommandError, match="why"):
        call_command("integration_keys", f"--revoke={second.kid}", stdout=io.StringIO())
    call_command("integration_keys", f"--revoke={second.kid}", "--reason", "test", stdout=io.StringIO())
    assert set(IntegrationKey.objects.values_list("status", flat=True)) == {"retired", "revoked"}
    assert AuditEvent.objects.filter(action__startswith="integration_key.", actor=None).count() == 5


def test_admin_lists_keys_without_the_private_half(client, admin, django_user_model):
    keys.rotate_key(purpose="lti", by=admin)
    staff = django_user_model.objects.create_superuser("root", "root@example.org", "pw-root-123456")
    client.force_login(staff)
    key = IntegrationKey.objects.get()
    listing = client.get("/admin/interop/integrationkey/")
    page = client.get(f"/admin/interop/integrationkey/{key.pk}/change/")
    assert listing.status_code == page.status_code == 200
    assert key.kid in listing.content.decode()
    assert key.encrypted_private_key not in page.content.decode()
    assert client.get("/admin/interop/integrationkey/add/").status_code == 403
    client.post("/admin/interop/integrationkey/", {"action": "rotate", "_selected_action": [key.pk]})
    assert IntegrationKey.objects.filter(status="active").count() == 1 and IntegrationKey.objects.count() == 2
