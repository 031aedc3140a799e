"""Quality assurance from the command line: the automatic checks of a version, the public quality record of an MC,
certifying a quality reviewer, and adopting a revised framework file. Machine output is JSON lines (--json)."""
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from microcred.accounts.models import Organization, User
from microcred.catalog.models import MicroCredential
from microcred.quality import checks, selectors, services
from microcred.quality.api.v1.serializers import QualityRecordSerializer


def _operator(username: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"No active account “{username}”.")
    return user


class Command(BaseCommand):
    help = "Quality assurance of micro-credentials: check, record, certify-reviewer, send-follow-ups, adopt-framework."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="The automatic checks of an MC's version before quality review.")
        check.add_argument("slug")
        check.add_argument("--version", type=int, help="Version number (default: the current one).")
        check.add_argument("--json", action="store_true", dest="as_json")
        record = sub.add_parser("record", help="The public quality record of an MC (as GET /api/v1/micro-credentials/{slug}/quality/).")
        record.add_argument("slug")
        record.add_argument("--json", action="store_true", dest="as_json")
        certify = sub.add_parser("certify-reviewer", help="Certify a person as a quality reviewer for an organization.")
        certify.add_argument("username")
        certify.add_argument("organization", help="Organization slug (the reviewer's, or the state panel's).")
        certify.add_argument("--state-panel", action="store_true")
        certify.add_argument("--by", required=True, help="Username of the platform or state admin certifying.")
        follow = sub.add_parser("send-follow-ups", help="Daily: follow-up surveys on practice for attempts decided N days ago.")
        follow.add_argument("--days", type=int, default=30)
        adopt = sub.add_parser("adopt-framework", help="Adopt a revised framework from a JSON file.")
        adopt.add_argument("path")
        adopt.add_argument("--by", required=True, help="Username of the platform or state admin adopting it.")
        adopt.add_argument("--note", default="")

    def handle(self, *args, action, **o):
        try:
            getattr(self, "_" + action.replace("-", "_"))(**o)
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from None

    def _mc(self, slug) -> MicroCredential:
        mc = MicroCredential.objects.select_related("current_version").filter(slug=slug).first()
        if mc is None:
            raise CommandError(f"No micro-credential “{slug}”.")
        return mc

    def _check(self, slug, version=None, as_json=False, **_):
        mc = self._mc(slug)
        found = mc.versions.filter(number=version).first() if version else (mc.current_version or mc.versions.order_by("-number").first())
        if found is None:
            raise CommandError(f"{slug} has no version {version}.")
        findings = services.check_version(found)
        if as_json:
            self.stdout.write(json.dumps({"micro_credential": slug, "version": found.number, "blocked": bool(checks.blocking(findings)),
                                         "findings": [f.as_dict() for f in findings]}))
            return
        self.stdout.write(f"{slug} v{found.number}: {'BLOCKED' if checks.blocking(findings) else 'may be submitted'}")
        for f in findings:
            self.stdout.write(f"  [{f.severity}] {f.message}")

    def _record(self, slug, as_json=False, **_):
        try:
            mc = selectors.public_micro_credential(slug)
        except Exception:
            raise CommandError(f"No published public micro-credential “{slug}”.") from None
        data = QualityRecordSerializer(selectors.quality_record(mc)).data
        if as_json:
            self.stdout.write(json.dumps(data, cls=DjangoJSONEncoder))
            return
        self.stdout.write(f"{slug}: {data['status']} (framework v{data['framework_version']})")
        for c in data["criteria"]:
            self.stdout.write(f"  {c['title']}: {c['level_name']}")
        outcomes = data["outcomes"]
        if outcomes["too_few"]:
            self.stdout.write(f"  earners: {outcomes['earners']} — too few to report")
        else:
            for key, value in outcomes.items():
                self.stdout.write(f"  {key}: {value}")

    def _certify_reviewer(self, username, organization, state_panel=False, by=None, **_):
        org = Organization.objects.filter(slug=organization).first()
        if org is None:
            raise CommandError(f"No organization “{organization}”.")
        found = services.certify_reviewer(by=_operator(by), user=_operator(username), organization=org, state_panel=state_panel)
        self.stdout.write(json.dumps({"reviewer": username, "organization": organization, "state_panel": found.state_panel}))

    def _send_follow_ups(self, days=30, **_):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        self.stdout.write(json.dumps({"follow_ups_sent": services.send_follow_ups(days=days)}))

    def _adopt_framework(self, path, by=None, note="", **_):
        try:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        adopted = services.adopt_framework(by=_operator(by), data=data, note=note)
        self.stdout.write(json.dumps({"framework": adopted.number}))
