"""The roster engine: people and organizations from a OneRoster 1.1/1.2 bundle or the simple CSV, streamed and
written in batches, so that memory holds only id maps (sourcedId → ids) whatever the size of the files.

Guarantees (docs/rosters.md): idempotent by sourcedId; a dry run writes nothing; a bad row is reported with its
place and never stops the valid ones; people who left the roster are deactivated, never deleted; students,
parents and guardians are skipped and nothing about them is kept; demographics.csv is never read; no role is
granted that the importing admin could not grant."""
from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from microcred.accounts import policy
from microcred.accounts import services as accounts_services
from microcred.accounts.models import EducatorProfile, Membership, Organization, PersonSourcedId, User

from .models import RosteredPerson, RosterOrganization
from .reading import Bundle, Row, count_rows, looks_like_formula, read_rows

BATCH = 1000
MAX_STORED_PROBLEMS = 10_000

# OneRoster roles → the microcred role a roster gives: policy.roster_role (conservative: every staff role → earner).
# Never imported, never stored: counted as skipped.
SKIPPED_ROLES = {"student", "parent", "guardian", "relative"}
ORG_KINDS = {
    "state": Organization.Kind.STATE_AGENCY, "national": Organization.Kind.STATE_AGENCY,
    "district": Organization.Kind.DISTRICT, "local": Organization.Kind.DISTRICT,
    "school": Organization.Kind.SCHOOL, "department": Organization.Kind.SCHOOL,
}
NAME_LIMIT, EMAIL_LIMIT, ID_LIMIT = 150, 254, 255


@dataclass
class Result:
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: int = 0
    processed: int = 0
    total: int = 0
    organizations_created: int = 0
    organizations_updated: int = 0
    message: str = ""
    problems: list = field(default_factory=list)  # (file, row, column, message) not yet stored

    def counts(self) -> dict:
        return {"created": self.created, "updated": self.updated, "deactivated": self.deactivated,
                "unchanged": self.unchanged, "errors": self.errors}


@dataclass
class Person:
    """One valid staff row, ready to write."""
    row: Row
    file: str
    sourced_id: str
    given: str
    family: str
    email: str
    username: str
    memberships: list  # sorted [org_id, role]

    @property
    def digest(self) -> str:
        data = [self.given, self.family, self.email, self.memberships]
        return hashlib.sha256(json.dumps(data, separators=(",", ":")).encode()).hexdigest()


class Roster:
    """One import into ``owner``. ``progress(result)`` is called after every batch (the run's progress bar)."""

    def __init__(self, *, owner: Organization, grantable: Iterable[str], dry_run: bool = False,
                 progress: Callable[[Result], None] | None = None, protect_user_id: int | None = None):
        self.owner, self.dry_run = owner, dry_run
        self.grantable = set(grantable)
        self.progress = progress or (lambda result: None)
        self.protect_user_id = protect_user_id
        self.result = Result()
        self.org_ids: dict[str, int] = dict(
            RosterOrganization.objects.filter(owner=owner).values_list("sourced_id", "organization_id"))
        self.kinds: dict[int, tuple[str, int | None]] = {}
        self.seen: set[str] = set()
        self.rejected: set[str] = set()  # people whose role rows had problems: never taken for leavers
        self.roles_read = False
        self.batch: list[Person] = []
        self.known: dict[str, tuple[int, int, str, bool]] = {
            sid: (pk, user_id, digest, active) for pk, sid, user_id, digest, active in
            RosteredPerson.objects.filter(owner=owner).values_list("pk", "sourced_id", "user_id", "digest", "active")}

    # --- reporting ---------------------------------------------------------------------------------------------
    def problem(self, file: str, row: int | None, column: str, message: str) -> None:
        self.result.errors += 1
        self.result.problems.append((file, row, column, message))

    def _load_kinds(self) -> None:
        ids = {self.owner.pk, *self.org_ids.values()}
        frontier = {self.owner.pk}
        while frontier:  # the owner's own tree: its slugs are valid "org" values of the simple CSV
            frontier = set(Organization.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
            ids |= frontier
        self.kinds = {pk: (kind, parent) for pk, kind, parent in
                      Organization.objects.filter(pk__in=ids).values_list("pk", "kind", "parent_id")}

    # --- OneRoster ---------------------------------------------------------------------------------------------
    def import_bundle(self, path: Path) -> Result:
        bundle = Bundle(path)
        try:
            mode = self._manifest(bundle)
            if bundle.has("orgs.csv"):
                with bundle.open("orgs.csv") as stream:
                    self._orgs(stream)
            self._load_kinds()
            if not bundle.has("users.csv"):
                self.problem("users.csv", None, "", _("the bundle has no users.csv: no person was imported"))
                return self.result
            with bundle.open("users.csv") as stream:
                self.result.total = count_rows(stream)
            staff = None
            if bundle.has("roles.csv"):
                with bundle.open("roles.csv") as stream:
                    staff = self._roles(stream)
            with bundle.open("users.csv") as stream:
                complete = self._users(stream, staff) and (staff is None or self.roles_read)
            self._flush()
            self.result.processed = self.result.total
            if mode == "bulk" and complete:
                self._deactivate_absent()
        finally:
            bundle.close()
        return self.result

    def _manifest(self, bundle: Bundle) -> str:
        """'bulk' (people missing from users.csv have left) or 'delta' (only rows marked tobedeleted leave)."""
        if not bundle.has("manifest.csv"):
            return "bulk"
        values = {}
        with bundle.open("manifest.csv") as stream:
            for row in read_rows(stream, "manifest.csv", self.problem, required=("propertyName", "value")):
                values[row.values["propertyName"].lower()] = row.values["value"].lower()
        version = values.get("oneroster.version", "")
        if version and version not in ("1.0", "1.1", "1.2"):
            self.problem("manifest.csv", None, "oneroster.version", _("OneRoster version %(version)s is not supported") % {"version": version[:20]})
        return "delta" if values.get("file.users") == "delta" else "bulk"

    def _orgs(self, stream) -> None:
        rows = {}
        for row in read_rows(stream, "orgs.csv", self.problem, required=("sourcedId", "name", "type")):
            v = row.values
            sid, name, kind = v["sourcedId"], v["name"], v["type"].lower()
            column = ("sourcedId" if not sid or len(sid) > ID_LIMIT else "name" if not name or len(name) > 200
                      or looks_like_formula(name) else "type" if kind not in ORG_KINDS else "")
            if column:
                self.problem("orgs.csv", row.number, column, _("the %(column)s is missing, too long or not allowed") % {"column": column}
                             if column != "type" else _("unknown organization type “%(type)s”") % {"type": v["type"][:40]})
                continue
            if sid in rows:
                self.problem("orgs.csv", row.number, "sourcedId", _("duplicate sourcedId (first one kept)"))
                continue
            rows[sid] = (name, ORG_KINDS[kind], v.get("parentSourcedId", ""), row.number)
        # The bundle's top organization of the owner's own kind is the owner itself (a district importing its
        # own OneRoster export); every other organization becomes a child of the owner (or of its parent).
        for sid, (name, kind, parent, number) in rows.items():
            if sid not in self.org_ids and kind == self.owner.kind and parent not in rows:
                self.org_ids[sid] = self.owner.pk
                if not self.dry_run:
                    RosterOrganization.objects.get_or_create(owner=self.owner, sourced_id=sid,
                                                             defaults={"organization": self.owner})
        pending = dict(rows)
        while pending:
            ready = {s: r for s, r in pending.items() if r[2] not in pending or r[2] == s}
            if not ready:  # a cycle of parents: reported, left out
                for sid, (*_rest, number) in pending.items():
                    self.problem("orgs.csv", number, "parentSourcedId", _("the parents of this organization form a cycle"))
                break
            for sid, (name, kind, parent, number) in ready.items():
                pending.pop(sid)
                self._org(sid, name, kind, self.org_ids.get(parent) or self.owner.pk)

    def _org(self, sid: str, name: str, kind: str, parent_id: int) -> None:
        org_id = self.org_ids.get(sid)
        if org_id == self.owner.pk:
            return
        if org_id is None:
            self.result.organizations_created += 1
            if self.dry_run:
                self.org_ids[sid] = -len(self.org_ids) - 1  # stands for the organization it would create
                return
            base = slugify(f"{self.owner.slug}-{name}")[:70] or "org"
            slug, n = base, 1
            while Organization.objects.filter(slug=slug).exists():
                n += 1
                slug = f"{base[:70]}-{n}"
            org = Organization.objects.create(name=name, slug=slug, kind=kind, parent_id=parent_id,
                                              state=self.owner.state, locale=self.owner.locale)
            RosterOrganization.objects.create(owner=self.owner, sourced_id=sid, organization=org)
            self.org_ids[sid] = org.pk
            return
        if org_id < 0:
            return
        changed = Organization.objects.filter(pk=org_id).exclude(name=name, kind=kind, parent_id=parent_id)
        if changed.exists():
            self.result.organizations_updated += 1
            if not self.dry_run:
                changed.update(name=name, kind=kind, parent_id=parent_id)

    def _roles(self, stream) -> dict[str, list]:
        """userSourcedId → sorted [org_id, role] of its staff roles. Students' and guardians' rows keep nothing."""
        staff: dict[str, set] = {}
        for row in read_rows(stream, "roles.csv", self.problem, required=("userSourcedId", "role", "orgSourcedId")):
            self.roles_read = True
            v = row.values
            role = v["role"].lower()
            if role in SKIPPED_ROLES or v.get("status", "").lower() == "tobedeleted":
                continue
            granted = self._granted(role, "roles.csv", row.number)
            if granted is None:
                self.rejected.add(v["userSourcedId"])
                continue
            org_id = self.org_ids.get(v["orgSourcedId"])
            if org_id is None:
                self.problem("roles.csv", row.number, "orgSourcedId", _("unknown organization (not in orgs.csv)"))
                self.rejected.add(v["userSourcedId"])
                continue
            staff.setdefault(v["userSourcedId"], set()).add((org_id, granted))
        return {sid: sorted([list(m) for m in ms]) for sid, ms in staff.items()}

    def _granted(self, role: str, file: str, number: int) -> str | None:
        granted = policy.roster_role(role)
        if granted is None:
            self.problem(file, number, "role", _("unknown role “%(role)s”") % {"role": role[:40]})
            return None
        if granted not in self.grantable:
            self.problem(file, number, "role", _("you may not give the role “%(role)s” in this organization") % {"role": granted})
            return None
        return granted

    def _users(self, stream, staff: dict | None) -> bool:
        """Read users.csv; True if it could be read to the end (only then are absent people deactivated)."""
        required = ("sourcedId", "givenName", "familyName") + (() if staff is not None else ("role", "orgSourcedIds"))
        header_ok = False
        for row in read_rows(stream, "users.csv", self.problem, required=required):
            header_ok = True
            self.result.processed = row.number - 1  # rows read so far (the progress bar)
            v = row.values
            sid = v["sourcedId"]
            if staff is not None:
                memberships = staff.get(sid)
                if memberships is None and sid in self.rejected:
                    self.seen.add(sid)  # their role rows had problems (reported): not a leaver
                    continue
                if memberships is None:
                    self._skip(row)  # no staff role: a student, parent or guardian
                    continue
            else:
                role = v["role"].lower()
                if role in SKIPPED_ROLES:
                    self._skip(row)
                    continue
                granted = self._granted(role, "users.csv", row.number)
                if granted is None:
                    self.seen.add(sid)
                    continue
                memberships, unknown = set(), False
                for org_sid in filter(None, (s.strip() for s in v["orgSourcedIds"].split(","))):
                    org_id = self.org_ids.get(org_sid)
                    if org_id is None:
                        unknown = True
                    else:
                        memberships.add((org_id, granted))
                if unknown or not memberships:
                    self.seen.add(sid)
                    self.problem("users.csv", row.number, "orgSourcedIds", _("unknown organization (not in orgs.csv)"))
                    continue
                memberships = sorted([list(m) for m in memberships])
            if v.get("status", "").lower() == "tobedeleted" or v.get("enabledUser", "true").lower() == "false":
                self._leaving(sid)
                continue
            self._person(row, "users.csv", sid, v["givenName"], v["familyName"], v.get("email", ""),
                         v.get("username", ""), memberships, id_column="sourcedId")
        return header_ok  # an empty or unreadable users.csv says nothing about who left: nobody is deactivated

    def _skip(self, row: Row) -> None:
        self.result.skipped += 1

    # --- the simple CSV ----------------------------------------------------------------------------------------
    def import_simple_csv(self, path: Path) -> Result:
        self._load_kinds()
        slugs = dict(Organization.objects.filter(pk__in=self.kinds).values_list("slug", "pk"))
        with open(path, "rb") as stream:
            self.result.total = count_rows(stream)
        complete = False
        with open(path, "rb") as stream:
            for row in read_rows(stream, "roster.csv", self.problem,
                                 required=("sourced_id", "email", "given_name", "family_name", "role", "org")):
                complete = True
                self.result.processed = row.number - 1
                v = row.values
                role = v["role"].lower()
                if role in SKIPPED_ROLES:
                    self._skip(row)
                    continue
                granted = self._granted(role, "roster.csv", row.number)
                org_id = self.org_ids.get(v["org"]) or slugs.get(v["org"])
                if granted is None:
                    self.seen.add(v["sourced_id"])
                    continue
                if org_id is None:
                    self.seen.add(v["sourced_id"])
                    self.problem("roster.csv", row.number, "org", _("unknown organization (a sourcedId of your roster or a slug of your organizations)"))
                    continue
                self._person(row, "roster.csv", v["sourced_id"], v["given_name"], v["family_name"], v["email"], "",
                             [[org_id, granted]], id_column="sourced_id")
        self._flush()
        self.result.processed = self.result.total
        if complete:  # at least one row read: an empty or unreadable file deactivates nobody
            self._deactivate_absent()
        return self.result

    # --- people ------------------------------------------------------------------------------------------------
    def _person(self, row: Row, file: str, sid: str, given: str, family: str, email: str, username: str,
                memberships: list, *, id_column: str) -> None:
        names = {"givenName": given, "familyName": family} if file == "users.csv" else {"given_name": given, "family_name": family}
        if not sid or len(sid) > ID_LIMIT:
            self.problem(file, row.number, id_column, _("the sourcedId is missing or longer than 255 characters"))
            return
        if sid in self.seen:
            self.problem(file, row.number, id_column, _("duplicate sourcedId (the first row was kept)"))
            return
        self.seen.add(sid)
        for column, value in names.items():
            if not value or len(value) > NAME_LIMIT:
                self.problem(file, row.number, column, _("the name is missing or longer than %(max)s characters") % {"max": NAME_LIMIT})
                return
            if looks_like_formula(value):
                self.problem(file, row.number, column, _("the text starts with = + - or @ (a spreadsheet formula): refused"))
                return
        if email:
            try:
                if len(email) > EMAIL_LIMIT:
                    raise ValidationError("too long")
                validate_email(email)
            except ValidationError:
                self.problem(file, row.number, "email", _("not a valid e-mail address"))
                return
        if looks_like_formula(username) or len(username) > NAME_LIMIT:
            username = ""
        self.batch.append(Person(row, file, sid, given, family, email, username, memberships))
        if len(self.batch) >= BATCH:
            self._flush()

    def _leaving(self, sid: str) -> None:
        """A row that says the person has left (delta 'tobedeleted', enabledUser false): deactivated if known."""
        known = self.known.get(sid)
        if known and known[3]:
            self._deactivate([known[0]])

    def _flush(self) -> None:
        batch, self.batch = self.batch, []
        if batch:
            new = [p for p in batch if p.sourced_id not in self.known]
            changed = [p for p in batch if p.sourced_id in self.known and
                       (self.known[p.sourced_id][2] != p.digest or not self.known[p.sourced_id][3])]
            self.result.unchanged += len(batch) - len(new) - len(changed)
            self.result.created += len(new)
            self.result.updated += len(changed)
            if not self.dry_run:
                with transaction.atomic():
                    self._create(new)
                    self._update(changed)
                    accounts_services.people_changed()  # bulk writes send no signals
        self.progress(self.result)

    def _create(self, people: list[Person]) -> None:
        if not people:
            return
        # Someone the organization's system already named (single sign-on), or with the same e-mail address, is
        # the same person: they keep their account.
        by_sid = dict(PersonSourcedId.objects.filter(organization=self.owner, sourced_id__in=[p.sourced_id for p in people])
                      .values_list("sourced_id", "user_id"))
        emails = [p.email for p in people if p.email and p.sourced_id not in by_sid]
        by_email: dict[str, int | None] = {}
        for user_id, email in User.objects.filter(policy.roster_may_touch(), email__in=emails).values_list("pk", "email"):
            by_email[email] = None if email in by_email else user_id  # two accounts: neither is guessed
        users, fresh = {}, []
        for p in people:
            user_id = by_sid.get(p.sourced_id) or by_email.get(p.email)
            if user_id:
                users[p.sourced_id] = user_id
            else:
                fresh.append(p)
        if fresh:
            wanted = {p.sourced_id: self._username(p) for p in fresh}
            taken = set(User.objects.filter(username__in=wanted.values()).values_list("username", flat=True))
            created = []
            for p in fresh:
                name = wanted[p.sourced_id]
                if name in taken:
                    name = f"{name[:130]}-{secrets.token_hex(4)}"
                taken.add(name)
                created.append(User(username=name, email=p.email, first_name=p.given, last_name=p.family,
                                    password=make_password(None)))
            User.objects.bulk_create(created)
            for p, user in zip(fresh, created):
                users[p.sourced_id] = user.pk
        PersonSourcedId.objects.bulk_create(
            [PersonSourcedId(user_id=users[p.sourced_id], organization=self.owner, sourced_id=p.sourced_id)
             for p in people if p.sourced_id not in by_sid], ignore_conflicts=True)
        entries = [RosteredPerson(owner=self.owner, user_id=users[p.sourced_id], sourced_id=p.sourced_id,
                                  digest=p.digest, memberships=p.memberships) for p in people]
        RosteredPerson.objects.bulk_create(entries)
        for p, entry in zip(people, entries):
            self.known[p.sourced_id] = (entry.pk, entry.user_id, p.digest, True)
        Membership.objects.bulk_create(
            [Membership(user_id=users[p.sourced_id], organization_id=org_id, role=role)
             for p in people for org_id, role in p.memberships], ignore_conflicts=True)
        EducatorProfile.objects.bulk_create(
            [EducatorProfile(user_id=users[p.sourced_id], **self._places(p.memberships)) for p in fresh],
            ignore_conflicts=True)
        fresh_ids = {p.sourced_id for p in fresh}
        User.objects.filter(pk__in=[users[p.sourced_id] for p in people if p.sourced_id not in fresh_ids],
                            is_active=False).update(is_active=True)

    def _places(self, memberships: list) -> dict:
        """The school and district an educator's profile starts with, from their roster organizations."""
        places: dict = {}
        for org_id, _role in memberships:
            kind, parent = self.kinds.get(org_id, ("", None))
            if kind == Organization.Kind.SCHOOL and "school_id" not in places:
                places["school_id"] = org_id
                if parent and self.kinds.get(parent, ("",))[0] == Organization.Kind.DISTRICT:
                    places.setdefault("district_id", parent)
            elif kind == Organization.Kind.DISTRICT:
                places.setdefault("district_id", org_id)
        return places

    def _username(self, p: Person) -> str:
        return (p.username or p.email or f"{self.owner.slug}.{slugify(p.sourced_id)[:60] or 'person'}")[:150]

    def _update(self, people: list[Person]) -> None:
        if not people:
            return
        entries = {e.sourced_id: e for e in RosteredPerson.objects.filter(
            owner=self.owner, sourced_id__in=[p.sourced_id for p in people])}
        users = User.objects.in_bulk([e.user_id for e in entries.values()])
        for p in people:
            entry = entries[p.sourced_id]
            user = users[entry.user_id]
            old = {tuple(m) for m in entry.memberships} if entry.active else set()  # ended when they left
            new = {tuple(m) for m in p.memberships}
            self._end_memberships(user.pk, old - new)
            Membership.objects.bulk_create([Membership(user=user, organization_id=o, role=r) for o, r in new - old],
                                           ignore_conflicts=True)
            user.first_name, user.last_name, user.is_active = p.given, p.family, True
            if p.email:
                user.email = p.email
            entry.digest, entry.memberships, entry.active = p.digest, p.memberships, True
            self.known[p.sourced_id] = (entry.pk, entry.user_id, p.digest, True)
        User.objects.bulk_update(users.values(), ["first_name", "last_name", "email", "is_active"])
        RosteredPerson.objects.bulk_update(entries.values(), ["digest", "memberships", "active"])

    @staticmethod
    def _end_memberships(user_id: int, pairs) -> None:
        if pairs:
            query = Q()
            for org_id, role in pairs:
                query |= Q(organization_id=org_id, role=role)
            Membership.objects.filter(Q(user_id=user_id) & query).delete()

    # --- leaving -------------------------------------------------------------------------------------------------
    def _deactivate_absent(self) -> None:
        gone = [pk for sid, (pk, _user, _digest, active) in self.known.items() if active and sid not in self.seen]
        for start in range(0, len(gone), BATCH):
            self._deactivate(gone[start:start + BATCH])
        self.progress(self.result)

    def _deactivate(self, entry_ids: list[int]) -> None:
        """End the memberships the roster gave; the account becomes inactive when it holds no other membership.
        Nothing is deleted: credentials, attempts and evidence stay."""
        self.result.deactivated += len(entry_ids)
        if self.dry_run:
            return
        with transaction.atomic():
            entries = list(RosteredPerson.objects.filter(pk__in=entry_ids, active=True))
            for entry in entries:
                self._end_memberships(entry.user_id, {tuple(m) for m in entry.memberships})
                entry.active = False
                self.known[entry.sourced_id] = (entry.pk, entry.user_id, entry.digest, False)
            RosteredPerson.objects.bulk_update(entries, ["active"])
            (User.objects.filter(policy.roster_may_touch(), pk__in=[e.user_id for e in entries])
             .exclude(pk=self.protect_user_id).exclude(memberships__isnull=False).update(is_active=False))
            accounts_services.people_changed()  # bulk writes send no signals
