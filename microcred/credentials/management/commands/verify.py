"""microcred verify FILE... — verify Open Badges 3.0 credentials (JSON or VC-JWT files) offline."""
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from microcred.credentials.verify import MAX_BYTES, use_schema, verify_credential


class Command(BaseCommand):
    help = "Verify credential files (JSON with an embedded proof, or a VC-JWT). Exit code 0 only if all verify."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--schema", metavar="FILE",
                            help="the official OB 3.0 AchievementCredential JSON Schema to validate against "
                                 "(default: $MICROCRED_OB3_SCHEMA; without one, the required structure is checked)")

    def handle(self, *args, files, schema=None, **options):
        if schema:
            try:
                use_schema(schema)
            except ValueError as error:
                raise CommandError(str(error)) from None
        all_ok = True
        for name in files:
            path = Path(name)
            self.stdout.write(f"{name}:")
            try:
                with path.open("rb") as stream:
                    data = stream.read(MAX_BYTES + 1)  # one byte over is enough to report "too large"
            except OSError as error:
                self.stdout.write(f"  FAILED  read: {error.strerror or error}")
                all_ok = False
                continue
            report = verify_credential(data)
            for check in report.checks:
                label = {"passed": "ok", "failed": "FAILED", "skipped": "skipped"}[check.status]
                self.stdout.write(f"  {label:<8}{check.check}: {check.message}")
            for warning in report.warnings:
                self.stdout.write(f"  warning {warning}")
            self.stdout.write("  => " + ("VERIFIED" if report.verified else "NOT VERIFIED"))
            all_ok &= report.verified
        sys.stdout.flush()
        if not all_ok:
            sys.exit(1)
