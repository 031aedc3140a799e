"""The recognition part of the demo world: recognizers, their policies, educator facts, and evaluated awards.

Every policy is ILLUSTRATIVE, modeled on a practice the seed reports and public sources describe — the numbers
are taken from those descriptions where they give one (South Carolina's 120 renewal credits, Juab's 12 MCs in a
topic area, Kettle Moraine's $100 to $600 base-salary increase, …), the rest are invented for the demo and say
so. None of it is any agency's actual rule.

The demo world is a Tennessee one: its educators work in Cumberland Valley Schools and Riverbend City Schools,
so the Tennessee, Cumberland Valley and Riverbend policies apply to them (progress and awards), and the other
states' policies show what the same credentials would be worth elsewhere (portability).

Idempotent: organizations are looked up by slug, a policy is published only when no version of its slug
exists, facts are set only when missing, and evaluation writes only changes.
"""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from microcred.accounts.models import Organization, User
from microcred.recognition import services
from microcred.recognition.models import EducatorFact, Policy

from . import content

BB, DP, UNIV = content.BB, content.DP, content.UNIV
ALL_ISSUERS = [BB, DP, UNIV]
F = "microcred.policy/1"
ILLUSTRATIVE = "Illustrative demo policy, not an agency's actual rule. "

# New recognizers (the Tennessee agency and the two districts already exist in the demo world).
ORGANIZATIONS = [
    {"slug": "south-carolina-department-of-education", "name": "South Carolina Department of Education (illustrative)",
     "kind": "state_agency", "state": "SC", "website": "https://ed.sc.gov",
     "description": "Illustrative state agency: renewal credits for approved micro-credentials, modeled on the SCDE's "
                    "renewal credits for micro-credentials on collective leadership and student assessment."},
    {"slug": "utah-state-board-of-education", "name": "Utah State Board of Education (illustrative)",
     "kind": "state_agency", "state": "UT", "website": "https://schools.utah.gov",
     "description": "Illustrative state agency that converts micro-credentials into state credit."},
    {"slug": "wyoming-professional-teaching-standards-board", "name": "Wyoming Professional Teaching Standards Board (illustrative)",
     "kind": "state_agency", "state": "WY", "website": "https://wyomingptsb.com",
     "description": "Illustrative licensing board: adds an endorsement for an approved computer-science micro-credential "
                    "stack, modeled on Wyoming's computer-science micro-credential pilot and endorsement rules."},
    {"slug": "arkansas-division-of-elementary-and-secondary-education", "name": "Arkansas Division of Elementary and Secondary Education (illustrative)",
     "kind": "state_agency", "state": "AR", "website": "https://dese.ade.arkansas.gov",
     "description": "Illustrative state agency: Lead and Master Professional Educator designations earned with experience, "
                    "an effective rating and a micro-endorsement stack."},
    {"slug": "kentucky-education-professional-standards-board", "name": "Kentucky Education Professional Standards Board (illustrative)",
     "kind": "state_agency", "state": "KY", "website": "https://www.epsb.ky.gov",
     "description": "Illustrative licensing board: a rank change through a comprehensive micro-credential plan in place "
                    "of continuing-education credits."},
    {"slug": "michigan-department-of-education", "name": "Michigan Department of Education (illustrative)",
     "kind": "state_agency", "state": "MI", "website": "https://www.michigan.gov/mde",
     "description": "Illustrative state agency: principals' annual professional-development hours from micro-credentials "
                    "earned through the principals' association."},
]

SC_RENEWAL = "sc-renewal-credits"


def _policies() -> list[dict]:
    """The demo policy documents, in publishing order (a reciprocity partner before the policy that accepts it)."""
    return [
        {"format": F, "slug": "tn-renewal-pdps", "recognizer": content.SEA, "effective_from": "2020-07-01",
         "title": "Professional license renewal: 60 PDPs (illustrative, Tennessee-style)",
         "description": ILLUSTRATIVE + "Modeled on Tennessee's renewal of a professional license with 60 professional "
                        "development points (PDPs), where one micro-credential counts as 6 PDPs.",
         "approved": {"issuers": ALL_ISSUERS},
         "facts": {"license_type": "text", "years_licensed": "number",
                   "evaluation_rating": ["ineffective", "developing", "effective", "highly_effective"]},
         "rules": [{"kind": "convert", "per_mc": 6, "unit": "PDP"},
                   {"kind": "eligibility", "fact": "license_type", "op": "==", "value": "professional"},
                   {"kind": "threshold", "unit": "PDP", "min": 60}],
         "outcomes": [{"key": "renewal", "kind": "credits", "name": "PDPs toward professional license renewal", "unit": "PDP"}]},
        {"format": F, "slug": SC_RENEWAL, "recognizer": "south-carolina-department-of-education", "effective_from": "2019-01-01",
         "title": "Certificate renewal: 120 credits per 5-year cycle (illustrative, South Carolina-style)",
         "description": ILLUSTRATIVE + "Modeled on South Carolina's 120 renewal credits per five-year cycle, which teachers "
                        "can earn with micro-credentials on collective leadership and student assessment. The 20 credits "
                        "per micro-credential are invented for the demo.",
         "approved": {"stacks": ["collective-leadership", "data-driven-instruction"],
                      "tags": ["teacher leadership", "formative assessment"]},
         "rules": [{"kind": "convert", "per_mc": 20, "unit": "renewal credit"},
                   {"kind": "cycle_window", "years": 5},
                   {"kind": "threshold", "unit": "renewal credit", "min": 120}],
         "outcomes": [{"key": "renewal", "kind": "credits", "name": "Renewal credits for the current cycle",
                       "unit": "renewal credit", "expires_after_years": 5}]},
        {"format": F, "slug": "ut-state-credit", "recognizer": "utah-state-board-of-education", "effective_from": "2019-07-01",
         "title": "State credit: 1 MC = 0.5 credit (illustrative, Utah-style)",
         "description": ILLUSTRATIVE + "Modeled on Utah's conversion of one micro-credential into half a state credit, "
                        "usable toward relicensure and salary-lane changes.",
         "approved": {"issuers": ALL_ISSUERS},
         "rules": [{"kind": "convert", "per_mc": 0.5, "unit": "state credit"},
                   {"kind": "threshold", "unit": "state credit", "min": 0.5}],
         "outcomes": [{"key": "state-credit", "kind": "graduate_credit", "name": "State credit", "unit": "state credit"}]},
        {"format": F, "slug": "wy-computer-science-endorsement", "recognizer": "wyoming-professional-teaching-standards-board",
         "effective_from": "2022-07-01",
         "title": "Computer science endorsement from an approved stack (illustrative, Wyoming-style)",
         "description": ILLUSTRATIVE + "Modeled on Wyoming's computer-science micro-credential pilot and its rules for adding "
                        "an endorsement to a teaching license through micro-credentials: every MC of the approved stack.",
         "approved": {"stacks": ["computational-thinking-practices"]},
         "rules": [{"kind": "stack", "stack": "computational-thinking-practices", "logic": "all_of"}],
         "outcomes": [{"key": "cs-endorsement", "kind": "endorsement", "name": "Computer science endorsement"}]},
        {"format": F, "slug": "ar-lead-professional-educator", "recognizer": "arkansas-division-of-elementary-and-secondary-education",
         "effective_from": "2019-07-01",
         "title": "Lead Professional Educator designation (illustrative, Arkansas-style)",
         "description": ILLUSTRATIVE + "Modeled on Arkansas's Lead Professional Educator designation: at least 3 years "
                        "licensed, an effective rating, and a micro-endorsement stack (here: Effective Coaching).",
         "approved": {"stacks": ["effective-coaching"]},
         "facts": {"years_licensed": "number",
                   "evaluation_rating": ["ineffective", "developing", "effective", "highly_effective"]},
         "rules": [{"kind": "stack", "stack": "effective-coaching"},
                   {"kind": "eligibility", "fact": "years_licensed", "op": ">=", "value": 3},
                   {"kind": "eligibility", "fact": "evaluation_rating", "op": ">=", "value": "effective"}],
         "outcomes": [{"key": "lead-professional-educator", "kind": "designation", "name": "Lead Professional Educator",
                       "expires_after_years": 5}]},
        {"format": F, "slug": "ar-master-professional-educator", "recognizer": "arkansas-division-of-elementary-and-secondary-education",
         "effective_from": "2019-07-01",
         "title": "Master Professional Educator designation (illustrative, Arkansas-style)",
         "description": ILLUSTRATIVE + "Modeled on Arkansas's Master Professional Educator designation: at least 3 years "
                        "licensed, an effective rating, and the full teacher-leader pathway of micro-credential stacks.",
         "approved": {"stacks": ["teacher-leader-pathway"]},
         "facts": {"years_licensed": "number",
                   "evaluation_rating": ["ineffective", "developing", "effective", "highly_effective"]},
         "rules": [{"kind": "stack", "stack": "teacher-leader-pathway"},
                   {"kind": "eligibility", "fact": "years_licensed", "op": ">=", "value": 3},
                   {"kind": "eligibility", "fact": "evaluation_rating", "op": ">=", "value": "effective"}],
         "outcomes": [{"key": "master-professional-educator", "kind": "designation", "name": "Master Professional Educator"}]},
        {"format": F, "slug": "ky-rank-change", "recognizer": "kentucky-education-professional-standards-board",
         "effective_from": "2019-07-01",
         "title": "Rank change through a micro-credential plan (illustrative, Kentucky-style)",
         "description": ILLUSTRATIVE + "Modeled on Kentucky letting teachers move up a licensure rank by completing a "
                        "comprehensive micro-credential plan in place of continuing-education credits. The plan here "
                        "(10 MCs, at least 3 in formative assessment) is invented for the demo.",
         "approved": {"issuers": ALL_ISSUERS},
         "facts": {"rank": ["III", "II", "I"]},
         "rules": [{"kind": "convert", "per_mc": 1, "unit": "MC"},
                   {"kind": "threshold", "unit": "MC", "min": 10},
                   {"kind": "count_in_topic", "tag": "formative assessment", "min": 3},
                   {"kind": "eligibility", "fact": "rank", "op": "==", "value": "III"}],
         "outcomes": [{"key": "rank-ii", "kind": "designation", "name": "Rank II"}]},
        {"format": F, "slug": "mi-principal-pd-hours", "recognizer": "michigan-department-of-education", "effective_from": "2016-08-22",
         "title": "Principals' annual PD hours (illustrative, Michigan-style)",
         "description": ILLUSTRATIVE + "Modeled on Michigan principals earning professional-development hours toward their "
                        "annual requirement with micro-credentials from the principals' association and BloomBoard. "
                        "10 hours per micro-credential is invented for the demo.",
         "approved": {"issuers": [BB], "tags": ["teacher leadership", "coaching"]},
         "facts": {"license_type": "text"},
         "rules": [{"kind": "convert", "per_mc": 10, "unit": "PD hour"},
                   {"kind": "cycle_window", "years": 1},
                   {"kind": "eligibility", "fact": "license_type", "op": "==", "value": "administrator"},
                   {"kind": "threshold", "unit": "PD hour", "min": 10}],
         "outcomes": [{"key": "pd-hours", "kind": "credits", "name": "Annual PD hours (principal)", "unit": "PD hour"}]},
        {"format": F, "slug": "cumberland-valley-salary-per-mc", "recognizer": content.RURAL, "effective_from": "2021-08-01",
         "title": "Base-salary increase per MC with student impact (illustrative, Kettle Moraine-style)",
         "description": ILLUSTRATIVE + "Modeled on Kettle Moraine School District (Wisconsin), where educators earn a permanent "
                        "base-salary increase of $100 to $600 by earning micro-credentials and demonstrating an impact on "
                        "student learning: $100 per qualifying micro-credential, up to $600.",
         "approved": {"issuers": [DP, BB]},
         "rules": [{"kind": "convert", "per_mc": 100, "unit": "USD"},
                   {"kind": "cap", "unit": "USD", "max": 600},
                   {"kind": "evidence", "requires": "student_impact"},
                   {"kind": "threshold", "unit": "USD", "min": 100}],
         "outcomes": [{"key": "base-salary", "kind": "pay", "name": "Permanent base-salary increase", "unit": "USD"}]},
        {"format": F, "slug": "riverbend-teacher-leader", "recognizer": content.CITY, "effective_from": "2021-08-01",
         "title": "Teacher leader after 12 MCs in one topic area (illustrative, Juab-style)",
         "description": ILLUSTRATIVE + "Modeled on Juab School District (Utah), where teachers become teacher leaders by "
                        "earning at least 12 micro-credentials within a topic area. Riverbend's topic area is instructional "
                        "coaching and teacher leadership (the approved set).",
         "approved": {"tags": ["coaching", "teacher leadership"]},
         "rules": [{"kind": "convert", "per_mc": 1, "unit": "MC"},
                   {"kind": "threshold", "unit": "MC", "min": 12}],
         "outcomes": [{"key": "teacher-leader", "kind": "role", "name": "Teacher leader"}]},
        {"format": F, "slug": "riverbend-pd-hours-reciprocity", "recognizer": content.CITY, "effective_from": "2022-08-01",
         "title": "District PD hours for South Carolina-approved MCs (illustrative reciprocity)",
         "description": ILLUSTRATIVE + "A district that accepts another state's approved list: whatever South Carolina's "
                        "renewal policy approves counts here as 15 district PD hours per micro-credential.",
         "approved": {"reciprocity": [SC_RENEWAL]},
         "rules": [{"kind": "convert", "per_mc": 15, "unit": "PD hour"},
                   {"kind": "threshold", "unit": "PD hour", "min": 15}],
         "outcomes": [{"key": "pd-hours", "kind": "credits", "name": "District PD hours", "unit": "PD hour"}]},
    ]


# What the Tennessee agency holds about its demo educators: (years licensed, latest rating, license type).
FACTS = {
    "teacher": (2, "effective", "practitioner"),
    "teacher2": (9, "highly_effective", "professional"),
    "coach": (14, "highly_effective", "professional"),
    "assessor3": (11, "highly_effective", "professional"),
    "assessor4": (7, "effective", "professional"),
}
RATINGS = ["developing", "effective", "effective", "highly_effective", "effective"]


def _fact_rows() -> list[tuple[str, tuple]]:
    rows = list(FACTS.items())
    for i in range(1, 21):  # the assessment demo's synthetic educators
        years = (i * 7) % 23 + 1
        rows.append((f"educator{i:02d}", (years, RATINGS[i % len(RATINGS)], "professional" if years >= 3 else "practitioner")))
    return rows


def _recognizer_admin_for(org: Organization) -> User:
    admin = User.objects.filter(memberships__organization=org, memberships__role="recognizer_admin").first()
    return admin or User.objects.filter(is_superuser=True).order_by("id").first()


def load_recognition_demo() -> dict:
    """Create what is missing and evaluate every demo educator. Returns counts of what was created."""
    summary = {"organizations": 0, "policies": 0, "facts": 0, "changes": 0}
    if not User.objects.filter(is_superuser=True).exists():
        return summary
    with transaction.atomic():
        for spec in ORGANIZATIONS:
            _, created = Organization.objects.get_or_create(slug=spec["slug"], defaults={k: v for k, v in spec.items() if k != "slug"})
            summary["organizations"] += created
        for document in _policies():
            if Policy.objects.filter(slug=document["slug"]).exists():
                continue
            recognizer = Organization.objects.get(slug=document["recognizer"])
            by = _recognizer_admin_for(recognizer)
            draft = services.create_or_update_draft(recognizer=recognizer, document=document, by=by)
            services.publish(policy=draft, by=by)
            summary["policies"] += 1
        state = Organization.objects.get(slug=content.SEA)
        by = _recognizer_admin_for(state)
        people = {u.username: u for u in User.objects.filter(username__in=[name for name, _ in _fact_rows()])}
        have = set(EducatorFact.objects.filter(recognizer=state).values_list("educator__username", "key"))
        for username, (years, rating, license_type) in _fact_rows():
            if username not in people:
                continue
            for key, value in (("years_licensed", years), ("evaluation_rating", rating), ("license_type", license_type)):
                if (username, key) not in have:
                    services.set_educator_fact(recognizer=state, educator=people[username], key=key, value=value, by=by)
                    summary["facts"] += 1
    # The demo's task backend waits for a worker, so evaluate here (idempotent: a second seed writes nothing).
    summary["changes"] = services.evaluate_all(as_of=timezone.now())["changes"]
    return summary
