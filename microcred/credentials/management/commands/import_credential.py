"""microcred import_credential USERNAME FILE... — import credentials issued elsewhere for an earner (an operator
moving badges in bulk): Open Badges 3.0 JSON/VC-JWT, Open Badges 2.0 assertions (JSON or JWS) and baked PNG/SVG
badges, with exactly the checks of the import page."""
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from microcred.accounts.models import User
from microcred.credentials import services
from microcred.credentials.verify import MAX_BYTES


class Command(BaseCommand):
    help = "Import credential files (OB 3.0 JSON/VC-JWT, OB 2.0 JSON/JWS, baked PNG/SVG) for one earner. " \
           "Exit code 0 only if every file was imported."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args, username, files, **options):
        earner = User.objects.filter(username=username).first()
        if earner is None:
            raise CommandError(f"No user {username!r}.")
        all_ok = True
        for name in files:
            try:
                with Path(name).open("rb") as stream:
                    data = stream.read(MAX_BYTES + 1)
            except OSError as error:
                self.stdout.write(f"{name}: NOT IMPORTED — cannot read it ({error.strerror or error})")
                all_ok = False
                continue
            try:
                imported = services.import_external_credential(earner=earner, data=data)
            except ValidationError as error:
                self.stdout.write(f"{name}: NOT IMPORTED — {' '.join(error.messages)}")
                all_ok = False
                continue
            self.stdout.write(f"{name}: imported {imported} — {imported.format_label}; {imported.status}")
            for check in (imported.verification or {}).get("checks", []):
                self.stdout.write(f"  {check['status']:<12}{check['check']}: {check['message']}")
        sys.stdout.flush()
        if not all_ok:
            sys.exit(1)
