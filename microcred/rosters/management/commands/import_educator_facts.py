"""microcred import_educator_facts PATH [--dry-run] [--org SLUG]: license, experience, evaluation and school of the
organization's educators from a CSV. The last line printed is JSON: {"created", "updated", "deactivated",
"unchanged", "errors"}."""
from microcred.rosters.models import ImportRun

from ._importing import ImportCommand


class Command(ImportCommand):
    help = __doc__
    kind = ImportRun.Kind.FACTS
