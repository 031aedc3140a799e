"""Educator facts in bulk (license, experience, evaluation, school) into accounts.EducatorProfile.

The same rules as the roster: a dry run writes nothing; a bad row is reported with its place and never stops the
valid ones; a row that changes nothing writes nothing. Only people of the importing organization (or of one below
it) are found; anyone else is "unknown person". An empty cell leaves that fact as it is."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts import services as accounts_services
from microcred.accounts.models import EducatorProfile, Membership, Organization, PersonSourcedId, User

from .importer import BATCH, Result
from .models import RosterOrganization
from .reading import count_rows, looks_like_formula, read_rows

FILE = "facts.csv"
PERSON_KEYS = ("sourced_id", "email", "username")
TEXT_FACTS = {"license_number": 40, "license_type": 80, "evaluation_rating": 60}
MAX_AREAS, AREA_LIMIT = 20, 100


def import_facts(path: Path, *, owner: Organization, dry_run: bool = False,
                 progress: Callable[[Result], None] | None = None) -> Result:
    result = Result()
    progress = progress or (lambda r: None)

    def problem(file, row, column, message):
        result.errors += 1
        result.problems.append((file, row, column, message))

    org_ids, frontier = {owner.pk}, {owner.pk}
    while frontier:
        frontier = set(Organization.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - org_ids
        org_ids |= frontier
    schools = dict(Organization.objects.filter(pk__in=org_ids, kind=Organization.Kind.SCHOOL).values_list("slug", "pk"))
    schools.update({sid: pk for sid, pk in RosterOrganization.objects.filter(owner=owner).values_list("sourced_id", "organization_id")
                    if pk in schools.values()})
    parents = dict(Organization.objects.filter(pk__in=schools.values()).values_list("pk", "parent_id"))
    with open(path, "rb") as stream:
        result.total = count_rows(stream)
    seen: set[tuple[str, str]] = set()
    batch: list[tuple[int, str, str, dict]] = []

    def flush():
        rows, batch[:] = list(batch), []
        if rows:
            _apply(rows, owner=owner, org_ids=org_ids, result=result, problem=problem, dry_run=dry_run)
        progress(result)

    with open(path, "rb") as stream:
        for row in read_rows(stream, FILE, problem):
            result.processed = row.number - 1
            v = row.values
            key = next((k for k in PERSON_KEYS if v.get(k)), None)
            if key is None:
                problem(FILE, row.number, "sourced_id", _("no person: give sourced_id, email or username"))
                continue
            if (key, v[key].lower()) in seen:
                problem(FILE, row.number, key, _("the same person twice (the first row was kept)"))
                continue
            seen.add((key, v[key].lower()))
            facts, bad = {}, None
            for column, limit in TEXT_FACTS.items():
                value = v.get(column, "")
                if value:
                    if len(value) > limit or looks_like_formula(value):
                        bad = (column, _("longer than %(max)s characters or starts with = + - @") % {"max": limit})
                        break
                    facts[column] = value
            if bad is None and v.get("years_experience"):
                text = v["years_experience"]
                if not text.isdigit() or int(text) > 80:
                    bad = ("years_experience", _("a whole number of years from 0 to 80"))
                else:
                    facts["years_experience"] = int(text)
            if bad is None and v.get("evaluation_growth_areas"):
                areas = [a.strip() for a in v["evaluation_growth_areas"].split(";") if a.strip()]
                if len(areas) > MAX_AREAS or any(len(a) > AREA_LIMIT or looks_like_formula(a) for a in areas):
                    bad = ("evaluation_growth_areas", _("at most %(areas)s areas of %(chars)s characters, separated by ;")
                           % {"areas": MAX_AREAS, "chars": AREA_LIMIT})
                else:
                    facts["evaluation_growth_areas"] = areas
            if bad is None and v.get("school"):
                school = schools.get(v["school"])
                if school is None:
                    bad = ("school", _("unknown school (a sourcedId of your roster or a slug of your schools)"))
                else:
                    facts["school_id"] = school
                    if parents.get(school):
                        facts["district_id"] = parents[school] if parents[school] in org_ids else None
            if bad:
                problem(FILE, row.number, *bad)
                continue
            if not facts:
                problem(FILE, row.number, "", _("no fact to import on this row"))
                continue
            if facts.get("district_id", 0) is None:
                facts.pop("district_id")
            batch.append((row.number, key, v[key], facts))
            if len(batch) >= BATCH:
                flush()
    result.processed = result.total
    flush()
    return result


def _apply(rows, *, owner, org_ids, result, problem, dry_run) -> None:
    members = Membership.objects.filter(organization_id__in=org_ids)
    wanted = {k: [r[2] for r in rows if r[1] == k] for k in PERSON_KEYS}
    found: dict[tuple[str, str], int] = {}
    for sid, user_id in PersonSourcedId.objects.filter(organization=owner, sourced_id__in=wanted["sourced_id"]).values_list("sourced_id", "user_id"):
        found[("sourced_id", sid.lower())] = user_id
    for column in ("email", "username"):
        if wanted[column]:
            lookup = {f"{column}__in": wanted[column], "pk__in": members.values("user_id")}
            for user_id, value in User.objects.filter(**lookup).values_list("pk", column):
                key = (column, value.lower())
                found[key] = None if key in found else user_id  # two accounts with one address: neither is guessed
    # A sourcedId of the owner names only its own people (it may have left since: still refused below).
    allowed = set(members.filter(user_id__in=[u for u in found.values() if u]).values_list("user_id", flat=True))
    targets = {}
    for number, key, value, facts in rows:
        user_id = found.get((key, value.lower()))
        if not user_id or user_id not in allowed:
            problem(FILE, number, key, _("unknown person (not one of your organization's people)"))
            continue
        if user_id in targets:
            problem(FILE, number, key, _("the same person twice (the first row was kept)"))
            continue
        targets[user_id] = facts
    profiles = {p.user_id: p for p in EducatorProfile.objects.filter(user_id__in=targets)}
    changed, created = [], []
    now = timezone.now()
    for user_id, facts in targets.items():
        profile = profiles.get(user_id)
        if profile is None:
            created.append(EducatorProfile(user_id=user_id, facts_updated_at=now, **facts))
            continue
        if all(getattr(profile, k) == v for k, v in facts.items()):
            result.unchanged += 1
            continue
        for k, v in facts.items():
            setattr(profile, k, v)
        profile.facts_updated_at = now
        changed.append(profile)
    result.created += len(created)
    result.updated += len(changed)
    if dry_run:
        return
    fields = sorted({k for f in targets.values() for k in f} | {"facts_updated_at"})
    with transaction.atomic():
        EducatorProfile.objects.bulk_create(created, ignore_conflicts=True)
        if changed:
            EducatorProfile.objects.bulk_update(changed, fields)
        accounts_services.people_changed()  # bulk writes send no signals
