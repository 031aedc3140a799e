from django.core.management.base import BaseCommand

from microcred.assessment.services import expire_certifications


class Command(BaseCommand):
    help = "Send assessors whose certification has expired back to calibration (run daily)."

    def handle(self, *args, **options):
        n = expire_certifications()
        self.stdout.write(f"{n} certification(s) expired.")
