"""microcred import_case FILE|URL — import (or re-import) an IMS CASE 1.0 CFPackage (JSON). A URL is downloaded only
when MICROCRED_CASE_ONLINE is on (HTTPS, public addresses, no redirects, a timeout and a size cap). Prints a JSON
object last: {"framework": IDENTIFIER, "items": N, "created": N, "updated": N}."""
import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from microcred.catalog import services


class Command(BaseCommand):
    help = "Import a CASE 1.0 competency framework (CFPackage JSON) from a file or, in online mode, an https:// URL."

    def add_arguments(self, parser):
        parser.add_argument("source", help="A CFPackage JSON file, or an https:// address of one")

    def handle(self, *args, source, **options):
        url = ""
        try:
            if source.lower().startswith(("http://", "https://")):
                url = source
                raw = services.download_case_package(url)
            else:
                file = Path(source)
                if not file.is_file():
                    raise CommandError(f"{source} is not a file.")
                if file.stat().st_size > settings.MICROCRED_CASE_MAX_BYTES:
                    raise CommandError(f"The file is larger than {settings.MICROCRED_CASE_MAX_BYTES:,} bytes; nothing was imported.")
                raw = file.read_bytes()
            result = services.import_case_package(raw=raw, by=None, source_url=url)
        except ValidationError as error:
            raise CommandError("Nothing was imported: " + "; ".join(error.messages)) from None
        self.stdout.write(f"{result.framework.title}: {result.items} items ({result.created} new, {result.updated} updated)")
        self.stdout.write(json.dumps(result.as_dict()))
