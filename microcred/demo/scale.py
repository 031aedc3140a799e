"""Synthetic scale data for benchmarks (``microcred generate_scale_data``): a realistic state-sized deployment.

What it builds, all marked synthetic (slugs and usernames start with ``scale-``):

- organizations: a marker organization, four issuers, five state agencies, districts (one per 500 educators) with
  four schools each;
- the demo catalog's published micro-credentials and stacks, created through the catalog services (validated,
  submitted, published) under ``scale-`` slugs;
- educators with profiles (state, district, school) and district memberships; attempts in the earned state and one
  issued credential per attempt, issued over the last seven years, about 1% revoked and 1% expired; a few imported
  credentials; the state agencies' educator facts (years licensed, latest rating, license type);
- about 50 published policies of every rule kind (conversion, caps, cycle windows, thresholds, stack logic,
  count-in-topic, eligibility, evidence, reciprocity), through the recognition services.

Scale shortcuts, on purpose and only here: rows are written with bulk_create; attempts are earned without
evidence, reviews or scores (evaluation reads credentials, not how they were assessed); and each issued credential
carries a small UNSIGNED placeholder document instead of a signed Open Badge (signing 100,000s of credentials
would take hours). Nothing else in microcred creates credentials that way. Never run this against a real
deployment: ``generate`` refuses a database that holds anything but scale data unless forced.
"""
from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass
from typing import Callable

from django.db import transaction
from django.utils import timezone

from microcred.accounts.models import EducatorProfile, Membership, Organization, Role, User
from microcred.catalog import services as catalog_services
from microcred.catalog.models import MicroCredential, MicroCredentialVersion, Stack
from microcred.catalog.vocabularies import ensure_vocabularies
from microcred.credentials.builder import issuing_organization
from microcred.credentials.models import STATUS_LIST_SIZE, ExternalCredential, IssuedCredential, StatusList
from microcred.earning.models import Attempt, CredentialStanding
from microcred.recognition import services
from microcred.recognition.fastinsert import Inserter
from microcred.recognition.models import EducatorFact, Policy

from . import content

MARKER = "scale-platform"
PREFIX = "scale-"
STATES = ["AR", "KY", "SC", "TN", "UT"]
EDUCATORS_PER_DISTRICT = 500
SCHOOLS_PER_DISTRICT = 4
BATCH = 5000
RATINGS = ["ineffective", "developing", "effective", "highly_effective"]
PLACEHOLDER_NOTE = "Synthetic scale data: an unsigned placeholder, not a verifiable credential."


class ScaleDataRefused(Exception):
    """The database already holds data that is not scale data (or scale data already)."""


def foreign_data() -> str:
    """What in the database is not scale data, or "" when there is none."""
    users = User.objects.exclude(username__startswith=PREFIX).count()
    orgs = Organization.objects.exclude(slug__startswith=PREFIX).count()
    if users or orgs:
        return f"{users} users and {orgs} organizations that are not scale data"
    return ""


def generate(*, educators: int, seed: int = 2026, force: bool = False, log: Callable[[str], None] = lambda s: None) -> dict:
    """Build the synthetic state. Refuses (ScaleDataRefused) a database with other data unless ``force``, and
    one that already holds scale data."""
    if educators < 1:
        raise ValueError("Give at least one educator.")
    if Organization.objects.filter(slug=MARKER).exists():
        raise ScaleDataRefused("This database already holds scale data; generate into a fresh database.")
    other = foreign_data()
    if other and not force:
        raise ScaleDataRefused(f"This database holds {other}. Scale data is for a fresh benchmark database; "
                               "use --force only if you really mean to add 100,000s of synthetic rows to it.")
    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        ensure_vocabularies()
        admin = User.objects.create(username=f"{PREFIX}admin", first_name="Scale", last_name="Admin", is_staff=True,
                                    is_superuser=True, email="scale-admin@scale.microcred.test", password="!")
        orgs = _organizations(educators)
        log(f"organizations: {sum(len(v) for v in orgs.values())}")
        versions = _catalog(orgs, admin)
        log(f"micro-credentials: {len(versions)}, stacks: {Stack.objects.filter(slug__startswith=PREFIX).count()}")
    counts = {"educators": 0, "credentials": 0, "external": 0, "facts": 0}
    issuer_of = {v.pk: issuing_organization(v).pk for v in versions}
    lists = _StatusLists()
    rows = Inserter(now)
    for start in range(0, educators, BATCH):
        with transaction.atomic():
            n = min(BATCH, educators - start)
            part = _educators(rows, start, n, orgs, rng)
            counts["educators"] += len(part)
            counts["credentials"] += _credentials(rows, part, versions, issuer_of, lists, rng, now)
            counts["external"] += _external(rows, part, rng, now)
            counts["facts"] += _facts(rows, part, orgs, rng)
        log(f"educators: {counts['educators']}/{educators}, credentials: {counts['credentials']}")
    lists.save()
    rows.finish()
    with transaction.atomic():
        counts["policies"] = _policies(orgs, admin)
    log(f"policies: {counts['policies']}")
    return counts


# --- Organizations and catalog ------------------------------------------------------------------------------------

def _organizations(educators: int) -> dict[str, list[Organization]]:
    marker = Organization.objects.create(slug=MARKER, name="Scale data (synthetic)", kind=Organization.Kind.NONPROFIT,
                                         description="Marks a database filled by `microcred generate_scale_data`.")
    issuers = Organization.objects.bulk_create([
        Organization(slug=f"{PREFIX}{slug}", name=f"{name} (synthetic)", kind=kind)
        for slug, name, kind in (("bloomboard", "Scale Sponsor One", "nonprofit"), ("digital-promise", "Scale Issuer Two", "nonprofit"),
                                 ("highland-state-university", "Scale University", "higher_ed"),
                                 ("national-education-association", "Scale Union", "union"))])
    agencies = Organization.objects.bulk_create([
        Organization(slug=f"{PREFIX}sea-{s.lower()}", name=f"Scale state agency {s} (synthetic)", kind="state_agency", state=s)
        for s in STATES])
    n_districts = max(len(STATES), -(-educators // EDUCATORS_PER_DISTRICT))
    districts = Organization.objects.bulk_create([
        Organization(slug=f"{PREFIX}district-{i:04d}", name=f"Scale district {i} (synthetic)", kind="district",
                     parent=agencies[i % len(agencies)], state=agencies[i % len(agencies)].state,
                     locale=("rural", "town", "suburb", "city")[i % 4])
        for i in range(n_districts)])
    schools = Organization.objects.bulk_create([
        Organization(slug=f"{PREFIX}school-{i:04d}-{j}", name=f"Scale school {i}-{j} (synthetic)", kind="school",
                     parent=d, state=d.state) for i, d in enumerate(districts) for j in range(SCHOOLS_PER_DISTRICT)])
    return {"marker": [marker], "issuers": issuers, "agencies": agencies, "districts": districts, "schools": schools}


def _catalog(orgs, admin) -> list[MicroCredentialVersion]:
    rename = {o.slug[len(PREFIX):]: o.slug for o in orgs["issuers"]}
    by_slug = {o.slug: o for o in orgs["issuers"]}
    versions = []
    for spec in content.MICRO_CREDENTIALS:
        if spec.get("demo_state", "published") != "published":
            continue
        definition = {k: v for k, v in spec.items() if k not in ("owner", "demo_state", "slug")}
        definition["organizations"] = [{**r, "organization": rename.get(r["organization"], r["organization"])}
                                       for r in spec.get("organizations", []) if r["organization"] in rename]
        definition["visibility"], definition["visible_to"] = "public", []
        owner = by_slug[rename[spec["owner"]]]
        version = catalog_services.create_micro_credential(owner=owner, definition=definition, by=admin, slug=PREFIX + spec["slug"])
        version = catalog_services.submit_for_review(version=version, by=admin)
        versions.append(catalog_services.publish(version=version, by=admin))
    for spec in content.STACKS:
        items = []
        for item in spec["items"]:
            entry = {"slot": item.get("slot")}
            if "mc" in item:
                entry["micro_credential"] = MicroCredential.objects.get(slug=PREFIX + item["mc"])
            else:
                entry["child_stack"] = Stack.objects.get(slug=PREFIX + item["stack"])
            items.append(entry)
        stack = catalog_services.save_stack(owner=by_slug[rename[spec["owner"]]], by=admin, title=spec["title"],
                                            kind=spec.get("kind", "stack"), rule=spec["rule"], required_count=spec.get("required_count"),
                                            items=items, slug=PREFIX + spec["slug"])
        catalog_services.set_stack_state(stack=stack, state=Stack.State.PUBLISHED, by=admin)
    return list(MicroCredentialVersion.objects.filter(pk__in=[v.pk for v in versions]).select_related("micro_credential"))


# --- Educators and their credentials --------------------------------------------------------------------------------

@dataclass
class _Educator:
    id: int
    state: str
    district: Organization
    position: str


def _educators(rows: Inserter, start: int, n: int, orgs, rng: random.Random) -> list[_Educator]:
    first = rows.next_id(User, n)
    districts, schools = orgs["districts"], orgs["schools"]
    users, profiles, members, out = [], [], [], []
    for i in range(n):
        number, pk = start + i, first + i
        index = number // EDUCATORS_PER_DISTRICT % len(districts)
        district = districts[index]
        school = schools[index * SCHOOLS_PER_DISTRICT + rng.randrange(SCHOOLS_PER_DISTRICT)]
        position = "principal" if rng.random() < 0.05 else ("coach" if rng.random() < 0.05 else "teacher")
        username = f"{PREFIX}educator-{number:07d}"
        users.append({"id": pk, "username": username, "first_name": "Scale", "last_name": f"Educator {number}",
                      "email": f"{username}@scale.microcred.test", "password": "!"})  # "!": no usable password
        profiles.append({"user_id": pk, "state": district.state, "district_id": district.pk, "school_id": school.pk,
                         "position": position, "career_stage": rng.choice(["new", "experienced", "experienced"]),
                         "license_number": f"SC-{number:08d}"})
        members.append({"user_id": pk, "organization_id": district.pk, "role": Role.EARNER})
        out.append(_Educator(pk, district.state, district, position))
    rows.insert(User, users)
    rows.insert(EducatorProfile, profiles)
    rows.insert(Membership, members)
    return out


class _StatusLists:
    """Revocation status lists per issuer, filled in order (a revoked credential's bit is set)."""

    def __init__(self):
        self.lists: dict[int, StatusList] = {}
        self.bits: dict[int, bytearray] = {}

    def next(self, issuer_id: int) -> tuple[StatusList, int]:
        current = self.lists.get(issuer_id)
        if current is None or current.next_index >= current.size:
            if current is not None:
                self._flush(current)
            list_id = (current.list_id + 1) if current else 1
            current = StatusList.objects.create(organization_id=issuer_id, purpose=StatusList.Purpose.REVOCATION,
                                                list_id=list_id, size=STATUS_LIST_SIZE, bits=bytes(STATUS_LIST_SIZE // 8))
            self.lists[issuer_id], self.bits[current.pk] = current, bytearray(STATUS_LIST_SIZE // 8)
        index = current.next_index
        current.next_index += 1
        return current, index

    def revoke(self, status_list: StatusList, index: int) -> None:
        self.bits[status_list.pk][index // 8] |= 0x80 >> (index % 8)

    def _flush(self, status_list: StatusList) -> None:
        status_list.bits = bytes(self.bits[status_list.pk])
        status_list.save(update_fields=["bits", "next_index"])

    def save(self) -> None:
        for status_list in self.lists.values():
            self._flush(status_list)


def _how_many(rng: random.Random, available: int) -> int:
    """Credentials per educator: a third none or one, most a handful, a few "power earners" with a dozen or more."""
    roll = rng.random()
    if roll < 0.3:
        return rng.randint(0, 1)
    if roll < 0.93:
        return rng.randint(2, 7)
    return min(available, rng.randint(12, 20))


def _credentials(rows: Inserter, part: list[_Educator], versions, issuer_of, lists: _StatusLists, rng: random.Random, now) -> int:
    families: dict[str, list[MicroCredentialVersion]] = {}
    for v in versions:
        families.setdefault((v.tags or ["other"])[0], []).append(v)
    family_names = sorted(families)
    plans = []
    for educator in part:
        k = _how_many(rng, len(versions))
        if k >= 12:  # power earners concentrate in one topic, then spread
            focus = families[rng.choice(family_names)]
            chosen = (focus + rng.sample([v for v in versions if v not in focus], max(0, k - len(focus))))[:k]
        else:
            chosen = rng.sample(versions, k)
        for v in chosen:
            plans.append((educator, v, now - dt.timedelta(days=rng.uniform(0, 7 * 365), seconds=rng.randrange(86400))))
    first = rows.next_id(Attempt, len(plans))
    attempts, credentials = [], []
    for offset, (educator, v, issued) in enumerate(plans):
        attempt_id = first + offset
        attempts.append({"id": attempt_id, "earner_id": educator.id, "version_id": v.pk, "micro_credential_id": v.micro_credential_id,
                         "state": Attempt.State.EARNED, "privacy_confirmed_at": issued, "started_at": issued - dt.timedelta(days=20),
                         "submitted_at": issued - dt.timedelta(days=14), "decided_at": issued})
        issuer_id = issuer_of[v.pk]
        status_list, index = lists.next(issuer_id)
        document = {"type": ["VerifiableCredential", "OpenBadgeCredential"], "note": PLACEHOLDER_NOTE, "validFrom": issued.isoformat()}
        roll, revoked_at = rng.random(), None
        if roll < 0.01:
            revoked_at = issued + dt.timedelta(days=30)
            lists.revoke(status_list, index)
        elif roll < 0.02:
            document["validUntil"] = (issued + dt.timedelta(days=365)).isoformat()
        credentials.append({"id": uuid.UUID(int=rng.getrandbits(128), version=4), "attempt_id": attempt_id, "issuer_id": issuer_id,
                            "version_id": v.pk, "earner_id": educator.id, "credential": document, "jwt": "",
                            "status_list_id": status_list.pk, "status_index": index, "visibility": "link", "issued_at": issued,
                            "revoked_at": revoked_at, "revocation_reason": "Synthetic revocation" if revoked_at else ""})
    rows.insert(Attempt, attempts)
    rows.insert(IssuedCredential, credentials)
    # What the earners' pages know of each credential (docs/decisions/0020), as issue_for_attempt/revoke record it.
    rows.insert(CredentialStanding, [
        {"attempt_id": c["attempt_id"], "credential_id": c["id"], "url": f"/credentials/{c['id']}",
         "state": "revoked" if c["revoked_at"] else "active", "changed_at": c["revoked_at"] or c["issued_at"],
         "reason": c["revocation_reason"]} for c in credentials])
    return len(credentials)


def _external(rows: Inserter, part: list[_Educator], rng: random.Random, now) -> int:
    out = []
    for educator in part:
        if rng.random() < 0.01:
            valid_from = now - dt.timedelta(days=rng.uniform(30, 1500))
            out.append({"id": uuid.UUID(int=rng.getrandbits(128), version=4), "earner_id": educator.id, "raw": "{}", "format": "json",
                        "credential": {"note": PLACEHOLDER_NOTE},
                        "credential_id": f"urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}",
                        "issuer_id": "did:web:other-platform.scale.microcred.test", "issuer_name": "Another platform (synthetic)",
                        "achievement_name": "Imported practice (synthetic)", "valid_from": valid_from, "valid_until": None,
                        "verification": {}, "verified_at": valid_from,
                        # synthetic imports from a known issuer, so they count as before issuer binding existed
                        "issuer_known": True, "status": ExternalCredential.STATUS_VERIFIED})
    rows.insert(ExternalCredential, out)
    return len(out)


def _facts(rows: Inserter, part: list[_Educator], orgs, rng: random.Random) -> int:
    agency_of = {a.state: a.pk for a in orgs["agencies"]}
    out = []
    for educator in part:
        years = rng.randint(0, 30)
        license_type = "administrator" if educator.position == "principal" else ("professional" if years >= 3 else "practitioner")
        for key, value in (("years_licensed", years), ("evaluation_rating", rng.choices(RATINGS, weights=(2, 10, 60, 28))[0]),
                           ("license_type", license_type)):
            out.append({"recognizer_id": agency_of[educator.state], "educator_id": educator.id, "key": key, "value": value})
    rows.insert(EducatorFact, out)
    return len(out)


# --- Policies -------------------------------------------------------------------------------------------------------

def _policies(orgs, admin) -> int:
    """Nine policies per state agency (45) and five district policies: every rule kind, reciprocity between states."""
    s = PREFIX
    issuers = [o.slug for o in orgs["issuers"]]
    rating = {"evaluation_rating": RATINGS}
    docs = []
    for i, agency in enumerate(orgs["agencies"]):
        st = agency.state.lower()
        base = {"format": "microcred.policy/1", "recognizer": agency.slug, "effective_from": "2019-01-01"}
        docs += [
            {**base, "slug": f"{s}{st}-renewal", "title": f"{agency.state} renewal credits (synthetic)",
             "approved": {"issuers": issuers},
             "rules": [{"kind": "convert", "per_mc": 6 + i, "unit": "PDP"}, {"kind": "cycle_window", "years": 5},
                       {"kind": "threshold", "unit": "PDP", "min": 60}],
             "outcomes": [{"key": "renewal", "kind": "credits", "name": "Renewal credits", "unit": "PDP"}]},
            {**base, "slug": f"{s}{st}-state-credit", "title": f"{agency.state} state credit (synthetic)",
             "approved": {"issuers": issuers[:3]},
             "rules": [{"kind": "convert", "per_mc": 0.5, "unit": "credit"}, {"kind": "cap", "unit": "credit", "max": 4},
                       {"kind": "threshold", "unit": "credit", "min": 1}],
             "outcomes": [{"key": "credit", "kind": "graduate_credit", "name": "State credit", "unit": "credit"}]},
            {**base, "slug": f"{s}{st}-cs-endorsement", "title": f"{agency.state} computer science endorsement (synthetic)",
             "approved": {"stacks": [f"{s}computational-thinking-practices"]},
             "rules": [{"kind": "stack", "stack": f"{s}computational-thinking-practices", "logic": "all_of"}],
             "outcomes": [{"key": "cs", "kind": "endorsement", "name": "Computer science endorsement"}]},
            {**base, "slug": f"{s}{st}-lead-educator", "title": f"{agency.state} lead educator (synthetic)",
             "approved": {"stacks": [f"{s}effective-coaching"]}, "facts": {"years_licensed": "number", **rating},
             "rules": [{"kind": "stack", "stack": f"{s}effective-coaching"},
                       {"kind": "eligibility", "fact": "years_licensed", "op": ">=", "value": 3},
                       {"kind": "eligibility", "fact": "evaluation_rating", "op": ">=", "value": "effective"}],
             "outcomes": [{"key": "lead", "kind": "designation", "name": "Lead educator", "expires_after_years": 5}]},
            {**base, "slug": f"{s}{st}-master-educator", "title": f"{agency.state} master educator (synthetic)",
             "approved": {"stacks": [f"{s}teacher-leader-pathway"]}, "facts": {"years_licensed": "number", **rating},
             "rules": [{"kind": "stack", "stack": f"{s}data-driven-instruction", "logic": {"n_of": 3}},
                       {"kind": "stack", "stack": f"{s}collective-leadership", "logic": {"n_of": 4}},
                       {"kind": "eligibility", "fact": "years_licensed", "op": ">=", "value": 5},
                       {"kind": "eligibility", "fact": "evaluation_rating", "op": "in", "value": ["effective", "highly_effective"]}],
             "outcomes": [{"key": "master", "kind": "designation", "name": "Master educator"}]},
            {**base, "slug": f"{s}{st}-rank-change", "title": f"{agency.state} rank change (synthetic)",
             "approved": {"issuers": issuers}, "facts": {"license_type": "text"},
             "rules": [{"kind": "convert", "per_mc": 1, "unit": "MC"}, {"kind": "threshold", "unit": "MC", "min": 10},
                       {"kind": "count_in_topic", "tag": "formative assessment", "min": 3},
                       {"kind": "eligibility", "fact": "license_type", "op": "==", "value": "professional"}],
             "outcomes": [{"key": "rank", "kind": "designation", "name": "Rank II"}]},
            {**base, "slug": f"{s}{st}-teacher-leader", "title": f"{agency.state} teacher leader (synthetic)",
             "approved": {"issuers": issuers},
             "rules": [{"kind": "count_in_topic", "tag": "coaching", "min": 6}],
             "outcomes": [{"key": "leader", "kind": "role", "name": "Teacher leader"},
                          {"key": "mentor", "kind": "role", "name": "Mentor"}]},
            {**base, "slug": f"{s}{st}-principal-hours", "title": f"{agency.state} principal PD hours (synthetic)",
             "approved": {"tags": ["teacher leadership", "coaching"]}, "facts": {"license_type": "text"},
             "rules": [{"kind": "convert", "per_mc": 10, "unit": "hour"}, {"kind": "cycle_window", "years": 1},
                       {"kind": "eligibility", "fact": "license_type", "op": "==", "value": "administrator"},
                       {"kind": "threshold", "unit": "hour", "min": 10}],
             "outcomes": [{"key": "hours", "kind": "credits", "name": "Annual PD hours", "unit": "hour"}]},
            {**base, "slug": f"{s}{st}-literacy-hours", "title": f"{agency.state} literacy hours by category (synthetic)",
             "approved": {"issuers": issuers, "external": True},
             "rules": [{"kind": "convert", "per_mc": 15, "unit": "hour", "category": "early literacy"},
                       {"kind": "convert", "per_mc": 10, "unit": "hour"},
                       {"kind": "cap", "unit": "hour", "max": 30, "category": "early literacy"},
                       {"kind": "cap", "unit": "hour", "max": 80}, {"kind": "cycle_window", "years": 3},
                       {"kind": "threshold", "unit": "hour", "min": 40}],
             "outcomes": [{"key": "hours", "kind": "credits", "name": "PD hours", "unit": "hour"}]},
        ]
    for j, district in enumerate(orgs["districts"][:5]):
        base = {"format": "microcred.policy/1", "recognizer": district.slug, "effective_from": "2020-01-01"}
        if j % 2:
            docs.append({**base, "slug": f"{district.slug}-salary", "title": f"{district.name}: salary per MC",
                         "approved": {"issuers": issuers[:2]},
                         "rules": [{"kind": "convert", "per_mc": 100, "unit": "USD"}, {"kind": "cap", "unit": "USD", "max": 600},
                                   {"kind": "evidence", "requires": "student_impact"}, {"kind": "threshold", "unit": "USD", "min": 100}],
                         "outcomes": [{"key": "salary", "kind": "pay", "name": "Base-salary increase", "unit": "USD"}]})
        else:
            partner = orgs["agencies"][(j + 1) % len(orgs["agencies"])].state.lower()
            docs.append({**base, "slug": f"{district.slug}-reciprocity", "title": f"{district.name}: accepts another state's list",
                         "approved": {"reciprocity": [f"{s}{partner}-renewal"]},
                         "rules": [{"kind": "convert", "per_mc": 15, "unit": "hour"}, {"kind": "threshold", "unit": "hour", "min": 45}],
                         "outcomes": [{"key": "hours", "kind": "credits", "name": "District PD hours", "unit": "hour"}]})
    recognizers = {o.slug: o for o in orgs["agencies"] + orgs["districts"]}
    for document in docs:  # every reciprocity partner (a state's renewal policy) comes before the districts
        draft = services.create_or_update_draft(recognizer=recognizers[document["recognizer"]], document=document, by=admin)
        services.publish(policy=draft, by=admin)
    return Policy.objects.filter(state=Policy.State.PUBLISHED).count()
