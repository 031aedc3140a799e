"""Reading the school attributes CSV, in the style of the federal school directory (NCES Common Core of Data) files.

Columns (case-insensitive; CCD names or ours): ``NCESSCH`` (or ``nces_id``), ``SCH_NAME`` (or ``name``), an optional
``org_slug`` naming the microcred organization, ``TITLEI`` (Yes/No/1/0, or a CCD ``TITLEI_STATUS`` code), ``ULOCALE``
(``11-City: Large`` … ``43-Rural: Remote``, a code, or city/suburb/town/rural), ``HIGH_NEED`` (Yes/No) and
``ENROLLMENT`` (or ``MEMBER``, ``TOTAL``). Nothing here touches the database."""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from microcred.accounts.models import Organization
from microcred.rosters.reading import looks_like_formula

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000
MAX_ENROLLMENT = 100_000

HEADER_ALIASES = {
    "ncessch": "nces_id", "nces_id": "nces_id", "sch_name": "name", "name": "name", "school_name": "name",
    "org_slug": "org_slug", "slug": "org_slug", "titlei": "title_i", "title_i": "title_i",
    "titlei_status": "title_i_status", "ulocale": "locale", "locale": "locale", "high_need": "high_need",
    "enrollment": "enrollment", "member": "enrollment", "total": "enrollment",
}
YES, NO = {"yes", "y", "1", "true"}, {"no", "n", "0", "false"}
# CCD TITLEI_STATUS codes: eligible for and running a Title I program (targeted or school-wide) means Title I.
TITLE_I_YES = {"TGELGBTGPROG", "SWELIGTGPROG", "SWELIGSWPROG", "SWELIGNOPROG"}
TITLE_I_NO = {"TGELGBNOPROG", "NOTTITLE1ELIG"}
LOCALE_DIGIT = {"1": Organization.Locale.CITY, "2": Organization.Locale.SUBURB, "3": Organization.Locale.TOWN,
                "4": Organization.Locale.RURAL}


@dataclass
class Parsed:
    nces_id: str
    name: str
    org_slug: str
    values: dict  # model field → value (only the columns the file has and that are not empty)


def yes_no(text: str, column: str) -> bool | None:
    low = text.strip().lower()
    if not low:
        return None
    if low in YES:
        return True
    if low in NO:
        return False
    raise ValueError(_("%(column)s must be Yes or No.") % {"column": column})


def parse_locale(text: str) -> str:
    low = text.strip().lower()
    if not low:
        return ""
    if low[:1] in LOCALE_DIGIT and (len(low) == 2 and low[1:].isdigit() or low[2:3] == "-"):
        return LOCALE_DIGIT[low[0]]
    word = low.split(":")[0].split("-")[-1].strip()
    for choice in (Organization.Locale.CITY, Organization.Locale.SUBURB, Organization.Locale.TOWN, Organization.Locale.RURAL):
        if word == choice or (choice == Organization.Locale.SUBURB and word == "suburban") or (
                choice == Organization.Locale.CITY and word == "urban"):
            return choice
    raise ValueError(_("The locale must be a CCD code (11 to 43) or city, suburb, town or rural."))


def parse_row(values: dict[str, str]) -> Parsed:
    """One row's attributes; raises ValueError with a message for the person who uploaded the file."""
    for column, text in values.items():
        if looks_like_formula(text) and column != "enrollment":
            raise ValueError(_("The value of %(column)s starts like a spreadsheet formula; it was not imported.")
                             % {"column": column})
    nces_id = values.get("nces_id", "")
    if nces_id and not (nces_id.isdigit() and len(nces_id) <= 12):
        raise ValueError(_("NCESSCH must be the school's NCES id: digits only, at most 12."))
    out: dict = {}
    if values.get("title_i", ""):
        out["title_i"] = yes_no(values["title_i"], "TITLEI")
    elif values.get("title_i_status", ""):
        code = values["title_i_status"].strip().upper()
        if code in TITLE_I_YES:
            out["title_i"] = True
        elif code in TITLE_I_NO:
            out["title_i"] = False
        else:
            raise ValueError(_("TITLEI_STATUS is not a code of the federal school directory."))
    if values.get("locale", ""):
        out["locale"] = parse_locale(values["locale"])
    if values.get("high_need", ""):
        out["high_need"] = yes_no(values["high_need"], "HIGH_NEED")
    enrollment = values.get("enrollment", "").replace(",", "")
    if enrollment:
        if not enrollment.isdigit() or int(enrollment) > MAX_ENROLLMENT:
            raise ValueError(_("ENROLLMENT must be a whole number from 0 to %(max)s.") % {"max": f"{MAX_ENROLLMENT:,}"})
        out["enrollment"] = int(enrollment)
    if nces_id:
        out["nces_id"] = nces_id
    return Parsed(nces_id=nces_id, name=values.get("name", ""), org_slug=values.get("org_slug", ""), values=out)
