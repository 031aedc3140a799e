import json

from django.core.management import call_command
from django.core.management.base import BaseCommand

from microcred.demo.world import demo_logins, load_demo_world


class Command(BaseCommand):
    help = "Create or migrate the database and load the demo world (idempotent). Honours MICROCRED_DATA_DIR."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the demo logins as a JSON list of {role, username, password}.")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        created = load_demo_world()
        logins = demo_logins()
        if options["json"]:
            self.stdout.write(json.dumps(logins))
            return
        self.stdout.write(self.style.SUCCESS(
            f"Demo world ready ({created['micro_credentials_created']} micro-credentials and {created['stacks_created']} stacks added this run)."))
        self.stdout.write(format_logins(logins))


def format_logins(logins: list[dict]) -> str:
    width = max(len(login["role"]) for login in logins)
    lines = ["Demo logins (role, username, password):"]
    lines += [f"  {login['role']:<{width}}  {login['username']:<18} {login['password']}" for login in logins]
    return "\n".join(lines)
