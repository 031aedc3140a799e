"""The expertise finder: who, among the educators of the organizations a leader manages, holds given micro-credentials
or the micro-credentials of a stack — only people who chose to be findable. And, for an earner, who offered to mentor
earners of the micro-credentials they are working on."""
from __future__ import annotations

from collections import defaultdict

from django.db.models import Exists, OuterRef, Q

from microcred.accounts import policy
from microcred.accounts.models import Membership, User
from microcred.catalog.models import MicroCredential, Stack, StackItem
from microcred.credentials.models import IssuedCredential
from microcred.earning.models import Attempt

MAX_RESULTS = 200


def _in_organizations(ids) -> Q:
    if ids is None:
        return Q()
    member = Membership.objects.filter(user_id=OuterRef("pk"), organization_id__in=ids)
    return Q(Exists(member)) | Q(educator_profile__district_id__in=ids) | Q(educator_profile__school_id__in=ids)


def micro_credentials_of(stack: Stack) -> list[int]:
    return list(StackItem.objects.filter(stack=stack, micro_credential__isnull=False)
                .values_list("micro_credential_id", flat=True))


def find_holders(user, *, micro_credentials: list[MicroCredential] = (), stack: Stack | None = None) -> list[dict]:
    """Findable educators of ``user``'s organizations holding (an active credential of) any of the MCs asked for,
    most held first: [{"person", "held": [MC titles], "count", "of", "mentors"}]. Empty for people who may not search."""
    if not policy.can_search_expertise(user):
        return []
    wanted = {m.pk for m in micro_credentials}
    if stack is not None:
        wanted |= set(micro_credentials_of(stack))
    if not wanted:
        return []
    people = (User.objects.filter(is_active=True, findability__findable=True)
              .filter(_in_organizations(policy.expertise_organization_ids(user))))
    held = defaultdict(set)
    for earner, mc in (IssuedCredential.objects.filter(earner__in=people, version__micro_credential_id__in=wanted,
                                                       revoked_at__isnull=True, suspended_at__isnull=True)
                       .values_list("earner_id", "version__micro_credential_id").order_by()[:MAX_RESULTS * 20]):
        held[earner].add(mc)
    names = {m.pk: str(m) for m in MicroCredential.objects.filter(pk__in=wanted).select_related("current_version")}
    found = User.objects.filter(pk__in=list(held)).select_related("findability").order_by("last_name", "first_name")
    rows = [{"person": p, "held": sorted(names[m] for m in held[p.pk]), "count": len(held[p.pk]), "of": len(wanted),
             "mentors": p.findability.offers_mentoring} for p in found[:MAX_RESULTS]]
    rows.sort(key=lambda r: -r["count"])
    return rows


def mentors_for(earner) -> list[dict]:
    """For each MC ``earner`` is working on (an open attempt), the educators who hold it and offered to mentor."""
    open_mcs = list(Attempt.objects.filter(earner=earner, state__in=["draft", "submitted", "not_yet"])
                    .values_list("micro_credential_id", flat=True))
    if not open_mcs:
        return []
    pairs = (IssuedCredential.objects.filter(version__micro_credential_id__in=open_mcs, revoked_at__isnull=True, suspended_at__isnull=True,
                                             earner__findability__offers_mentoring=True, earner__is_active=True)
             .exclude(earner=earner).values_list("version__micro_credential_id", "earner_id").order_by()[:500])
    by_mc = defaultdict(set)
    for mc, person in pairs:
        by_mc[mc].add(person)
    people = User.objects.in_bulk({p for ps in by_mc.values() for p in ps})
    names = {m.pk: str(m) for m in MicroCredential.objects.filter(pk__in=list(by_mc)).select_related("current_version")}
    return [{"micro_credential": names[mc], "mentors": sorted((people[p] for p in ps), key=lambda u: u.get_full_name())}
            for mc, ps in by_mc.items()]
