"""Save a recognition policy document (YAML or JSON file) as a draft, optionally dry-run and publish it — so states
can keep their policies in version control and review them like code."""
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from microcred.accounts.models import Organization
from microcred.recognition import services
from microcred.recognition.forms import MAX_DOCUMENT_BYTES, read_document


class Command(BaseCommand):
    help = ("Validate a microcred.policy/1 document and save it as its policy's draft, acting as a recognizer admin "
            "(--as). --dry-run prints who in the jurisdiction would qualify; --publish publishes the draft.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="The policy document, YAML or JSON (at most 256 KB).")
        parser.add_argument("--as", dest="username", required=True, help="Username of a recognizer admin (or platform admin).")
        parser.add_argument("--dry-run", action="store_true", help="After saving, show who would qualify and what would change.")
        parser.add_argument("--publish", action="store_true", help="Publish the saved draft (educators are then re-evaluated).")

    def handle(self, *args, file, username, dry_run=False, publish=False, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user “{username}”.")
        try:
            with open(file, "rb") as fh:
                raw = fh.read(MAX_DOCUMENT_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"Could not read {file}: {exc.strerror}.") from None
        if len(raw) > MAX_DOCUMENT_BYTES:
            raise CommandError(f"{file} is larger than {MAX_DOCUMENT_BYTES // 1024} KB; policy documents are short.")
        try:
            document = read_document(raw)
            recognizer = Organization.objects.filter(slug=str(document.get("recognizer", ""))).first()
            if recognizer is None:
                raise ValidationError({"recognizer": ["Name the recognizer by its organization slug."]})
            draft = services.create_or_update_draft(recognizer=recognizer, document=document, by=user)
            self.stdout.write(f"Saved draft version {draft.version} of “{draft.slug}” ({draft.title}).")
            if dry_run:
                rows = services.dry_run(draft, by=user)
                qualify = [r for r in rows if r.evaluation.outcomes and r.evaluation.outcomes[0].achieved]
                self.stdout.write(f"Dry run: {len(qualify)} of {len(rows)} educators in the jurisdiction would qualify.")
                for r in rows:
                    changes = ", ".join(f"{c.action} {c.outcome_key}" for c in r.changes) or "no change"
                    self.stdout.write(f"  {r.educator.username}: {changes}")
            if publish:
                published = services.publish_and_reevaluate(policy=draft, by=user)
                self.stdout.write(self.style.SUCCESS(f"Published version {published.version} of “{published.slug}”."))
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            lines = ([f"  {path}: {m}" for path, msgs in exc.message_dict.items() for m in msgs] if hasattr(exc, "error_dict")
                     else [f"  {m}" for m in exc.messages])
            raise CommandError("The policy was refused; nothing changed:\n" + "\n".join(lines)) from None
