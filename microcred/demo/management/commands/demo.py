from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from microcred.demo.world import demo_logins, load_demo_world

from .seed_demo import format_logins


class Command(BaseCommand):
    help = "Create/migrate the embedded database, load the demo world, start the server and print the URL and logins."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        load_demo_world()
        host, port = options["host"], options["port"]
        self.stdout.write(self.style.SUCCESS(f"\nmicrocred demo: http://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else host}:{port}/"))
        self.stdout.write(f"Data folder: {settings.DATA_DIR}")
        self.stdout.write(format_logins(demo_logins()) + "\n")
        self.stdout.flush()
        # The demo is one process on one machine: Django's threaded server without the code reloader.
        call_command("runserver", f"{host}:{port}", use_reloader=False, skip_checks=True)
