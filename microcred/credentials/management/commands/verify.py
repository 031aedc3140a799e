"""microcred verify FILE... — verify Open Badges 3.0 / CLR 2.0 credentials (JSON or VC-JWT files)."""
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from microcred.credentials.verify import MAX_BYTES, use_schema, verify_credential


class Command(BaseCommand):
    help = ("Verify credential files (JSON with an embedded proof, or a VC-JWT; CLRs with their nested credentials). "
            "Exit code 0 only if all verify: the proof is made with a key of the issuer the credential names, and "
            "status and dates are valid. Whether the issuer is known to this platform is reported separately "
            "(--require-known makes an unknown issuer a failure).")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--schema", metavar="FILE",
                            help="another copy of the official OB 3.0 AchievementCredential JSON Schema to validate "
                                 "against (default: $MICROCRED_OB3_SCHEMA, else the vendored JSON-LD adaptation)")
        parser.add_argument("--trust-key", metavar="FILE", action="append", default=[],
                            help="a controller, DID or key document (JSON) that I, the operator, vouch for: its keys "
                                 "count as keys of the controller it names. Never pass a document that came with "
                                 "the credential, or from the person presenting it. Repeatable.")
        parser.add_argument("--require-known", action="store_true",
                            help="fail unless the issuer is known to this platform (its own issuers, registered "
                                 "known issuers, or vouched for with --trust-key)")
        parser.add_argument("--online", action="store_true",
                            help="fetch the issuer's did:web/https document if needed (as MICROCRED_VERIFY_ONLINE)")

    def handle(self, *args, files, schema=None, trust_key=(), require_known=False, online=False, **options):
        if schema:
            try:
                use_schema(schema)
            except ValueError as error:
                raise CommandError(str(error)) from None
        trusted = []
        for name in trust_key:
            try:
                document = json.loads(Path(name).read_text(encoding="utf-8-sig"))
            except OSError as error:
                raise CommandError(f"cannot read the key document {name}: {error.strerror or error}") from None
            except (ValueError, RecursionError):
                raise CommandError(f"the key document {name} is not JSON") from None
            trusted.extend(document if isinstance(document, list) else [document])
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
            report = verify_credential(data, key_documents=trusted or None, online=True if online else None)
            for check in report.checks:
                label = {"passed": "ok", "failed": "FAILED", "skipped": "skipped"}[check.status]
                self.stdout.write(f"  {label:<8}{check.check}: {check.message}")
            for warning in report.warnings:
                self.stdout.write(f"  warning {warning}")
            if report.verified:
                label = "known" if report.issuer.known else "UNKNOWN"
                self.stdout.write(f"  {label:<8}issuer: {report.issuer.id} — {report.issuer.how}")
            ok = report.verified and (report.issuer.known or not require_known)
            self.stdout.write("  => " + ("VERIFIED" if ok else "NOT VERIFIED")
                              + (" (signed by an issuer this platform does not know)"
                                 if report.verified and not report.issuer.known else ""))
            all_ok &= ok
        sys.stdout.flush()
        if not all_ok:
            sys.exit(1)
