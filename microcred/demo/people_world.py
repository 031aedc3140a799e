"""The people part of the demo world: Cumberland Valley's educators as its people admin (district_admin, Grace
Nakamura) sees them on /people/ — teachers of both schools with the facts a district keeps, a second coach, a
new-teacher cohort and a coach assignment, and one teacher who also belongs to the union (deactivating her ends only
her district memberships). ILLUSTRATIVE, fictional people. Idempotent: looks everything up by username and name;
the demo people cannot sign in (no password), they are there to be managed."""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from microcred.accounts import services as accounts
from microcred.accounts.models import EducatorProfile, Organization, User
from microcred.earning.models import CoachAssignment, Cohort

from . import content

# username, first, last, school, position, career stage, license type, years, rating, growth areas
EDUCATORS = [
    ("jbellamy", "Jordan", "Bellamy", content.RURAL_ELEM, "teacher", "new", "Practitioner", 1, "", ["questioning"]),
    ("lchen", "Lena", "Chen", content.RURAL_ELEM, "teacher", "experienced", "Professional", 12, "Highly effective", []),
    ("mokafor", "Michael", "Okafor", content.RURAL_ELEM, "paraprofessional", "new", "", None, "", []),
    ("rdiaz", "Rosa", "Diaz", content.RURAL_HIGH, "teacher", "experienced", "Professional", 8, "Effective",
     ["classroom routines", "student engagement"]),
    ("tpatel", "Tariq", "Patel", content.RURAL_HIGH, "teacher", "new", "Provisional", 2, "Developing", ["classroom routines"]),
    ("kjohansson", "Karin", "Johansson", content.RURAL_HIGH, "counselor", "experienced", "Professional", 15, "Effective", []),
    ("wbrooks", "Will", "Brooks", content.RURAL_HIGH, "teacher", "experienced", "Professional", 6, "Effective", []),
]
SECOND_COACH = ("aharper", "Alicia", "Harper", content.RURAL_HIGH)
UNION_MEMBER = "rdiaz"  # also a union member: the people page ends only her district memberships
NEW_TEACHER_COHORT = "Cumberland Valley new-teacher cohort"


def _person(username: str, first: str, last: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, first_name=first, last_name=last, email=f"{username}@demo.microcred.test")
        user.set_unusable_password()
        user.save()
    return user


def load_people_demo() -> dict:
    """Create whatever of the district's people is missing. Returns how many people it created."""
    rural = Organization.objects.filter(slug=content.RURAL).first()
    if rural is None:
        return {"people_created": 0}
    schools = {o.slug: o for o in Organization.objects.filter(slug__in=[content.RURAL_ELEM, content.RURAL_HIGH])}
    before = User.objects.count()
    with transaction.atomic():
        for username, first, last, school, position, stage, license_type, years, rating, areas in EDUCATORS:
            user = _person(username, first, last)
            for organization in (rural, schools[school]):
                accounts.grant_role(user=user, organization=organization, role="earner")
            EducatorProfile.objects.get_or_create(user=user, defaults={
                "state": content.STATE, "district": rural, "school": schools[school], "position": position, "career_stage": stage,
                "license_type": license_type, "years_experience": years, "evaluation_rating": rating,
                "evaluation_growth_areas": areas, "facts_updated_at": timezone.now()})
        username, first, last, school = SECOND_COACH
        coach = _person(username, first, last)
        for organization in (rural, schools[school]):
            accounts.grant_role(user=coach, organization=organization, role="coach")
        EducatorProfile.objects.get_or_create(user=coach, defaults={
            "state": content.STATE, "district": rural, "school": schools[school], "position": "coach", "career_stage": "experienced"})
        union = Organization.objects.filter(slug=content.UNION).first()
        if union is not None:
            accounts.grant_role(user=User.objects.get(username=UNION_MEMBER), organization=union, role="earner")
        CoachAssignment.objects.get_or_create(earner=User.objects.get(username="tpatel"), coach=coach)
        cohort, _ = Cohort.objects.get_or_create(organization=rural, name=NEW_TEACHER_COHORT, defaults={
            "opens_at": timezone.now() - dt.timedelta(days=7), "deadline": timezone.now() + dt.timedelta(days=120)})
        cohort.members.add(*User.objects.filter(username__in=["jbellamy", "tpatel", "mokafor"]))
    return {"people_created": User.objects.count() - before}
