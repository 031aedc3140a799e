"""Every read of analytics: which dashboards a person may open, and the figures of one dashboard (funnel, demand,
breakdowns by school attributes), aggregated in the database and suppressed (microcred/core/suppression.py) before
anything leaves this module. A fixed number of queries whatever the number of educators."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred.accounts import policy
from microcred.accounts.models import Membership, Organization
from microcred.catalog.models import MicroCredential
from microcred.core import suppression
from microcred.earning.models import Attempt, Decision, PlanItem, Submission

from .models import SchoolProfile

KINDS = {"district": gettext_lazy("District"), "state": gettext_lazy("State (recognizer)"),
         "issuer": gettext_lazy("Issuer"), "platform": gettext_lazy("Platform")}
PERIODS = {"3m": 3, "12m": 12, "36m": 36, "all": None}
TOP_MCS = 10


@dataclass
class Dashboard:
    kind: str
    organization: Organization | None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.organization.slug}" if self.organization else self.kind

    @property
    def label(self) -> str:
        name = self.organization.name if self.organization else _("every organization")
        return _("%(kind)s: %(name)s") % {"kind": KINDS[self.kind], "name": name}


@dataclass
class Filters:
    period: str = "12m"
    mc: MicroCredential | None = None
    locale: str = ""
    title_i: str = ""  # "yes" | "no" | ""
    high_need: str = ""
    organization: Organization | None = None  # an organization's educators only (within the dashboard's own)
    stack: object = None  # a catalog Stack: attempts on its micro-credentials only

    def signature(self) -> str:
        """The filters as a normalized query string: the key of the dashboard's snapshot for these filters."""
        from urllib.parse import urlencode

        values = {"period": self.period, "mc": self.mc.slug if self.mc else "",
                  "stack": getattr(self.stack, "slug", "") if self.stack is not None else "",
                  "organization": self.organization.slug if self.organization is not None else "",
                  "locale": self.locale, "title_i": self.title_i, "high_need": self.high_need}
        return urlencode(sorted((k, v) for k, v in values.items() if v))

    def since(self):
        months = PERIODS.get(self.period)
        return None if months is None else timezone.now() - dt.timedelta(days=round(months * 30.44))


def dashboards_for(user) -> list[Dashboard]:
    """The dashboards ``user`` may open, platform first, then state, district and issuer ones (three queries)."""
    allowed = policy.analytics_organization_ids(user)
    out: list[Dashboard] = []
    if policy.can_view_platform_dashboard(user):
        out.append(Dashboard("platform", None))
    kinds = (("state", Organization.Kind.STATE_AGENCY), ("district", None), ("issuer", None))
    for kind, only_kind in kinds:
        ids = allowed[kind]
        qs = Organization.objects.all() if ids is None else Organization.objects.filter(pk__in=ids)
        if kind == "state":
            qs = qs.filter(kind=only_kind) if ids is None else qs
        elif kind == "district":
            # a state's own figures are its state dashboard; its districts are reached through the filter
            qs = qs.filter(kind__in=(Organization.Kind.DISTRICT, Organization.Kind.SCHOOL))
            if ids is None:
                qs = qs.filter(kind=Organization.Kind.DISTRICT)
            else:
                # the top of each subtree the person holds (a district admin's district, not each of its schools)
                qs = qs.exclude(parent_id__in=ids)
        else:
            qs = qs.filter(owned_micro_credentials__isnull=False).distinct() if ids is None else qs
        out.extend(Dashboard(kind, o) for o in qs.order_by("name"))
    return out


def dashboard_for(user, kind: str, slug: str | None) -> Dashboard | None:
    """The dashboard named by the URL, or None when it does not exist or ``user`` may not open it (a 404)."""
    if kind == "platform":
        return Dashboard("platform", None) if policy.can_view_platform_dashboard(user) else None
    org = Organization.objects.filter(slug=slug).first() if slug else None
    if org is None:
        return None
    rule = {"district": policy.can_view_district_dashboard, "state": policy.can_view_state_dashboard,
            "issuer": policy.can_view_issuer_dashboard}.get(kind)
    return Dashboard(kind, org) if rule and rule(user, org) else None


def filter_organization(dashboard: Dashboard, slug: str) -> Organization | None:
    """The organization a filter names, if it is the dashboard's own or below it (any, for issuer and platform
    dashboards, whose figures already cover everyone); None otherwise — nobody filters their way into another
    district's figures."""
    org = Organization.objects.filter(slug=slug).first()
    if org is None or dashboard.kind in ("issuer", "platform"):
        return org
    return org if org.pk in _subtree_ids(dashboard.organization) else None


def _subtree_ids(org: Organization) -> set[int]:
    ids, frontier = {org.pk}, {org.pk}
    while frontier:  # state > district > school: one query per level
        frontier = set(Organization.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        ids |= frontier
    return ids


def earner_scope(dashboard: Dashboard, prefix: str = "earner__") -> Q:
    """The educators a place-based dashboard covers: profile district or school in the subtree, a membership there,
    or (state agencies) a profile naming the state. Issuer and platform dashboards cover everyone."""
    if dashboard.kind in ("platform", "issuer"):
        return Q()
    ids = _subtree_ids(dashboard.organization)
    member = Membership.objects.filter(user_id=OuterRef(f"{prefix}pk" if prefix else "pk"), organization_id__in=ids)
    q = (Q(**{f"{prefix}educator_profile__district_id__in": ids}) | Q(**{f"{prefix}educator_profile__school_id__in": ids})
         | Exists(member))
    if dashboard.organization.kind == Organization.Kind.STATE_AGENCY and dashboard.organization.state:
        q |= Q(**{f"{prefix}educator_profile__state": dashboard.organization.state})
    return q


def platform_size() -> int:
    """How many attempts the platform holds (cached five minutes): the cost of computing a dashboard now grows with it."""
    from django.core.cache import cache

    return cache.get_or_set("analytics:platform-size", Attempt.objects.count, 300)


def attempts(dashboard: Dashboard, filters: Filters):
    qs = Attempt.objects.filter(earner_scope(dashboard))
    if dashboard.kind == "issuer":
        qs = qs.filter(micro_credential__owner=dashboard.organization)
    since = filters.since()
    if since:
        qs = qs.filter(started_at__gte=since)
    if filters.mc:
        qs = qs.filter(micro_credential=filters.mc)
    if filters.organization is not None:
        qs = qs.filter(earner_scope(Dashboard("district", filters.organization)))
    if filters.stack is not None:
        qs = qs.filter(micro_credential__stack_items__stack=filters.stack)
    school = "earner__educator_profile__school__school_profile__"
    if filters.locale:
        qs = qs.filter(**{f"{school}locale": filters.locale})
    for name in ("title_i", "high_need"):
        value = getattr(filters, name)
        if value in ("yes", "no"):
            qs = qs.filter(**{f"{school}{name}": value == "yes"})
    return qs


def _percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    index = min(len(values) - 1, max(0, round(p * (len(values) - 1))))
    return values[index]


def _days(delta) -> float:
    return round(delta.total_seconds() / 86400, 1)


def _rate(part, whole) -> int | None:
    """A percentage of two shown counts; not shown when either count is suppressed or the base is 0."""
    if part is None or whole in (None, 0):
        return None
    return round(100 * part / whole)


def funnel(dashboard: Dashboard, filters: Filters) -> dict:
    """People who started, submitted and earned; not-yet and resubmission rates; time to earn; assessment
    turnaround and backlog. Counts are people (distinct educators) and suppressed; times need k people too."""
    qs = attempts(dashboard, filters)
    k = suppression.threshold()
    people = qs.aggregate(
        started=Count("earner", distinct=True),
        submitted=Count("earner", distinct=True, filter=Q(submitted_at__isnull=False)),
        earned=Count("earner", distinct=True, filter=Q(state=Attempt.State.EARNED)),
        not_yet_people=Count("earner", distinct=True, filter=Q(submissions__decision__result=Decision.Result.NOT_YET)),
        resubmitted=Count("earner", distinct=True, filter=Q(submissions__number__gte=2)),
        backlog=Count("submissions", distinct=True, filter=Q(submissions__state=Submission.State.PENDING)),
    )
    decisions = Decision.objects.filter(submission__attempt__in=qs.values("pk"))
    by_result = dict(decisions.values_list("result").annotate(n=Count("pk")).order_by())
    cells = {"started": people["started"], "submitted": people["submitted"], "earned": people["earned"]}
    shown = suppression.suppress(cells)
    earned_times = [_days(d) for d in qs.filter(state=Attempt.State.EARNED, decided_at__isnull=False)
                    .annotate(t=F("decided_at") - F("started_at")).values_list("t", flat=True) if d is not None]
    turnaround = [_days(d) for d in decisions.annotate(t=F("decided_at") - F("submission__submitted_at"))
                  .values_list("t", flat=True) if d is not None]
    decided = sum(by_result.values())
    times_shown = len(earned_times) >= k
    turnaround_shown = len(turnaround) >= k
    return {
        "stages": [{"key": "started", "label": _("Started"), "value": shown["started"]},
                   {"key": "submitted", "label": _("Submitted"), "value": shown["submitted"]},
                   {"key": "earned", "label": _("Earned"), "value": shown["earned"]}],
        "not_yet_rate": _rate(by_result.get(Decision.Result.NOT_YET, 0), decided) if decided >= k else None,
        "resubmission_rate": (_rate(suppression.suppress_count(people["resubmitted"]), shown["submitted"])
                              if people["resubmitted"] == 0 or people["resubmitted"] >= k else None),
        "time_to_earn_median": _percentile(earned_times, 0.5) if times_shown else None,
        "time_to_earn_p90": _percentile(earned_times, 0.9) if times_shown else None,
        "turnaround_median": _percentile(turnaround, 0.5) if turnaround_shown else None,
        "turnaround_p90": _percentile(turnaround, 0.9) if turnaround_shown else None,
        "backlog": people["backlog"],  # submissions waiting: counts work, not people
        "decisions": decided,
    }


def demand(dashboard: Dashboard, filters: Filters) -> dict:
    """Which MCs educators choose (start) and finish (earn), the top ones, and by month; stacks chosen in growth
    plans. People counts, suppressed with their totals."""
    qs = attempts(dashboard, filters)
    rows = list(qs.values("micro_credential").annotate(
        chose=Count("earner", distinct=True),
        finished=Count("earner", distinct=True, filter=Q(state=Attempt.State.EARNED))).order_by("-chose")[:TOP_MCS])
    names = {m.pk: str(m) for m in MicroCredential.objects.filter(pk__in=[r["micro_credential"] for r in rows])
             .select_related("current_version")}
    mc_rows, _t = suppression.suppress_rows(
        [{"label": names.get(r["micro_credential"], ""), "chose": r["chose"], "finished": r["finished"]} for r in rows],
        ["chose", "finished"], total_column="chose")
    months = list(qs.annotate(month=TruncMonth("started_at")).values("month").annotate(
        chose=Count("earner", distinct=True),
        finished=Count("earner", distinct=True, filter=Q(state=Attempt.State.EARNED))).order_by("month"))
    month_rows, _t = suppression.suppress_rows(
        [{"label": m["month"].strftime("%Y-%m") if m["month"] else "", "chose": m["chose"], "finished": m["finished"]}
         for m in months], ["chose", "finished"], total_column="chose")
    return {"micro_credentials": mc_rows, "months": month_rows, "stacks": demand_stacks(dashboard, filters, qs),
            "competencies": _demand_by(qs, "version__alignments", _("No alignment recorded")),
            "subjects": _demand_by(qs, "version__subjects", _("No subject recorded")),
            "grade_bands": _demand_by(qs, "version__grade_bands", _("No grade band recorded"))}


def _demand_by(qs, relation: str, none_label: str) -> list[dict]:
    """Educators who chose (started) and finished (earned) an MC whose version has each value of ``relation`` (CASE
    alignments of the whole competency, subjects, grade bands): one query, the TOP_MCS largest groups. An MC may
    carry several values, so groups overlap and have no shown total; each row is suppressed with what it leaves out
    (chose but not finished)."""
    if relation == "version__alignments":
        qs = qs.filter(Q(version__alignments__isnull=True) | Q(version__alignments__criterion__isnull=True))
        keys = [f"{relation}__framework", f"{relation}__code", f"{relation}__name"]
    else:
        keys = [f"{relation}__name"]
    data = list(qs.values(*keys).annotate(
        chose=Count("earner", distinct=True),
        finished=Count("earner", distinct=True, filter=Q(state=Attempt.State.EARNED)))
        .order_by("-chose", *keys)[:TOP_MCS])

    def label(d):
        if d[keys[0]] in (None, ""):
            return none_label
        if relation == "version__alignments":
            framework, code, name = d[keys[0]], d[keys[1]], d[keys[2]]
            return " ".join(part for part in (framework, code, f"· {name}" if name else "") if part)
        return _(d[keys[0]]) if relation == "version__grade_bands" else d[keys[0]]

    rows, _t = suppression.suppress_rows([{"label": label(d), "chose": d["chose"], "finished": d["finished"]}
                                          for d in data], ["chose", "finished"], total_column="chose")
    return rows


def demand_stacks(dashboard: Dashboard, filters: Filters, qs=None) -> list[dict]:
    """Stacks (and pathways) educators choose and finish: ``chose`` counts educators who started any MC of the stack
    (nested stacks included) under the filters; ``finished`` those of them whose MCs earned under the filters (a
    revoked credential does not count) complete the stack by its rule (catalog.selectors.stack_progress);
    ``planned`` educators who put the stack on a growth plan. The TOP_MCS most chosen; a fixed number of queries
    whatever the number of educators (one per shown stack for ``finished``)."""
    from microcred.catalog.models import Stack
    from microcred.catalog.selectors import stack_items_by_stack, stack_progress
    from microcred.earning.models import CredentialStanding

    qs = attempts(dashboard, filters) if qs is None else qs
    stacks = Stack.objects.exclude(state=Stack.State.DRAFT)
    if dashboard.kind == "issuer":
        stacks = stacks.filter(owner=dashboard.organization)
    if filters.stack is not None:
        stacks = stacks.filter(pk=filters.stack.pk)
    stacks = list(stacks.order_by("title")[:200])
    items = stack_items_by_stack([s.pk for s in stacks])

    def members(stack_id, depth=0) -> set[int]:
        found = set()
        for item in items.get(stack_id, []):
            if item.micro_credential_id:
                found.add(item.micro_credential_id)
            elif depth < 10:
                found |= members(item.child_stack_id, depth + 1)
        return found

    closure = {s.pk: members(s.pk) for s in stacks}
    chose = qs.aggregate(**{f"s{pk}": Count("earner", distinct=True, filter=Q(micro_credential_id__in=mcs))
                            for pk, mcs in closure.items() if mcs}) if any(closure.values()) else {}
    plans = PlanItem.objects.filter(stack_id__in=[s.pk for s in stacks]).filter(earner_scope(dashboard, "plan__earner__"))
    since = filters.since()
    if since:
        plans = plans.filter(created_at__gte=since)
    planned = dict(plans.values("stack").annotate(n=Count("plan__earner", distinct=True)).values_list("stack", "n"))
    ranked = sorted(stacks, key=lambda s: (-(chose.get(f"s{s.pk}") or 0), -planned.get(s.pk, 0), s.title))
    ranked = [s for s in ranked if chose.get(f"s{s.pk}") or planned.get(s.pk)][:TOP_MCS]
    earned = qs.filter(state=Attempt.State.EARNED).exclude(
        credential_standing__state=CredentialStanding.State.REVOKED)
    rows = []
    for stack in ranked:
        finished = 0
        if chose.get(f"s{stack.pk}"):
            mine = earned.filter(micro_credential_id__in=closure[stack.pk]).order_by()
            flat = all(item.micro_credential_id for item in items.get(stack.pk, []))
            if flat and stack.rule in (Stack.Rule.ALL_OF, Stack.Rule.SEQUENCE, Stack.Rule.N_OF_M):
                # earned every MC it needs (a sequence is complete when all are done): counted in the database
                count = len(items.get(stack.pk, []))
                needed = min(stack.required_count or count, count) if stack.rule == Stack.Rule.N_OF_M else count
                finished = mine.values("earner").annotate(n=Count("micro_credential", distinct=True)).filter(
                    n__gte=max(needed, 1)).count()
            else:  # slots and nested stacks: each educator's earned MCs through the catalog's own rule
                pairs: dict[int, set[int]] = {}
                for earner, mc in mine.values_list("earner_id", "micro_credential_id").distinct():
                    pairs.setdefault(earner, set()).add(mc)
                finished = sum(1 for mcs in pairs.values()
                               if stack_progress(stack, mcs, items_by_stack=items)["complete"])
        rows.append({"label": stack.title, "chose": chose.get(f"s{stack.pk}") or 0, "finished": finished,
                     "planned": planned.get(stack.pk, 0)})
    shown, _t = suppression.suppress_rows(rows, ["chose", "finished"], total_column="chose")
    planned_shown, _t = suppression.suppress_rows(rows, ["planned"])
    for row, other in zip(shown, planned_shown):
        row["planned"] = other["planned"]
    return shown


def equity(dashboard: Dashboard, filters: Filters) -> dict:
    """Started and earned by the school's locale and Title I status, and by self-reported demographics (only of
    those who consented), each table suppressed with its totals."""
    qs = attempts(dashboard, filters)
    school = "earner__educator_profile__school__school_profile__"
    out = {}
    groups = {
        "locale": (f"{school}locale", dict(Organization.Locale.choices)),
        "title_i": (f"{school}title_i", {True: _("Title I"), False: _("Not Title I")}),
        "race_ethnicity": ("earner__demographics__race_ethnicity", None),
        "gender": ("earner__demographics__gender", None),
    }
    from .models import EducatorDemographics
    labels = {"race_ethnicity": dict(EducatorDemographics.RaceEthnicity.choices),
              "gender": dict(EducatorDemographics.Gender.choices)}
    for key, (path, names) in groups.items():
        names = names or labels[key]
        data = list(qs.values(path).annotate(
            started=Count("earner", distinct=True),
            earned=Count("earner", distinct=True, filter=Q(state=Attempt.State.EARNED))).order_by(path))
        rows = [{"label": str(names.get(d[path], "")) if d[path] not in (None, "") else _("Not known"),
                 "started": d["started"], "earned": d["earned"]} for d in data]
        totals = {"started": sum(r["started"] for r in rows), "earned": sum(r["earned"] for r in rows)}
        shown, shown_totals = suppression.suppress_rows(rows, ["started", "earned"], total_column="started",
                                                         totals=totals)
        for r in shown:
            r["rate"] = _rate(r["earned"], r["started"])
        out[key] = {"rows": shown, "totals": shown_totals}
    return out


def school_attributes_count(organization: Organization) -> int:
    return SchoolProfile.objects.filter(organization_id__in=_subtree_ids(organization)).count()


def importable_organizations(user) -> list[Organization]:
    ids = policy.people_admin_organization_ids(user)
    qs = Organization.objects.all() if ids is None else Organization.objects.filter(pk__in=ids)
    qs = qs.filter(kind__in=(Organization.Kind.DISTRICT, Organization.Kind.STATE_AGENCY, Organization.Kind.SCHOOL))
    return [o for o in qs.order_by("name") if policy.can_import_school_attributes(user, o)]


def recognition(dashboard: Dashboard, filters: Filters) -> list[dict]:
    """Awards made under recognition policies to the dashboard's educators, by kind (credits, endorsement, role,
    pay…): educators awarded (suppressed) and the total amount where the group is shown. Issuers: none."""
    from django.db.models import Sum

    from microcred.recognition.models import Award

    if dashboard.kind == "issuer":
        return []
    qs = Award.objects.filter(earner_scope(dashboard, "educator__"), state=Award.State.ACTIVE)
    since = filters.since()
    if since:
        qs = qs.filter(awarded_at__gte=since)
    data = list(qs.values("kind", "unit").annotate(educators=Count("educator", distinct=True), amount=Sum("amount"))
                .order_by("kind", "unit"))
    rows, _t = suppression.suppress_rows(
        [{"label": f"{d['kind']} ({d['unit']})" if d["unit"] else d["kind"], "educators": d["educators"],
          "amount": d["amount"]} for d in data], ["educators"])
    for r in rows:
        if r["educators"] is None:
            r["amount"] = None
    return rows


def cost(dashboard: Dashboard, filters: Filters) -> list[dict]:
    """Assessment fees recorded for the dashboard's attempts, by who pays (a sponsor, a voucher's sponsor, or the
    educator): educators, fees, micro-credentials earned and fees per earned MC — the ROI inputs. Sums of a hidden
    group are hidden too."""
    from django.db.models import Sum

    qs = attempts(dashboard, filters).filter(fee_amount__isnull=False)
    data = list(qs.values("paid_by_organization__name").annotate(
        educators=Count("earner", distinct=True), fees=Sum("fee_amount"),
        earned=Count("pk", filter=Q(state=Attempt.State.EARNED)), vouchers=Count("voucher", distinct=True))
        .order_by("paid_by_organization__name"))
    rows, _t = suppression.suppress_rows(
        [{"label": d["paid_by_organization__name"] or _("The educator"), "educators": d["educators"],
          "fees": Decimal(d["fees"] or 0).quantize(Decimal("0.01")), "earned": d["earned"], "vouchers": d["vouchers"]}
         for d in data], ["educators"])
    for r in rows:
        if r["educators"] is None:
            r["fees"] = r["earned"] = r["vouchers"] = None
        r["per_earned"] = (r["fees"] / r["earned"]).quantize(Decimal("0.01")) if r["fees"] is not None and r["earned"] else None
    return rows


def cost_by_program(dashboard: Dashboard, filters: Filters) -> list[dict]:
    """Funding by sponsor and program: the same ROI inputs as ``cost`` for each pair of who pays and the program
    the attempt belongs to (its cohort: a district's or state's professional learning program; "No program" for an
    attempt outside any cohort). Sums of a hidden group are hidden too."""
    from django.db.models import Sum

    qs = attempts(dashboard, filters).filter(fee_amount__isnull=False)
    data = list(qs.values("paid_by_organization__name", "cohort__name").annotate(
        educators=Count("earner", distinct=True), fees=Sum("fee_amount"),
        earned=Count("pk", filter=Q(state=Attempt.State.EARNED)), vouchers=Count("voucher", distinct=True))
        .order_by("paid_by_organization__name", "cohort__name"))
    rows, _t = suppression.suppress_rows(
        [{"label": f"{d['paid_by_organization__name'] or _('The educator')} · {d['cohort__name'] or _('No program')}",
          "educators": d["educators"], "fees": Decimal(d["fees"] or 0).quantize(Decimal("0.01")), "earned": d["earned"],
          "vouchers": d["vouchers"]} for d in data], ["educators"])
    for r in rows:
        if r["educators"] is None:
            r["fees"] = r["earned"] = r["vouchers"] = None
        r["per_earned"] = (r["fees"] / r["earned"]).quantize(Decimal("0.01")) if r["fees"] is not None and r["earned"] else None
    return rows


def educator_ids(dashboard: Dashboard, filters: Filters) -> list[int]:
    """The educators with an attempt in the dashboard's scope and filters."""
    return list(attempts(dashboard, filters).order_by().values_list("earner_id", flat=True).distinct())

