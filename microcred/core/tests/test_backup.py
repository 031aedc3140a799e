"""microcred backup / restore: a backup restored into an empty data folder by a fresh process still verifies every
credential, holds every evidence file byte for byte, and can still sign; damaged or foreign archives and in-use
targets are refused with a clear message before anything changes."""
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from microcred.core import backup
from microcred.core.models import AuditEvent
from microcred.credentials import keys
from microcred.credentials import services as credentials
from microcred.credentials.models import IssuedCredential
from microcred.credentials.tests.conftest import earn
from microcred.credentials.verify import verify_credential
from microcred.earning.models import EvidenceFile
from microcred.earning.tests.test_uploads import pdf, png
from microcred.earning.uploads import store_upload

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]

VERIFY_SCRIPT = """
import json, django
django.setup()
from microcred.core.models import AuditEvent
from microcred.credentials import keys
from microcred.credentials.models import IssuedCredential, IssuerKey
from microcred.credentials.verify import verify_credential
from microcred.earning.models import EvidenceFile
from microcred.accounts.models import User
out = {"credentials": {}, "audit_events": AuditEvent.objects.count(), "users": User.objects.count()}
for c in IssuedCredential.objects.all():
    out["credentials"][str(c.pk)] = [verify_credential(c.credential).as_dict(), verify_credential(c.jwt).as_dict()]
# The restored private keys decrypt under this installation's secret, so the issuer can keep signing.
out["keys_usable"] = [keys.private_key(k) is not None for k in IssuerKey.objects.filter(status="active")]
# So do interop's integration keys (they subscribe to the same re-encryption request).
from microcred.interop import keys as integration_keys
from microcred.interop.models import IntegrationKey
out["integration_keys_usable"] = [integration_keys.private_key(k) is not None for k in IntegrationKey.objects.filter(status="active")]
out["files"] = {f.storage_name: f.sha256 for f in EvidenceFile.objects.all()}
# New rows get fresh ids after the restore (sequences follow the loaded rows).
out["new_user_id"] = User.objects.create_user(username="after-restore", password="x-long-password-1").pk
print(json.dumps(out))
"""


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def seeded(world, publish_mc, media):
    """Two issued credentials (one revoked), uploaded evidence files, a key rotation: a used installation."""
    versions = [publish_mc(title=f"Practice number {i}") for i in (1, 2)]
    issued = [credentials.issue_for_attempt(earn(world, versions[0]))]
    keys.rotate(world["orgs"]["issuer"], by=world["people"]["issuer_admin"])  # the first was signed by a now-retired key
    issued.append(credentials.issue_for_attempt(earn(world, versions[1], earner_key="other_earner")))
    # interop's own key store is backed up and re-encrypted too (by its command: core's code never imports interop).
    call_command("integration_keys", "--rotate", "lti", stdout=io.StringIO())
    credentials.revoke(issued[1], by=world["people"]["issuer_admin"], reason="Not the earner's own work")
    uploads = [store_upload(uploaded_file=SimpleUploadedFile(name, data), owner=world["people"]["earner"])
               for name, data in (("lesson.png", png()), ("plan.pdf", pdf().replace(b"trailer", b"%" + os.urandom(3000).hex().encode() + b"\ntrailer")))]
    return {"issued": issued, "uploads": uploads}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fresh_environment(tmp_path: Path, name: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MICROCRED_KEY_ENCRYPTION_KEY")}
    data_dir = tmp_path / name
    env.update(MICROCRED_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="microcred.settings.test",
               # Another installation, another secret: the restore must re-encrypt the issuer keys for it.
               MICROCRED_SECRET_KEY="a-different-secret-for-the-restored-installation")
    return env


def run(args, env, check=True):
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=check)


def test_backup_restores_into_an_empty_data_folder_and_every_credential_still_verifies(seeded, media, tmp_path):
    before = {str(c.pk): (verify_credential(c.credential).verified, verify_credential(c.jwt).verified)
              for c in IssuedCredential.objects.all()}
    assert sorted(before.values()) == [(False, False), (True, True)]  # the revoked one fails its status check
    archive = tmp_path / "backup.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "2 evidence file(s)" in out.getvalue() and sha256(archive) in out.getvalue()
    assert oct(archive.stat().st_mode & 0o777) == "0o600"  # it holds the key-encryption secret

    manifest = backup.inspect(archive)
    assert manifest["counts"]["credentials.issuedcredential"] == 2
    assert manifest["counts"]["core.auditevent"] == AuditEvent.objects.count()
    assert set(manifest["members"]) >= {"database.jsonl", "secrets/key-encryption.json"}
    assert all(len(m["sha256"]) == 64 for m in manifest["members"].values())

    env = fresh_environment(tmp_path, "restored")
    restored = run(["-m", "microcred.manage", "restore", str(archive)], env)
    assert "Re-encrypted 5 private key(s) (issuer and integration keys)" in restored.stdout, restored.stdout + restored.stderr
    result = json.loads(run(["-c", VERIFY_SCRIPT], env).stdout.strip().splitlines()[-1])

    after = {pk: (json_ok[0]["verified"], json_ok[1]["verified"]) for pk, json_ok in result["credentials"].items()}
    assert after == before
    revoked = result["credentials"][str(seeded["issued"][1].pk)][0]
    assert any(c["check"] == "status" and c["status"] == "failed" for c in revoked["checks"])
    assert result["keys_usable"] == [True, True]
    assert result["integration_keys_usable"] == [True]
    # The whole trail came back, plus one event per key re-encrypted for this installation (4 issuer, 1 integration).
    assert result["audit_events"] == AuditEvent.objects.count() + 5
    from microcred.accounts.models import User
    assert result["new_user_id"] > User.objects.order_by("-pk").first().pk

    # Every evidence file is back, byte for byte.
    restored_media = tmp_path / "restored" / "media"
    for upload in seeded["uploads"]:
        original = Path(media) / upload.storage_name
        copy = restored_media / upload.storage_name
        assert copy.read_bytes() == original.read_bytes()
        assert result["files"][upload.storage_name] == upload.sha256 == sha256(copy)

    # Restoring again over the now-used installation is refused, and allowed with --force.
    again = run(["-m", "microcred.manage", "restore", str(archive)], env, check=False)
    assert again.returncode != 0 and "already holds data" in again.stderr and "Traceback" not in again.stderr
    forced = run(["-m", "microcred.manage", "restore", "--force", str(archive)], env)
    assert "Restored" in forced.stdout


@pytest.fixture
def archive(seeded, tmp_path):
    path = tmp_path / "backup.tar.gz"
    backup.create_backup(path)
    return path


def rewrite(archive: Path, target: Path, change) -> Path:
    """Copy a backup member by member, letting ``change(name, data)`` alter, drop (None) or keep a member."""
    with tarfile.open(archive, "r:gz") as src, tarfile.open(target, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read()
            data = change(member.name, data)
            if data is None:
                continue
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))
    return target


def refused(path, message, *extra):
    with pytest.raises(CommandError, match=message) as caught:
        call_command("restore", str(path), *extra, stdout=io.StringIO())
    return caught.value


def test_a_tampered_member_fails_its_checksum(archive, tmp_path):
    def swap_evidence(name, data):
        return data[:-1] + bytes([data[-1] ^ 1]) if name.startswith("media/") and name.endswith(tuple("0123456789abcdef")) and len(data) > 4000 else data

    tampered = rewrite(archive, tmp_path / "tampered.tar.gz", swap_evidence)
    refused(tampered, "failed its checksum verification .* SHA-256 checksum does not match")
    edited_db = rewrite(archive, tmp_path / "db.tar.gz",
                        lambda name, data: data.replace(b'"revocation_reason": ""', b'"revocation_reason": "x"') if name == "database.jsonl" else data)
    refused(edited_db, "does not match \\(e.g. database.jsonl\\)")


def test_a_missing_or_added_member_is_refused(archive, tmp_path):
    dropped = rewrite(archive, tmp_path / "dropped.tar.gz", lambda name, data: None if name.startswith("media/") else data)
    refused(dropped, "member\\(s\\) missing")

    # The backup plus one member it never had (a planted file), re-compressed.
    plain = tmp_path / "plain.tar"
    with tarfile.open(archive, "r:gz") as src, tarfile.open(plain, "w") as dst:
        for member in src:
            dst.addfile(member, src.extractfile(member))
        info = tarfile.TarInfo("media/evil.html")
        info.size = 5
        dst.addfile(info, io.BytesIO(b"<svg>"))
    refused(tmp_path / "plain.tar", "not a readable microcred backup")  # not even gzip
    extra = tmp_path / "extra.tar.gz"
    extra.write_bytes(gzip.compress((tmp_path / "plain.tar").read_bytes()))
    refused(extra, "not in the manifest \\(e.g. media/evil.html\\)")


@pytest.mark.parametrize("name, content, message", [
    ("notes.txt", b"just some text", "not a readable microcred backup"),
    ("empty.tar.gz", b"", "not a readable microcred backup"),
    ("truncated.tar.gz", None, "not a readable microcred backup"),
])
def test_wrong_format_or_truncated_files_are_refused(archive, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content if content is not None else archive.read_bytes()[: archive.stat().st_size // 2])
    error = refused(path, message)
    assert "Traceback" not in str(error)


def test_an_archive_of_another_kind_is_refused(tmp_path, db):
    foreign = tmp_path / "photos.tar.gz"
    with tarfile.open(foreign, "w:gz") as tar:
        info = tarfile.TarInfo("holiday.jpg")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"abc"))
    refused(foreign, "has no manifest.json; it is not a microcred backup")
    with tarfile.open(foreign, "w:gz") as tar:
        body = json.dumps({"format": "something-else"}).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))
    refused(foreign, "its manifest does not say")


def test_path_traversal_and_links_in_an_archive_are_refused(tmp_path, db):
    hostile = tmp_path / "hostile.tar.gz"
    with tarfile.open(hostile, "w:gz") as tar:
        info = tarfile.TarInfo("media/../../secret_key")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    refused(hostile, "unexpected entry")
    with tarfile.open(hostile, "w:gz") as tar:
        link = tarfile.TarInfo("media/evidence/link")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
    refused(hostile, "unexpected entry")


def test_a_database_in_use_is_not_overwritten(archive):
    # The test database holds the seeded people: restoring over it needs --force.
    users = list(IssuedCredential.objects.values_list("pk", flat=True))
    refused(archive, "already holds data")
    assert list(IssuedCredential.objects.values_list("pk", flat=True)) == users


def test_a_newer_backup_is_refused_with_advice(archive, tmp_path):
    def newer(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["core"].append("9999_from_the_future")
        return json.dumps(manifest).encode()

    future = rewrite(archive, tmp_path / "future.tar.gz", newer)
    refused(future, "made by a different version of microcred .* core/9999_from_the_future is unknown here")


def test_restore_check_only_verifies(archive):
    out = io.StringIO()
    call_command("restore", "--check", str(archive), stdout=out)
    assert "is intact" in out.getvalue()


def test_backup_refuses_a_bad_destination_clearly(tmp_path, db, media):
    with pytest.raises(CommandError, match="is a folder"):
        call_command("backup", str(tmp_path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup", str(tmp_path / "nowhere" / "b.tar.gz"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), stdout=io.StringIO())
    assert not list(tmp_path.glob("*.partial"))


def test_evidence_files_the_database_lists_but_storage_lost_are_reported(seeded, media, tmp_path):
    lost = seeded["uploads"][0]
    (Path(media) / lost.storage_name).unlink()
    err = io.StringIO()
    call_command("backup", str(tmp_path / "b.tar.gz"), stdout=io.StringIO(), stderr=err)
    assert "1 evidence file(s) the database lists were not in storage" in err.getvalue()
    assert EvidenceFile.objects.filter(pk=lost.pk).exists()


def test_a_passphrase_encrypts_the_archive_and_is_needed_to_read_it(seeded, tmp_path, monkeypatch):
    monkeypatch.setenv(backup.PASSPHRASE_ENV, "correct horse battery staple")
    path = tmp_path / "secret.tar.gz.enc"
    out = io.StringIO()
    call_command("backup", str(path), stdout=out)
    assert "Encrypted with the passphrase" in out.getvalue()
    raw = path.read_bytes()
    assert raw.startswith(backup.ENCRYPTED_MAGIC) and b"key-encryption" not in raw
    with pytest.raises(tarfile.TarError):
        tarfile.open(path, "r:gz").getmembers()  # not readable without decrypting
    call_command("restore", "--check", str(path), stdout=io.StringIO())

    monkeypatch.setenv(backup.PASSPHRASE_ENV, "wrong horse")
    refused(path, "wrong passphrase")
    monkeypatch.delenv(backup.PASSPHRASE_ENV)
    refused(path, "This backup is encrypted: set MICROCRED_BACKUP_PASSPHRASE")

    monkeypatch.setenv(backup.PASSPHRASE_ENV, "correct horse battery staple")
    cut = tmp_path / "cut.enc"
    cut.write_bytes(raw[:-100])
    refused(cut, "damaged")
    flipped = bytearray(raw)
    flipped[len(raw) // 2] ^= 1
    (tmp_path / "flipped.enc").write_bytes(bytes(flipped))
    refused(tmp_path / "flipped.enc", "damaged")
    (tmp_path / "longer.enc").write_bytes(raw + b"x")
    refused(tmp_path / "longer.enc", "data after its end")
