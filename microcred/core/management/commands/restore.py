"""microcred restore FILE: verify a backup's checksums, then restore it into an empty installation."""
from django.core.management.base import BaseCommand, CommandError

from microcred.core.backup import BackupError, inspect, restore_backup


class Command(BaseCommand):
    help = ("Restore a backup written by `microcred backup`. Every member is checked against the manifest's SHA-256 "
            "checksums first; a damaged, altered or foreign archive is refused before anything changes. Runs the "
            "migrations itself. Refuses a database or storage already in use unless --force.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup archive (.tar.gz).")
        parser.add_argument("--force", action="store_true",
                            help="Replace everything in a database that is in use, and overwrite files in storage.")
        parser.add_argument("--check", action="store_true", help="Only verify the archive; change nothing.")

    def handle(self, *args, file, force=False, check=False, verbosity=1, **options):
        log = (lambda message: self.stderr.write(message)) if verbosity > 1 else (lambda message: None)
        try:
            if check:
                manifest = inspect(file)
                self.stdout.write(f"{file} is intact: {len(manifest['members'])} members match their checksums "
                                  f"(backup of {manifest.get('created_at')}, microcred {manifest.get('microcred_version')}).")
                return
            result = restore_backup(file, force=force, log=log)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Restored {sum(result.counts.values())} database rows in {len(result.counts)} tables and "
                          f"{result.media_files} evidence file(s) from {file}.")
        if result.reencrypted_keys:
            self.stdout.write(f"Re-encrypted {result.reencrypted_keys} private key(s) (issuer and integration keys) under this installation's key-encryption secret.")
