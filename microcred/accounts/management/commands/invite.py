"""Invite people from the command line: one address, or a CSV file (columns ``email`` and optionally ``role``).
Under the same rules as the invitations page when --by names an admin; without --by, an operator's invitation (any
role but platform admin). Prints a JSON object last: {"invited": n, "errors": [{"row", "column", "message"}]}."""
import json
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from microcred.accounts import onboarding, policy
from microcred.accounts.models import Organization, Role, User


class Command(BaseCommand):
    help = "Invite EMAIL (or every row of --csv FILE) to --role at --org; the links are mailed. Prints a JSON object last."

    def add_arguments(self, parser):
        parser.add_argument("email", nargs="?", help="the address to invite (or use --csv)")
        parser.add_argument("--org", required=True, help="slug of the organization")
        parser.add_argument("--role", default="", help="the role (for --csv: of rows without one); default earner")
        parser.add_argument("--csv", help="a UTF-8 CSV file with an email column (and optionally role)")
        parser.add_argument("--by", help="username of the admin acting (audited in their name; their rights apply)")

    def handle(self, *args, email=None, org, role, csv=None, by=None, **options):
        if bool(email) == bool(csv):
            raise CommandError("Give either EMAIL or --csv FILE.")
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError(f"No organization “{org}”.")
        role = role or policy.default_invitation_role()
        if role not in Role.values:
            raise CommandError(f"No role “{role}”; use one of {', '.join(Role.values)}.")
        admin = None
        if by:
            admin = User.objects.filter(username=by, is_active=True).first()
            if admin is None:
                raise CommandError(f"No active account “{by}” to act as.")
        if csv:
            path = Path(csv)
            if not path.is_file():
                raise CommandError(f"No file {csv}.")
            with path.open("rb") as handle:
                data = handle.read(onboarding.MAX_CSV_BYTES + 1)
            try:
                result = onboarding.invite_many_from_csv(by=admin, organization=organization, data=data, default_role=role)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            for problem in result.errors:
                self.stderr.write(f"row {problem['row']}, {problem['column']}: {problem['message']}")
            self.stdout.write(json.dumps(result.as_dict()))
            return
        try:
            onboarding.invite(by=admin, organization=organization, role=role, email=email)
        except PermissionDenied as refusal:
            raise CommandError(str(refusal) or "Not allowed.") from None
        except ValidationError as error:
            self.stdout.write(json.dumps({"invited": 0, "errors": [{"row": None, "column": "email", "message": " ".join(error.messages)}]}))
            return
        self.stdout.write(json.dumps({"invited": 1, "errors": []}))
