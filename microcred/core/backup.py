"""Back up and restore a whole microcred installation in one archive: database, evidence files, key material.

The archive is a gzip-compressed tar file:

``database.jsonl``
    every row of every app, in Django's JSON Lines serialization with natural foreign keys (so content types and
    permissions, which ``migrate`` recreates, are matched by name). Taken in one read-only snapshot transaction
    (REPEATABLE READ on PostgreSQL, a WAL read transaction on SQLite): the dump is consistent with itself while
    the site keeps running. The same format loads into SQLite or PostgreSQL, so a backup moves between them.
``media/…``
    every file of the default storage (uploaded evidence), byte for byte.
``secrets/key-encryption.json``
    the secret that encrypts issuer private keys at rest. Without it the restored keys could not sign; with it the
    archive is as sensitive as the keys themselves.
``manifest.json`` (last)
    format, versions, migration state, row counts per model, and the size and SHA-256 of every other member.

Restore checks every member against the manifest before it changes anything. With ``MICROCRED_BACKUP_PASSPHRASE``
set, the whole archive is encrypted (AES-256-GCM in authenticated chunks, key from scrypt).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import platform
import posixpath
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from . import audit, secrets
from .object_storage import open_stored

FORMAT = "microcred-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE = "database.jsonl"
SECRETS = "secrets/key-encryption.json"
MEDIA = "media/"
# Recreated by `migrate` (and matched by natural key) or worthless after a restore.
EXCLUDED_MODELS = {"contenttypes.contenttype", "auth.permission", "sessions.session", "core.ratelimitcounter"}
CHUNK = 1024 * 1024
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
PASSPHRASE_ENV = "MICROCRED_BACKUP_PASSPHRASE"
ENCRYPTED_MAGIC = b"MICROCRED-BACKUP-AESGCM-1\n"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class Result:
    path: Path
    sha256: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    media_files: int = 0
    media_bytes: int = 0
    missing_media: list[str] = field(default_factory=list)
    reencrypted_keys: int = 0
    encrypted: bool = False


# --- helpers ---------------------------------------------------------------------------------------------------


class _HashingReader:
    """A file wrapper that hashes what is read through it (tarfile reads members in chunks)."""

    def __init__(self, fh):
        self.fh, self.sha256, self.size = fh, hashlib.sha256(), 0

    def read(self, n=-1):
        data = self.fh.read(n)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _file_sha256(fh) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := fh.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _key_encryption_secret() -> tuple[str, str]:
    """The secret issuer keys are encrypted under (see microcred.core.secrets), and where it comes from."""
    return secrets.encryption_secret()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("microcred")
    except PackageNotFoundError:
        return "unknown"


def _dumped_models():
    """Every concrete model whose rows the backup carries, in an order that loads (natural-key dependencies first)."""
    app_list = [(config, None) for config in apps.get_app_configs() if config.models_module is not None]
    ordered = serializers.sort_dependencies(app_list, allow_cycles=True)
    return [m for m in ordered
            if m._meta.label_lower not in EXCLUDED_MODELS and not m._meta.proxy and m._meta.managed
            and router.allow_migrate_model(DEFAULT_DB_ALIAS, m)]


@contextmanager
def _snapshot(alias: str = DEFAULT_DB_ALIAS):
    """One read transaction that sees the database as of its first read, while other requests keep writing."""
    connection = connections[alias]
    if connection.in_atomic_block:  # already inside a transaction (tests, or a caller's): reuse its view
        with transaction.atomic(using=alias):
            yield
    elif connection.vendor == "postgresql":
        with transaction.atomic(using=alias):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    elif connection.vendor == "sqlite":
        # Django would open an IMMEDIATE (write-locking) transaction; a plain BEGIN is a WAL read snapshot that
        # never blocks the writers.
        connection.ensure_connection()
        cursor = connection.connection.cursor()
        cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            cursor.execute("ROLLBACK")
            cursor.close()
    else:
        with transaction.atomic(using=alias):
            yield


def _storage_files(storage, path: str = "") -> Iterator[str]:
    try:
        dirs, files = storage.listdir(path)
    except FileNotFoundError:  # nothing uploaded yet: the media folder does not exist
        return
    for name in sorted(files):
        yield posixpath.join(path, name) if path else name
    for name in sorted(dirs):
        yield from _storage_files(storage, posixpath.join(path, name) if path else name)


def _migration_state(alias: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    state: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connections[alias]).applied_migrations()):
        state.setdefault(app_label, []).append(name)
    return state


# --- optional encryption with a passphrase --------------------------------------------------------------------
# AES-256-GCM over 1 MiB chunks, key from scrypt(passphrase, random salt). Each chunk's nonce carries its number and
# whether it is the last, so chunks cannot be reordered, dropped or the file cut short without detection.


def _passphrase() -> bytes | None:
    value = os.environ.get(PASSPHRASE_ENV, "")
    return value.encode("utf-8") if value else None


def _aead(passphrase: bytes, salt: bytes):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return AESGCM(Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(passphrase))


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


class _EncryptingWriter:
    """A write-only file that encrypts what tarfile writes into it, chunk by chunk, never all in memory."""

    def __init__(self, raw, passphrase: bytes):
        salt, self.prefix = os.urandom(16), os.urandom(7)
        self.raw, self.aead, self.buffer, self.counter = raw, _aead(passphrase, salt), bytearray(), 0
        self.header = ENCRYPTED_MAGIC + salt + self.prefix
        raw.write(self.header)

    def write(self, data) -> int:
        self.buffer += data
        while len(self.buffer) > CHUNK:  # keep at least one byte back: the last chunk is sealed as last
            self._seal(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]
        return len(data)

    def _seal(self, chunk: bytes, *, last: bool) -> None:
        sealed = self.aead.encrypt(_nonce(self.prefix, self.counter, last), chunk, self.header)
        self.raw.write(len(sealed).to_bytes(4, "big") + sealed)
        self.counter += 1

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self._seal(bytes(self.buffer), last=True)
        self.buffer.clear()


def _is_encrypted(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(len(ENCRYPTED_MAGIC)) == ENCRYPTED_MAGIC


def _decrypt_to(path: Path, target: Path) -> None:
    from cryptography.exceptions import InvalidTag

    passphrase = _passphrase()
    if passphrase is None:
        raise BackupError(f"This backup is encrypted: set {PASSPHRASE_ENV} to its passphrase.")
    with path.open("rb") as src, target.open("wb") as dst:
        header = src.read(len(ENCRYPTED_MAGIC) + 16 + 7)
        if len(header) != len(ENCRYPTED_MAGIC) + 23:
            raise BackupError("The encrypted backup is cut short.")
        salt, prefix = header[len(ENCRYPTED_MAGIC):-7], header[-7:]
        aead, counter = _aead(passphrase, salt), 0
        while True:
            size = src.read(4)
            if len(size) != 4:
                raise BackupError("The encrypted backup is cut short (its last part is missing).")
            sealed = src.read(int.from_bytes(size, "big"))
            for last in (False, True):
                try:
                    chunk = aead.decrypt(_nonce(prefix, counter, last), sealed, header)
                    break
                except InvalidTag:
                    continue
            else:
                if counter == 0:
                    raise BackupError(f"Cannot decrypt the backup: wrong passphrase in {PASSPHRASE_ENV}, or the file is damaged.")
                raise BackupError(f"The encrypted backup is damaged or was altered (part {counter + 1} fails its check).")
            dst.write(chunk)
            counter += 1
            if last:
                if src.read(1):
                    raise BackupError("The encrypted backup has data after its end; it was altered.")
                return


@contextmanager
def _plain_archive(path: Path):
    """The archive as a readable .tar.gz: the file itself, or a decrypted temporary copy of an encrypted one."""
    if not _is_encrypted(path):
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="microcred-decrypt-", dir=path.parent) as tmp:
        plain = Path(tmp) / "backup.tar.gz"
        _decrypt_to(path, plain)
        yield plain


# --- backup ----------------------------------------------------------------------------------------------------


def create_backup(path: str | os.PathLike, *, log: Callable[[str], None] = lambda _m: None) -> Result:
    """Write a consistent backup of the database, the evidence files and the key material to ``path``.

    The archive is written next to ``path`` under a temporary name and renamed at the end, so ``path`` is either
    a complete backup or untouched."""
    path = Path(path)
    if path.is_dir():
        raise BackupError(f"{path} is a folder; give the name of the archive to write (e.g. {path}/microcred.tar.gz).")
    if not path.parent.exists():
        raise BackupError(f"The folder {path.parent} does not exist.")
    result = Result(path=path)
    members: dict[str, dict] = {}
    partial = path.with_name(path.name + ".partial")
    try:
        with tempfile.TemporaryDirectory(prefix="microcred-backup-", dir=path.parent) as tmp:
            dump = Path(tmp) / DATABASE
            log("Dumping the database in one snapshot…")
            with _snapshot():
                migrations = _migration_state()
                with dump.open("w", encoding="utf-8") as fh:
                    for model in _dumped_models():
                        qs = model._default_manager.using(DEFAULT_DB_ALIAS).order_by(model._meta.pk.name)
                        counter = _Counting(qs.iterator(chunk_size=2000))
                        serializers.serialize("jsonl", counter, stream=fh, use_natural_foreign_keys=True)
                        if counter.n:
                            result.counts[model._meta.label_lower] = counter.n
                expected_media = _expected_evidence_names()
            secret, source = _key_encryption_secret()
            passphrase = _passphrase()
            raw = partial.open("wb")
            sink = _EncryptingWriter(raw, passphrase) if passphrase else raw
            result.encrypted = passphrase is not None
            # Closed in reverse order: the tar (gzip trailer), the encryption (last chunk), the file.
            with raw, closing(sink), tarfile.open(fileobj=sink, mode="w:gz", compresslevel=6) as tar:
                _add_file(tar, DATABASE, dump, members)
                _add_bytes(tar, SECRETS, json.dumps({"secret": secret, "source": source}).encode(), members)
                log("Copying evidence files…")
                present = set()
                for name in _storage_files(default_storage):
                    try:
                        size = default_storage.size(name)
                        with open_stored(name) as fh:  # streamed from S3, not first copied to a temporary file
                            _add_stream(tar, MEDIA + name, fh, size, members)
                    except FileNotFoundError:  # purged between listing and copying: its row says so
                        continue
                    present.add(name)
                    result.media_files += 1
                    result.media_bytes += size
                result.missing_media = sorted(expected_media - present)
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": timezone.now().isoformat(),
                    "microcred_version": _version(),
                    "django_version": __import__("django").get_version(),
                    "python_version": platform.python_version(),
                    "database": {"vendor": connections[DEFAULT_DB_ALIAS].vendor},
                    "key_encryption_source": source,
                    "migrations": migrations,
                    "counts": result.counts,
                    "media": {"files": result.media_files, "bytes": result.media_bytes, "missing": result.missing_media},
                    "members": members,
                }
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode(), {})
        with partial.open("rb") as fh:
            result.sha256, _ = _file_sha256(fh)
        os.chmod(partial, 0o600)  # it holds secrets
        partial.replace(path)
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"Could not write {path}: {exc.strerror or exc}.") from exc
    return result


class _Counting:
    def __init__(self, iterable):
        self.iterable, self.n = iterable, 0

    def __iter__(self):
        for item in self.iterable:
            self.n += 1
            yield item


def _expected_evidence_names() -> set[str]:
    """Stored evidence the database says exists (to report files missing from storage)."""
    try:
        EvidenceFile = apps.get_model("earning", "EvidenceFile")
    except LookupError:
        return set()
    return set(EvidenceFile.objects.filter(purged_at__isnull=True).values_list("storage_name", flat=True))


def _add_stream(tar: tarfile.TarFile, name: str, fh, size: int, members: dict) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(dt.datetime.now().timestamp()), 0o600
    reader = _HashingReader(fh)
    tar.addfile(info, reader)
    members[name] = {"size": reader.size, "sha256": reader.sha256.hexdigest()}


def _add_file(tar, name, path: Path, members) -> None:
    with path.open("rb") as fh:
        _add_stream(tar, name, fh, path.stat().st_size, members)


def _add_bytes(tar, name, data: bytes, members) -> None:
    _add_stream(tar, name, io.BytesIO(data), len(data), members)


# --- restore ---------------------------------------------------------------------------------------------------


def _safe_member_name(name: str) -> bool:
    if not name or name.startswith("/") or "\\" in name or "\x00" in name:
        return False
    parts = name.split("/")
    return all(part not in ("", ".", "..") for part in parts)


def inspect(path: str | os.PathLike) -> dict:
    """Read the archive once, check every member against the manifest, and return the manifest.

    Raises BackupError (never anything else) for a file that is not a microcred backup, is damaged or truncated,
    or was changed after it was written (or, encrypted, cannot be decrypted with the passphrase)."""
    path = _existing(path)
    with _plain_archive(path) as plain:
        return _inspect_plain(plain, path.name)


def _existing(path) -> Path:
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    return path


def _inspect_plain(path: Path, display_name: str) -> dict:
    seen: dict[str, dict] = {}
    manifest_bytes = None
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                if member.name in seen or (member.name == MANIFEST and manifest_bytes is not None):
                    raise BackupError(f"The archive holds “{member.name}” twice; it was not written by microcred backup.")
                if not member.isfile() or not _safe_member_name(member.name):
                    raise BackupError(f"The archive holds an unexpected entry “{member.name[:200]}”; it was not written by microcred backup.")
                fh = tar.extractfile(member)
                if member.name == MANIFEST:
                    if member.size > MAX_MANIFEST_BYTES:
                        raise BackupError("The manifest is implausibly large; this is not a microcred backup.")
                    manifest_bytes = fh.read()
                    continue
                digest, size = _file_sha256(fh)
                seen[member.name] = {"size": size, "sha256": digest}
    except (tarfile.TarError, EOFError, OSError, ValueError, zlib.error) as exc:
        raise BackupError(f"{display_name} is not a readable microcred backup (a gzip-compressed tar archive): "
                          f"it is damaged, truncated or of another format ({exc.__class__.__name__}: {exc}).") from None
    if manifest_bytes is None:
        raise BackupError(f"{display_name} has no manifest.json; it is not a microcred backup.")
    try:
        manifest = json.loads(manifest_bytes)
    except (ValueError, UnicodeDecodeError):
        raise BackupError("The manifest of this backup is not valid JSON; the archive is damaged.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{display_name} is not a microcred backup (its manifest does not say “{FORMAT}”).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"This backup has format version {manifest.get('format_version')!r}; this microcred reads "
                          f"version {FORMAT_VERSION}. Restore it with the microcred version that wrote it "
                          f"({manifest.get('microcred_version', 'unknown')}).")
    expected = manifest.get("members")
    if not isinstance(expected, dict):
        raise BackupError("The manifest lists no members; the archive is damaged.")
    missing = sorted(set(expected) - set(seen))
    extra = sorted(set(seen) - set(expected))
    changed = sorted(name for name in set(seen) & set(expected) if expected[name] != seen[name])
    problems = []
    if missing:
        problems.append(f"{len(missing)} member(s) missing (e.g. {missing[0]})")
    if extra:
        problems.append(f"{len(extra)} member(s) not in the manifest (e.g. {extra[0]})")
    if changed:
        problems.append(f"{len(changed)} member(s) whose SHA-256 checksum does not match (e.g. {changed[0]})")
    if problems:
        raise BackupError("The backup failed its checksum verification — " + "; ".join(problems) +
                          ". It was damaged or altered after it was written; nothing was restored.")
    for required in (DATABASE, SECRETS):
        if required not in seen:
            raise BackupError(f"The backup has no {required}; it is incomplete.")
    return manifest


def _check_migrations(manifest: dict) -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    backup = {(app, name) for app, names in (manifest.get("migrations") or {}).items() for name in names}
    unknown = sorted(m for m in backup if m not in loader.disk_migrations and m[0] in loader.migrated_apps)
    behind = sorted(leaf for leaf in loader.graph.leaf_nodes() if leaf not in backup)
    if unknown or behind:
        example = unknown[0] if unknown else behind[0]
        raise BackupError(
            f"This backup was made by a different version of microcred ({manifest.get('microcred_version', 'unknown')}): "
            f"its database is at other migrations (e.g. {'/'.join(example)} {'is unknown here' if unknown else 'is not applied there'}). "
            "Restore it with the version that made it, then upgrade and run `microcred migrate`.")


def database_is_empty(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """No people and no audit trail: a database nobody has used (migrations alone leave it empty)."""
    tables = set(connections[alias].introspection.table_names())
    for label in ("accounts.User", "core.AuditEvent"):
        model = apps.get_model(label)
        if model._meta.db_table in tables and model._default_manager.using(alias).exists():
            return False
    return True


def restore_backup(path: str | os.PathLike, *, force: bool = False, log: Callable[[str], None] = lambda _m: None) -> Result:
    """Restore a backup made by :func:`create_backup` into this installation.

    Verifies every checksum first and refuses a damaged, altered or foreign archive before changing anything;
    refuses a database that is in use (people or audit events) or a storage that holds files unless ``force``.
    Then migrates, empties the database, loads the dump in one transaction, re-encrypts the issuer keys under this
    installation's key-encryption secret if it differs, and writes the evidence files."""
    path = _existing(path)
    with _plain_archive(path) as plain:
        return _restore_plain(plain, path, force=force, log=log)


def _restore_plain(plain: Path, path: Path, *, force: bool, log) -> Result:
    log("Verifying checksums…")
    manifest = _inspect_plain(plain, path.name)
    _check_migrations(manifest)
    if not force:
        if not database_is_empty():
            raise BackupError("The database already holds data (people or audit events). Restore into an empty "
                              "database, or pass --force to replace everything in it with the backup.")
        if next(iter(_storage_files(default_storage)), None) is not None:
            raise BackupError("The evidence storage already holds files. Restore into an empty data folder, or pass "
                              "--force to restore over them.")
    result = Result(path=path)
    with tempfile.TemporaryDirectory(prefix="microcred-restore-") as tmp, tarfile.open(plain, "r:gz") as tar:
        dump, key_material, loaded = Path(tmp) / DATABASE, {}, False
        # One pass: the database and secrets come first in the archive, the evidence files after them.
        for member in tar:
            if member.name == DATABASE:
                with tar.extractfile(member) as src, dump.open("wb") as dst:
                    shutil.copyfileobj(src, dst, CHUNK)
            elif member.name == SECRETS:
                key_material = json.loads(tar.extractfile(member).read())
            elif member.name.startswith(MEDIA):
                if not loaded:
                    _load_database(dump, key_material, manifest, result, log)
                    loaded = True
                _write_media(tar, member, result)
        if not loaded:
            _load_database(dump, key_material, manifest, result, log)
    # Nothing computed from the rows that were here before may be served from the machine's cache (files outlive
    # restarts, decision 0059).
    from .cache import clear_machine_cache

    clear_machine_cache()
    return result


def _load_database(dump: Path, key_material: dict, manifest: dict, result: Result, log) -> None:
    log("Creating the tables…")
    call_command("migrate", interactive=False, verbosity=0)
    log("Loading the database…")
    with transaction.atomic():  # all or nothing: a failure leaves the database as migrate made it
        # Rows that migrations put in (vocabularies) come back from the backup with their original ids.
        call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=False)
        try:
            call_command("loaddata", str(dump), verbosity=0)
        except Exception as exc:  # the checksums matched, so this is a real incompatibility: say what it was
            raise BackupError(f"Loading the database failed, nothing was restored: {exc.__class__.__name__}: {str(exc)[:500]}") from exc
        result.counts = _counts()
        wanted = manifest.get("counts") or {}
        for label in sorted(set(wanted) | set(result.counts)):
            if result.counts.get(label, 0) != wanted.get(label, 0):
                raise BackupError(f"After loading, {label} has {result.counts.get(label, 0)} rows where the backup has "
                                  f"{wanted.get(label, 0)}; nothing was restored.")
        result.reencrypted_keys = _reencrypt_secrets(key_material.get("secret", ""))
    log("Writing evidence files…")


def _write_media(tar: tarfile.TarFile, member: tarfile.TarInfo, result: Result) -> None:
    name = member.name[len(MEDIA):]
    if default_storage.exists(name):  # only with --force: the backup's bytes win
        default_storage.delete(name)
    with tar.extractfile(member) as src:
        stored = default_storage.save(name, File(src, name=posixpath.basename(name)))
    if stored != name:
        raise BackupError(f"The storage saved {name} as {stored}; restore into an empty storage.")
    result.media_files += 1
    result.media_bytes += member.size


def _counts() -> dict[str, int]:
    counts = {}
    for model in _dumped_models():
        n = model._default_manager.count()
        if n:
            counts[model._meta.label_lower] = n
    return counts


def _reencrypt_secrets(old_secret: str) -> int:
    """Secrets (issuer private keys) were encrypted under the backed-up secret; encrypt them under this
    installation's. Each app that stores secrets does its own rows (core.secrets' signal): the backup spans every
    app without importing any of them."""
    try:
        return secrets.reencrypt_all(old_secret)
    except secrets.UndecryptableSecret as exc:
        raise BackupError(f"{exc} with the secret stored in the backup; the backup is inconsistent.") from exc
