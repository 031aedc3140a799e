"""Synthetic scale data for benchmarks (``microcred generate_scale_data``): a realistic state-sized deployment.

What it builds, all marked synthetic (slugs and usernames start with ``scale-``), every count scaling with the
number of educators (``sizes``):

- organizations: a marker organization, 20 issuers, five state agencies, districts (one per 500 educators) with
  four schools each;
- a catalog of ``educators / 50`` micro-credentials with rubrics (at least the demo catalog's): the demo's and
  variants of them across the issuers, and the demo's stacks, created through the catalog services (validated,
  submitted, published) under ``scale-`` slugs;
- ``educators / 100`` assessors certified for ten MCs each; bench accounts (issuer and recognizer admins, the
  first 50 educators) with the password ``BENCH_PASSWORD``;
- educators with profiles (state, district, school) and district memberships; per educator about five earned
  attempts, sometimes a "not yet", one in an assessor's queue and a draft, with submissions, reviews, assignments,
  scores, decisions and criterion results; an issued credential per earned attempt, issued over the last seven
  years, about 1% revoked and 1% expired; a few imported credentials; the state agencies' educator facts;
- about 50 published policies of every rule kind, through the recognition services, and (``awards``) their awards.

Scale shortcuts, on purpose and only here: rows are written with multi-row INSERTs (``Inserter``), and only the
first credential of each MC is built and signed as ``issue_for_attempt`` does; the others reuse its signed document
with their own id, dates, status entry and identifier: the real size (≈ 15 KB), but a proof that does not verify
(signing 100,000s of credentials would take hours). Nothing else in microcred creates credentials that way. Never
run this against a real deployment: ``generate`` refuses a database that holds anything but scale data unless forced.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import secrets
import uuid
from dataclasses import dataclass
from typing import Callable

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from microcred.accounts.models import EducatorProfile, Membership, Organization, Role, User
from microcred.assessment.models import Assignment, Qualification, Review, Score
from microcred.assessment.tallies import recount as recount_review_tallies
from microcred.catalog import services as catalog_services
from microcred.catalog.models import MicroCredential, MicroCredentialVersion, Part, Prompt, Rubric, Stack
from microcred.catalog.vocabularies import ensure_vocabularies
from microcred.core.db import refresh_planner_statistics
from microcred.credentials import builder, keys, status
from microcred.credentials.builder import issuing_organization
from microcred.credentials.models import STATUS_LIST_SIZE, ExternalCredential, IssuedCredential, IssuerKey, StatusList
from microcred.credentials.standards import dataintegrity, vcjwt
from microcred.earning.models import Attempt, CredentialStanding, CriterionResult, Decision, Evidence, PartResponse, Submission
from microcred.recognition import services
from microcred.recognition.fastinsert import Inserter
from microcred.recognition.models import EducatorFact, Policy

from . import content

MARKER = "scale-platform"
PREFIX = "scale-"
STATES = ["AR", "KY", "SC", "TN", "UT"]
EDUCATORS_PER_DISTRICT = 500
SCHOOLS_PER_DISTRICT = 4
BATCH = 2000
ISSUERS = 20
MCS_PER_EDUCATOR = 2000 / 100_000  # a state catalog: 2,000 micro-credentials for 100,000 educators
ASSESSORS_PER_EDUCATOR = 1 / 100
BENCH_PASSWORD = "scale-bench-2026"  # the bench accounts' password (synthetic data only)
BENCH_EARNERS = 50
RATINGS = ["ineffective", "developing", "effective", "highly_effective"]
SYNTHETIC_ANSWER = ("Synthetic answer: I planned the lesson around the learning goal, gathered evidence of what students "
                    "understood, and adjusted the next day's instruction from what I saw.")
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


def sizes(educators: int, micro_credentials: int | None = None) -> dict:
    """How many of each thing a world of ``educators`` holds: every count scales with the educators (at 100,000:
    2,000 MCs across 20 issuers, 1,000 assessors), never fewer than the demo catalog's MCs or 10 assessors."""
    published = sum(1 for spec in content.MICRO_CREDENTIALS if spec.get("demo_state", "published") == "published")
    wanted = round(educators * MCS_PER_EDUCATOR) if micro_credentials is None else micro_credentials
    return {"issuers": ISSUERS, "micro_credentials": max(published, wanted),
            "assessors": max(10, round(educators * ASSESSORS_PER_EDUCATOR)), "demo_micro_credentials": published}


def generate(*, educators: int, seed: int = 2026, force: bool = False, awards: bool = False, micro_credentials: int | None = None,
             log: Callable[[str], None] = lambda s: None, progress: Callable[[str, int, int], None] = lambda *a: None) -> dict:
    """Build the synthetic state. Refuses (ScaleDataRefused) a database with other data unless ``force``, and
    one that already holds scale data. ``progress(stage, done, total)`` is called as the work goes; ``awards``
    evaluates every policy at the end (the command does unless --no-awards)."""
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
    size = sizes(educators, micro_credentials)
    password = make_password(BENCH_PASSWORD)  # hashed once; every bench account shares it
    with transaction.atomic():
        ensure_vocabularies()
        admin = User.objects.create(username=f"{PREFIX}admin", first_name="Scale", last_name="Admin", is_staff=True,
                                    is_superuser=True, email="scale-admin@scale.microcred.test", password="!")
        orgs = _organizations(educators)
        log(f"organizations: {sum(len(v) for v in orgs.values())}")
        done = [0]

        def tick():
            done[0] += 1
            progress("micro-credentials", done[0], size["micro_credentials"])
        versions = _catalog(orgs, admin, size["micro_credentials"] - size["demo_micro_credentials"], tick)
        log(f"micro-credentials: {len(versions)}, stacks: {Stack.objects.filter(slug__startswith=PREFIX).count()}")
    counts = {"educators": 0, "micro_credentials": len(versions), "issuers": len(orgs["issuers"]), "attempts": 0,
              "submissions": 0, "reviews": 0, "assignments": 0, "scores": 0, "decisions": 0, "credentials": 0,
              "signed_credentials": 0, "external": 0, "facts": 0}
    issuer_of = {v.pk: issuing_organization(v).pk for v in versions}
    lists = _StatusLists()
    rows = Inserter(now)
    with transaction.atomic():
        accounts = _accounts(rows, orgs, password)
        pools = _assessors(rows, size["assessors"], orgs, versions, issuer_of, password, rng, now)
        counts["assessors"] = size["assessors"]
    world = _World(versions, _rubrics(versions), issuer_of, pools, lists, now, {o.pk: o for o in orgs["issuers"]})
    for start in range(0, educators, BATCH):
        with transaction.atomic():
            n = min(BATCH, educators - start)
            part = _educators(rows, start, n, orgs, rng, password)
            counts["educators"] += len(part)
            for key, value in _work(rows, part, world, rng).items():
                counts[key] += value
            counts["external"] += _external(rows, part, rng, now)
            counts["facts"] += _facts(rows, part, orgs, rng)
        progress("educators", counts["educators"], educators)
        log(f"educators: {counts['educators']}/{educators}, submissions: {counts['submissions']}, credentials: {counts['credentials']}")
    lists.save()
    rows.finish()
    refresh_planner_statistics()  # what follows (tallies, policies, awards) joins the rows just inserted
    recount_review_tallies({v.micro_credential_id for v in versions})  # the reviews were inserted in bulk: no signals
    with transaction.atomic():
        counts["policies"] = _policies(orgs, admin)
    log(f"policies: {counts['policies']}")
    counts["awards"] = 0
    if awards:
        result = services.evaluate_all(progress=lambda d, t: progress("awards", d, t))
        counts["awards"] = result["awards"]
        log(f"awards: {counts['awards']}")
    counts["accounts"] = accounts
    return counts


# --- Organizations and catalog ------------------------------------------------------------------------------------

def _organizations(educators: int) -> dict[str, list[Organization]]:
    marker = Organization.objects.create(slug=MARKER, name="Scale data (synthetic)", kind=Organization.Kind.NONPROFIT,
                                         description="Marks a database filled by `microcred generate_scale_data`.")
    issuers = Organization.objects.bulk_create([
        Organization(slug=f"{PREFIX}{slug}", name=f"{name} (synthetic)", kind=kind)
        for slug, name, kind in (("bloomboard", "Scale Sponsor One", "nonprofit"), ("digital-promise", "Scale Issuer Two", "nonprofit"),
                                 ("highland-state-university", "Scale University", "higher_ed"),
                                 ("national-education-association", "Scale Union", "union"))]
        + [Organization(slug=f"{PREFIX}issuer-{i:02d}", name=f"Scale issuer {i} (synthetic)", kind="nonprofit")
           for i in range(5, ISSUERS + 1)])
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


def _catalog(orgs, admin, extra_mcs: int = 0, tick=lambda: None) -> list[MicroCredentialVersion]:
    rename = {o.slug[len(PREFIX):]: o.slug for o in orgs["issuers"]}
    by_slug = {o.slug: o for o in orgs["issuers"]}
    versions, templates = [], []
    from .case_world import load_case_demo

    load_case_demo()  # a demo MC aligns to items of the illustrative CASE framework
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
        templates.append((spec, definition))
        tick()
    # More micro-credentials, as a state catalog has (2,000 at 100,000 educators): variants of the demo's,
    # owned and issued by every issuer in turn, created, submitted and published through the same services.
    for n in range(extra_mcs):
        spec, definition = templates[n % len(templates)]
        issuer = orgs["issuers"][n % len(orgs["issuers"])]
        clone = {**definition, "title": f"{definition['title']} — variant {n + 1} (synthetic)"[:200],
                 "organizations": [{"organization": issuer.slug, "role": "issuer"}, {"organization": issuer.slug, "role": "developer"}]}
        version = catalog_services.create_micro_credential(owner=issuer, definition=clone, by=admin, slug=f"{PREFIX}{spec['slug']}-v{n + 1:04d}")
        version = catalog_services.submit_for_review(version=version, by=admin)
        catalog_services.publish(version=version, by=admin)
        tick()
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
    return list(MicroCredentialVersion.objects.filter(micro_credential__slug__startswith=PREFIX, state="published")
                .select_related("micro_credential").order_by("pk"))


# --- Educators and their credentials --------------------------------------------------------------------------------

@dataclass
class _Educator:
    id: int
    state: str
    district: Organization
    position: str
    number: int = -1


def _educators(rows: Inserter, start: int, n: int, orgs, rng: random.Random, password: str = "!") -> list[_Educator]:
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
                      "email": f"{username}@scale.microcred.test",
                      # the first few sign in with the bench password; "!" is no usable password
                      "password": password if number < BENCH_EARNERS else "!"})
        profiles.append({"user_id": pk, "state": district.state, "district_id": district.pk, "school_id": school.pk,
                         "position": position, "career_stage": rng.choice(["new", "experienced", "experienced"]),
                         "license_number": f"SC-{number:08d}"})
        members.append({"user_id": pk, "organization_id": district.pk, "role": Role.EARNER})
        out.append(_Educator(pk, district.state, district, position, number))
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
    """Credentials per educator (about five on average): a quarter two or fewer, most a handful, a few "power
    earners" with a dozen or more."""
    roll = rng.random()
    if roll < 0.25:
        return rng.randint(0, 2)
    if roll < 0.93:
        return rng.randint(3, 8)
    return min(available, rng.randint(12, 20))


def _accounts(rows: Inserter, orgs, password: str) -> dict:
    """Bench accounts with the bench password: an issuer admin per issuer, a recognizer admin per state agency."""
    issuers, agencies = orgs["issuers"], orgs["agencies"]
    first = rows.next_id(User, len(issuers) + len(agencies))
    users, members = [], []
    for i, org in enumerate(issuers + agencies):
        pk = first + i
        if i < len(issuers):
            username, role = f"{PREFIX}issuer-admin-{i + 1:02d}", Role.ISSUER_ADMIN
        else:
            username, role = f"{PREFIX}recognizer-{org.state.lower()}", Role.RECOGNIZER_ADMIN
        users.append({"id": pk, "username": username, "first_name": "Scale", "last_name": username[len(PREFIX):],
                      "email": f"{username}@scale.microcred.test", "password": password})
        members.append({"user_id": pk, "organization_id": org.pk, "role": role})
    rows.insert(User, users)
    rows.insert(Membership, members)
    return {"password": BENCH_PASSWORD, "issuer_admins": f"{PREFIX}issuer-admin-01 … {PREFIX}issuer-admin-{len(issuers):02d}",
            "recognizers": ", ".join(f"{PREFIX}recognizer-{a.state.lower()}" for a in agencies),
            "assessors": f"{PREFIX}assessor-0000 …", "earners": f"{PREFIX}educator-0000000 … {PREFIX}educator-{BENCH_EARNERS - 1:07d}"}


def _assessors(rows: Inserter, n: int, orgs, versions, issuer_of, password: str, rng: random.Random, now) -> dict[int, list[int]]:
    """Assessors, each certified for about ten MCs of one issuer; returns each MC's pool of assessor ids."""
    issuers = orgs["issuers"]
    mcs_of: dict[int, list[int]] = {}
    for v in versions:
        mcs_of.setdefault(issuer_of[v.pk], []).append(v.micro_credential_id)
    first = rows.next_id(User, n)
    users, members, quals, pools = [], [], [], {}
    for i in range(n):
        pk, issuer = first + i, issuers[i % len(issuers)]
        username = f"{PREFIX}assessor-{i:04d}"
        users.append({"id": pk, "username": username, "first_name": "Scale", "last_name": f"Assessor {i}",
                      "email": f"{username}@scale.microcred.test", "password": password})
        members.append({"user_id": pk, "organization_id": issuer.pk, "role": Role.ASSESSOR})
        own = mcs_of.get(issuer.pk) or [v.micro_credential_id for v in versions]
        for mc in rng.sample(own, min(10, len(own))):
            quals.append({"assessor_id": pk, "micro_credential_id": mc, "organization_id": issuer.pk, "status": "certified",
                          "certified_at": now - dt.timedelta(days=rng.randint(30, 700)), "expires_at": now + dt.timedelta(days=365),
                          "last_agreement": 0.9, "senior": i % 10 == 0})
            pools.setdefault(mc, []).append(pk)
    rows.insert(User, users)
    rows.insert(Membership, members)
    rows.insert(Qualification, quals)
    everyone = [u["id"] for u in users]
    return {v.micro_credential_id: pools.get(v.micro_credential_id, everyone) for v in versions}


@dataclass
class _Rubric:
    criteria: list  # (criterion id, [level ids, lowest first], passing level index)
    parts: list  # (part id, first prompt id or None)


def _rubrics(versions) -> dict[int, _Rubric]:
    out = {v.pk: _Rubric([], []) for v in versions}
    ids = [v.pk for v in versions]
    for part in Part.objects.filter(version_id__in=ids).prefetch_related("prompts").order_by("version_id", "position"):
        prompts = sorted(part.prompts.all(), key=lambda p: p.position)
        out[part.version_id].parts.append((part.pk, prompts[0].pk if prompts else None))
    for rubric in (Rubric.objects.filter(part__version_id__in=ids).select_related("part")
                   .prefetch_related("levels", "criteria").order_by("part__position")):
        levels = [lv.pk for lv in sorted(rubric.levels.all(), key=lambda lv: lv.position)]
        for criterion in sorted(rubric.criteria.all(), key=lambda c: c.position):
            out[rubric.part.version_id].criteria.append((criterion.pk, levels, min(rubric.passing_level, len(levels) - 1)))
    return out


@dataclass
class _World:
    versions: list
    rubrics: dict
    issuer_of: dict
    pools: dict
    lists: "_StatusLists"
    now: dt.datetime
    issuers: dict
    templates: dict = None  # version id -> (signed document, its VC-JWT): the one really signed credential's

    def __post_init__(self):
        self.templates = {}


def _work(rows: Inserter, part: list[_Educator], world: _World, rng: random.Random) -> dict:
    """Each educator's attempts with their whole assessment history: earned ones (some after a "not yet"), a
    "not yet", one waiting in an assessor's queue, a draft; submissions, reviews, assignments, scores, decisions,
    criterion results, and a credential for every earned attempt."""
    versions, now = world.versions, world.now
    families: dict[str, list] = {}
    for v in versions:
        families.setdefault((v.tags or ["other"])[0], []).append(v)
    family_names = sorted(families)
    plans = []  # (educator, version, kind, finished)
    for educator in part:
        k = _how_many(rng, len(versions))
        if educator.number == 0:
            # The bench's earner: a third of the catalog earned, a draft of the first MC (rows that grow with the world).
            earned = versions[1:1 + len(versions) // 3]
            plans.append((educator, versions[0], "draft", now - dt.timedelta(days=1)))
            plans += [(educator, v, "earned", now - dt.timedelta(days=30 + 20 * i)) for i, v in enumerate(earned)]
            continue
        if k >= 12:  # power earners concentrate in one topic, then spread
            focus = families[rng.choice(family_names)][:k]
            taken = {v.pk for v in focus}
            chosen = focus + [v for v in rng.sample(versions, min(len(versions), k + 5)) if v.pk not in taken][:k - len(focus)]
        else:
            chosen = rng.sample(versions, min(k + 3, len(versions)))
        earned, rest = chosen[:k], chosen[k:]
        for v in earned:
            plans.append((educator, v, "earned", now - dt.timedelta(days=rng.uniform(0, 7 * 365), seconds=rng.randrange(86400))))
        for kind, chance in (("not_yet", 0.4), ("pending", 0.6), ("draft", 0.3)):
            if rest and rng.random() < chance:
                plans.append((educator, rest.pop(), kind, now - dt.timedelta(days=rng.uniform(0, 300) if kind == "not_yet" else rng.uniform(0, 10))))
    out = {m: [] for m in ("attempts", "submissions", "reviews", "assignments", "scores", "decisions", "results",
                          "responses", "evidence")}
    earned_rows = []
    for educator, v, kind, finished in plans:
        rubric = world.rubrics[v.pk]
        attempt_id = rows.next_id(Attempt, 1)
        resubmitted = kind != "draft" and rng.random() < 0.5  # a first "not yet", then the hand-in that counts
        started = finished - dt.timedelta(days=40 if resubmitted else 20)
        state = {"earned": Attempt.State.EARNED, "not_yet": Attempt.State.NOT_YET, "pending": Attempt.State.SUBMITTED,
                 "draft": Attempt.State.DRAFT}[kind]
        out["attempts"].append({"id": attempt_id, "earner_id": educator.id, "version_id": v.pk, "micro_credential_id": v.micro_credential_id,
                                "state": state, "privacy_confirmed_at": started, "started_at": started,
                                "submitted_at": None if kind == "draft" else finished - dt.timedelta(days=14),
                                "decided_at": finished if kind in ("earned", "not_yet") else None})
        evidence_ids = []
        if kind in ("pending", "draft"):  # what the attempt and scoring pages show: a written answer per part
            for position, (part_id, prompt_id) in enumerate(rubric.parts):
                if kind == "draft" and position:
                    break
                response_id, evidence_id = rows.next_id(PartResponse, 1), rows.next_id(Evidence, 1)
                out["responses"].append({"id": response_id, "attempt_id": attempt_id, "part_id": part_id, "locked": kind == "pending"})
                out["evidence"].append({"id": evidence_id, "response_id": response_id, "prompt_id": prompt_id, "kind": "written",
                                        "text": SYNTHETIC_ANSWER, "url": "", "public": False, "created_at": started, "updated_at": started})
                evidence_ids.append((part_id, position, evidence_id))
        if kind == "draft":
            continue
        snapshot = {"version_id": v.pk, "parts": [
            {"part_id": part_id, "position": position, "locked": True, "quiz": None,
             "evidence": [{"evidence_id": eid, "prompt_id": None, "kind": "written", "text": SYNTHETIC_ANSWER}]}
            for part_id, position, eid in evidence_ids]}
        hand_ins = [("not_yet", finished - dt.timedelta(days=20))] if resubmitted else []
        hand_ins.append(({"earned": "earned", "not_yet": "not_yet", "pending": None}[kind], finished))
        pool = world.pools[v.micro_credential_id]
        for number, (result, decided) in enumerate(hand_ins, start=1):
            submission_id, review_id, assignment_id = (rows.next_id(Submission, 1), rows.next_id(Review, 1), rows.next_id(Assignment, 1))
            submitted = decided - dt.timedelta(days=10)
            out["submissions"].append({"id": submission_id, "attempt_id": attempt_id, "number": number,
                                       "state": "pending" if result is None else "decided", "submitted_at": submitted,
                                       "note_to_assessor": "", "snapshot": snapshot})
            assessor = rng.choice(pool)
            out["reviews"].append({"id": review_id, "submission_id": submission_id, "micro_credential_id": v.micro_credential_id,
                                   "version_id": v.pk, "stage": "first" if result is None else "decided", "double_reason": "",
                                   "created_at": submitted, "due_at": submitted + dt.timedelta(days=14),
                                   "decided_at": None if result is None else decided, "final_result": result or ""})
            out["assignments"].append({"id": assignment_id, "review_id": review_id, "assessor_id": assessor, "role": "first",
                                       "state": "assigned" if result is None else "scored", "assigned_at": submitted,
                                       "scored_at": None if result is None else decided, "released_reason": ""})
            if result is None:
                continue
            decision_id = rows.next_id(Decision, 1)
            out["decisions"].append({"id": decision_id, "submission_id": submission_id, "result": result, "decided_at": decided,
                                     "decided_by_id": assessor, "overall_feedback": "Synthetic feedback."})
            fail = rng.randrange(len(rubric.criteria)) if result == "not_yet" and rubric.criteria else -1
            for i, (criterion_id, levels, passing) in enumerate(rubric.criteria):
                level = levels[passing - 1 if i == fail and passing else rng.randint(passing, len(levels) - 1)]
                out["scores"].append({"assignment_id": assignment_id, "criterion_id": criterion_id, "level_id": level,
                                      "comment": "", "scored_at": decided})
                out["results"].append({"decision_id": decision_id, "criterion_id": criterion_id, "level_id": level, "comment": ""})
            if result == "earned":
                earned_rows.append((attempt_id, educator, v, decided, decision_id))
    rows.insert(Attempt, out["attempts"])
    rows.insert(PartResponse, out["responses"])
    rows.insert(Evidence, out["evidence"])
    rows.insert(Submission, out["submissions"])
    rows.insert(Review, out["reviews"])
    rows.insert(Assignment, out["assignments"])
    rows.insert(Score, out["scores"])
    rows.insert(Decision, out["decisions"])
    rows.insert(CriterionResult, out["results"])
    issued, signed = _credentials(rows, earned_rows, world, rng)
    return {"attempts": len(out["attempts"]), "submissions": len(out["submissions"]), "reviews": len(out["reviews"]),
            "assignments": len(out["assignments"]), "scores": len(out["scores"]), "decisions": len(out["decisions"]),
            "credentials": issued, "signed_credentials": signed}


def _credentials(rows: Inserter, earned: list, world: _World, rng: random.Random) -> tuple[int, int]:
    """An issued credential per earned attempt. The first of each MC is built, signed (eddsa-rdfc-2022 and VC-JWT)
    with its issuer's keys and verifiable; the others reuse that signed document with their own id, dates, status
    entry and subject identifier — the realistic size (≈ 15 KB), but a proof that does not verify."""
    credentials, signed = [], 0
    for attempt_id, educator, v, issued, decision_id in earned:
        issuer_id = world.issuer_of[v.pk]
        status_list, index = world.lists.next(issuer_id)
        credential_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        template = world.templates.get(v.pk)
        roll, revoked_at, valid_until = rng.random(), None, None
        if roll < 0.01:
            revoked_at = issued + dt.timedelta(days=30)
            world.lists.revoke(status_list, index)
        elif roll < 0.02:
            valid_until = issued + dt.timedelta(days=365)
        if template is None:
            document, token = _sign(credential_id, attempt_id, decision_id, world.issuers[issuer_id], status_list, index, valid_until)
            world.templates[v.pk] = (document, token)
            signed += 1
        else:
            document, token = dict(template[0]), ""
            document["id"] = builder.credential_url(credential_id)
            document["validFrom"] = builder.iso(issued)
            document["credentialStatus"] = builder.status_entry(status.status_list_url(status_list), index, "revocation")
            subject = dict(document["credentialSubject"])
            salt = f"{rng.getrandbits(64):016x}"
            subject["identifier"] = [{"type": "IdentityObject", "hashed": True, "salt": salt, "identityType": "emailAddress",
                                      "identityHash": builder.identity_hash(f"{PREFIX}educator@scale.microcred.test", salt)}]
            document["credentialSubject"] = subject
            if valid_until:
                document["validUntil"] = builder.iso(valid_until)
            else:
                document.pop("validUntil", None)
        credentials.append({"id": credential_id, "attempt_id": attempt_id, "issuer_id": issuer_id, "version_id": v.pk,
                            "earner_id": educator.id, "credential": document, "jwt": token, "status_list_id": status_list.pk,
                            "status_index": index, "visibility": "link", "issued_at": issued, "revoked_at": revoked_at,
                            "revocation_reason": "Synthetic revocation" if revoked_at else ""})
    rows.insert(IssuedCredential, credentials)
    # What the earners' pages know of each credential (docs/decisions/0020), as issue_for_attempt/revoke record it.
    rows.insert(CredentialStanding, [
        {"attempt_id": c["attempt_id"], "credential_id": c["id"], "url": f"/credentials/{c['id']}",
         "state": "revoked" if c["revoked_at"] else "active", "changed_at": c["revoked_at"] or c["issued_at"],
         "reason": c["revocation_reason"]} for c in credentials])
    return len(credentials), signed


def _sign(credential_id, attempt_id: int, decision_id: int, issuer: Organization, status_list, index: int, valid_until) -> tuple[dict, str]:
    """A real credential, as issue_for_attempt signs it (the attempt and decision rows are already written)."""
    attempt = Attempt.objects.select_related("version__micro_credential", "earner").get(pk=attempt_id)
    decision = Decision.objects.get(pk=decision_id)
    ed_key = keys.active_key(issuer, IssuerKey.Algorithm.ED25519)
    ec_key = keys.active_key(issuer, IssuerKey.Algorithm.P256)
    unsigned = builder.build_credential(credential_id=credential_id, attempt=attempt, decision=decision, issuer=issuer,
                                        salt=secrets.token_hex(16), status_list_url=status.status_list_url(status_list),
                                        status_index=index)
    if valid_until is not None:
        unsigned["validUntil"] = builder.iso(valid_until)
    now = timezone.now()
    document = dataintegrity.sign(unsigned, private_key=keys.private_key(ed_key), verification_method=keys.key_url(ed_key),
                                  created=builder.iso(now))
    token = vcjwt.sign(unsigned, private_key=keys.private_key(ec_key), kid=keys.key_url(ec_key), issued_at=now)
    return document, token


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


# --- The pages the bench measures (bench/pages.py and the query-count tests) ----------------------------------------

def bench_pages() -> list[dict]:
    """Each role's main pages over a generated world: [{name, username (None: anonymous), method, path, body}].
    The same names, in the same order, whatever the size of the world."""
    from django.urls import reverse

    mc = MicroCredential.objects.filter(slug__startswith=PREFIX, current_version__state="published").order_by("pk").first()
    # The bench's earner (a third of the catalog earned, a draft) and the busiest assessor: pages that hold many rows.
    draft = (Attempt.objects.filter(earner__username=f"{PREFIX}educator-0000000", state=Attempt.State.DRAFT)
             .select_related("earner").order_by("pk").first())
    assessor = (Assignment.objects.filter(review__isnull=False, state="assigned", assessor__username__startswith=f"{PREFIX}assessor-")
                .values("assessor_id").annotate(n=Count("id")).order_by("-n", "assessor_id").values_list("assessor_id", flat=True)[:1])
    assignment = (Assignment.objects.filter(assessor_id__in=list(assessor), review__isnull=False, state="assigned")
                  .select_related("assessor").order_by("pk").first())
    prompt = (Prompt.objects.filter(part__version_id=draft.version_id, response_type__in=["written", "reflection"])
              .order_by("part__position", "position").first())
    credential = next(c for c in IssuedCredential.objects.exclude(jwt="").filter(revoked_at__isnull=True, issuer__slug__startswith=PREFIX)
                      .order_by("issued_at") if "validUntil" not in c.credential)
    policy = Policy.objects.filter(slug=f"{PREFIX}ar-renewal", state=Policy.State.PUBLISHED).first()
    return [
        {"name": "catalog_browse", "username": None, "method": "GET", "path": reverse("catalog:search")},
        {"name": "catalog_search", "username": None, "method": "GET", "path": reverse("catalog:search") + "?q=feedback"},
        # Anonymous visitors get the catalog from the page cache (decision 0044); a signed-in earner's is drawn.
        {"name": "catalog_browse_signed_in", "username": draft.earner.username, "method": "GET", "path": reverse("catalog:search")},
        {"name": "catalog_search_signed_in", "username": draft.earner.username, "method": "GET",
         "path": reverse("catalog:search") + "?q=feedback"},
        {"name": "mc_page", "username": None, "method": "GET", "path": reverse("catalog:detail", args=[mc.slug])},
        {"name": "earner_home", "username": draft.earner.username, "method": "GET", "path": reverse("earning:home")},
        {"name": "attempt_page", "username": draft.earner.username, "method": "GET", "path": reverse("earning:attempt", args=[draft.pk])},
        # The htmx autosave the attempt page makes as the earner types (a form POST; answers "Saved").
        {"name": "autosave", "username": draft.earner.username, "method": "POST", "form": True,
         "path": reverse("earning:save_answer", args=[draft.pk, prompt.pk]),
         "body": {"text": "My students explained their thinking before I changed the task."}},
        {"name": "assessor_queue", "username": assignment.assessor.username, "method": "GET", "path": reverse("assessment:queue")},
        {"name": "scoring_page", "username": assignment.assessor.username, "method": "GET",
         "path": reverse("assessment:item", args=[assignment.pk])},
        {"name": "issuer_dashboard", "username": f"{PREFIX}issuer-admin-01", "method": "GET", "path": reverse("assessment:issuer")},
        {"name": "recognizer_qualifiers", "username": f"{PREFIX}recognizer-ar", "method": "GET",
         "path": reverse("recognition:qualifiers", args=[policy.slug])},
        {"name": "credential_page", "username": None, "method": "GET", "path": reverse("credentials:credential", args=[credential.pk])},
        {"name": "verify", "username": None, "method": "POST", "path": reverse("credentials:verify"),
         "body": json.dumps({"verifiableCredential": credential.credential})},
    ]
