"""microcred export_personal_data USERNAME --output FILE: write one person's data (the same zip as "Download my
data": data.json + files/) to FILE, for a request made outside the web site. Audited. The last line printed is
JSON: {"username", "output", "files", "bytes"}."""
import json
import os

from django.core.management.base import BaseCommand, CommandError

from microcred.accounts import privacy
from microcred.accounts.models import User
from microcred.core import audit


class Command(BaseCommand):
    help = "Write one person's personal data (data.json + files/) to a zip file."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--output", required=True, metavar="FILE", help="The zip file to write (must not exist)")

    def handle(self, *args, username, output, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account has the username {username!r}.")
        if os.path.exists(output):
            raise CommandError(f"{output} already exists; choose another file.")
        try:
            with open(output, "xb") as target:
                files = privacy.write_zip(user, target)
        except OSError as error:
            raise CommandError(f"Could not write {output}: {error.strerror or error}") from None
        audit.record(actor=None, action="personal_data.exported_by_command", target=user, data={"files": files})
        size = os.path.getsize(output)
        self.stdout.write(f"Wrote the data of {username} to {output} ({files} file(s)).")
        self.stdout.write(json.dumps({"username": username, "output": output, "files": files, "bytes": size}))
