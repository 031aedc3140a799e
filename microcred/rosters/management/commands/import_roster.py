"""microcred import_roster PATH [--dry-run] [--org SLUG]: people and organizations from a OneRoster bundle (folder
or .zip) or the simple roster CSV. The last line printed is JSON: {"created", "updated", "deactivated",
"unchanged", "errors"}."""
from microcred.rosters.models import ImportRun

from ._importing import ImportCommand


class Command(ImportCommand):
    help = __doc__
    kind = ImportRun.Kind.ROSTER
