"""The demo district's roster: the sample OneRoster bundle (data/oneroster-cumberland) imported once by its people
admin, so the import history shows a real run (22 staff created, 9 students and guardians skipped, 1 problem).
The bundle's two existing schools are linked to the demo's schools first (as an admin would by sourcedId)."""
from pathlib import Path

from microcred.accounts.models import Organization, User
from microcred.rosters import services
from microcred.rosters.models import ImportRun, RosterOrganization

from . import content

BUNDLE = Path(__file__).parent / "data" / "oneroster-cumberland"
LINKS = {"cvs-elem": content.RURAL_ELEM, "cvs-high": content.RURAL_HIGH}


def load_rosters_demo() -> None:
    district = Organization.objects.filter(slug=content.RURAL).first()
    admin = User.objects.filter(username="district_admin").first()
    if district is None or admin is None or ImportRun.objects.filter(organization=district, file_name=BUNDLE.name).exists():
        return
    for sourced_id, slug in LINKS.items():
        school = Organization.objects.filter(slug=slug).first()
        if school is not None:
            RosterOrganization.objects.get_or_create(owner=district, sourced_id=sourced_id, defaults={"organization": school})
    services.import_path(path=BUNDLE, organization=district, by=admin)
