"""microcred export_credentials DIR — every issued credential (JSON and JWT) and every issuer's key documents."""
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from microcred.accounts.models import Organization
from microcred.credentials import keys
from microcred.credentials.models import IssuedCredential, IssuerKey


def _write(path: Path, document: dict) -> None:
    # Same bytes as the views serve (indent 2, UTF-8).
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")


class Command(BaseCommand):
    help = "Write <id>.json and <id>.jwt per issued credential, and DIR/keys/ with each issuer's documents."

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR")

    def handle(self, *args, directory, **options):
        root = Path(directory)
        try:
            (root / "keys").mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"cannot create {root}: {error}") from None
        count = 0
        for credential in IssuedCredential.objects.order_by("issued_at").iterator():
            _write(root / f"{credential.id}.json", credential.credential)
            (root / f"{credential.id}.jwt").write_text(credential.jwt, encoding="ascii")
            count += 1
        issuers = Organization.objects.filter(issuer_keys__isnull=False).distinct()
        for organization in issuers:
            folder = root / "keys" / organization.slug
            folder.mkdir(parents=True, exist_ok=True)
            _write(folder / "issuer.json", keys.controller_document(organization))
            _write(folder / "did.json", keys.did_document(organization))
            for key in IssuerKey.objects.filter(organization=organization).select_related("organization"):
                _write(folder / f"{key.id}.json", keys.key_document(key))
        self.stdout.write(f"Exported {count} credential(s) and the keys of {issuers.count()} issuer(s) to {root}")
