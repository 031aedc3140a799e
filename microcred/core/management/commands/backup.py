"""microcred backup FILE: one archive with the database, every evidence file and the issuer key material."""
from django.core.management.base import BaseCommand, CommandError

from microcred.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = ("Write a consistent backup (database snapshot, evidence files, key-encryption secret, manifest with "
            "SHA-256 checksums) to FILE, a .tar.gz archive. It contains secrets: store it encrypted and access-controlled.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="The archive to write, e.g. microcred-2026-11-23.tar.gz")

    def handle(self, *args, file, verbosity=1, **options):
        log = (lambda message: self.stderr.write(message)) if verbosity > 1 else (lambda message: None)
        try:
            result = create_backup(file, log=log)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(result.counts.values())
        self.stdout.write(f"Wrote {result.path}: {rows} database rows in {len(result.counts)} tables, "
                          f"{result.media_files} evidence file(s) ({result.media_bytes} bytes).")
        self.stdout.write(f"SHA-256 of the archive: {result.sha256}  (keep it apart from the archive to detect tampering)")
        if result.missing_media:
            self.stderr.write(f"Warning: {len(result.missing_media)} evidence file(s) the database lists were not in "
                              f"storage, e.g. {result.missing_media[0]}.")
        if result.encrypted:
            self.stdout.write("Encrypted with the passphrase in MICROCRED_BACKUP_PASSPHRASE: without it the archive cannot be restored.")
        else:
            self.stdout.write("This archive contains the key that decrypts issuer signing keys: protect it like that key "
                              "(or set MICROCRED_BACKUP_PASSPHRASE to encrypt it).")
