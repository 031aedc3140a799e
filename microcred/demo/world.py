"""Load the demo world: organizations, one login per role, the catalog of illustrative MCs and stacks.

Idempotent: running it again changes nothing that is already there (it looks things up by slug or
username), so `microcred seed_demo` is safe to repeat.
"""
from __future__ import annotations

from django.db import transaction

from microcred.accounts import services as account_services
from microcred.accounts.models import EducatorProfile, Organization, User
from microcred.catalog import services as catalog_services
from microcred.catalog.vocabularies import ensure_vocabularies
from microcred.catalog.models import MicroCredential, MicroCredentialVersion, Stack
from microcred.core.db import refresh_planner_statistics

from . import content
from .people_world import load_people_demo

S = MicroCredentialVersion.State


def _organizations() -> dict[str, Organization]:
    orgs: dict[str, Organization] = {}
    for spec in content.ORGANIZATIONS:  # parents come before children in the content file
        fields = {k: v for k, v in spec.items() if k not in ("slug", "parent")}
        fields["parent"] = orgs.get(spec.get("parent")) if spec.get("parent") else None
        org, _ = Organization.objects.get_or_create(slug=spec["slug"], defaults=fields)
        orgs[org.slug] = org
    return orgs


def _people(orgs: dict[str, Organization]) -> dict[str, User]:
    people: dict[str, User] = {}
    for spec in content.PEOPLE:
        user = User.objects.filter(username=spec["username"]).first()
        if user is None:
            user = User(username=spec["username"], first_name=spec["first_name"], last_name=spec["last_name"], email=spec["email"])
            user.set_password(spec["password"])
            if any(role == "platform_admin" for _, role in spec["memberships"]):
                user.is_staff = user.is_superuser = True
            user.save()
        for org_slug, role in spec["memberships"]:
            account_services.grant_role(user=user, organization=orgs[org_slug], role=role)
        profile = spec.get("profile")
        if profile and not EducatorProfile.objects.filter(user=user).exists():
            fields = dict(profile)
            for key in ("district", "school"):
                if fields.get(key):
                    fields[key] = orgs[fields[key]]
            account_services.update_educator_profile(user=user, by=user, **fields)
        people[user.username] = user
    return people


def _publisher_for(owner: Organization) -> User:
    user = User.objects.filter(memberships__organization=owner, memberships__role="issuer_admin").first()
    return user or User.objects.filter(is_superuser=True).first()


def _micro_credentials(orgs: dict[str, Organization]) -> int:
    created = 0
    for spec in content.MICRO_CREDENTIALS:
        if MicroCredential.objects.filter(slug=spec["slug"]).exists():
            continue
        owner = orgs[spec["owner"]]
        by = _publisher_for(owner)
        definition = {k: v for k, v in spec.items() if k not in ("owner", "demo_state")}
        version = catalog_services.create_micro_credential(owner=owner, definition=definition, by=by, slug=spec["slug"])
        target = spec.get("demo_state", "published")
        if target in ("in_review", "published"):
            version = catalog_services.submit_for_review(version=version, by=by)
        if target == "published":
            catalog_services.publish(version=version, by=by)
        created += 1
    return created


def _stacks(orgs: dict[str, Organization]) -> int:
    created = 0
    for spec in content.STACKS:  # nested stacks are listed after the stacks they contain
        if Stack.objects.filter(slug=spec["slug"]).exists():
            continue
        owner = orgs[spec["owner"]]
        by = _publisher_for(owner)
        items = []
        for item in spec["items"]:
            entry = {"slot": item.get("slot")}
            if "mc" in item:
                entry["micro_credential"] = MicroCredential.objects.get(slug=item["mc"])
            else:
                entry["child_stack"] = Stack.objects.get(slug=item["stack"])
            items.append(entry)
        stack = catalog_services.save_stack(owner=owner, by=by, title=spec["title"], description=spec.get("description", ""),
                                            kind=spec.get("kind", "stack"), rule=spec["rule"], required_count=spec.get("required_count"),
                                            partner=spec.get("partner", ""), items=items, slug=spec["slug"])
        catalog_services.set_stack_state(stack=stack, state=Stack.State.PUBLISHED, by=by)
        created += 1
    return created


def load_demo_world() -> dict:
    """Create whatever of the demo world is missing. Returns counts of what was created."""
    from microcred.analytics.handlers import one_refresh_for_the_block

    # The world's credentials and decisions are announced after commit, hundreds of them: the dashboards they touch
    # are refreshed once for the lot, not once each.
    with one_refresh_for_the_block(), transaction.atomic():
        ensure_vocabularies()
        orgs = _organizations()
        _people(orgs)
        from .case_world import load_case_demo

        load_case_demo()  # before the MCs: "Teaching Phonics" aligns to two items of the illustrative framework
        mcs = _micro_credentials(orgs)
        stacks = _stacks(orgs)
        # The rest of the load joins what it has just written: PostgreSQL must know those tables are no longer empty.
        refresh_planner_statistics()
        from .assessment_world import load_assessment_demo
        from .earning_world import load_earning_demo

        from .credentials_world import load_credentials_demo

        load_assessment_demo()  # first: the earning demo's submissions need certified assessor pools
        refresh_planner_statistics()
        load_earning_demo()
        load_credentials_demo()  # the demo's task backend waits for a worker, so issue here
        from .recognition_world import load_recognition_demo

        load_recognition_demo()  # after credentials: publishes the demo policies and evaluates them
        from .interop_world import load_interop_demo, load_licensure_feed_demo, load_webhook_demo

        load_interop_demo()  # the demo teacher's connected wallet (illustrative)
        load_webhook_demo()  # the demo issuer's webhook subscription and its delivery log (illustrative)
        load_licensure_feed_demo()  # the demo state recognizer's folder feed with one recorded run
        from .rosters_world import load_rosters_demo

        load_rosters_demo()  # the demo district's sample OneRoster bundle, imported once
        load_people_demo()  # the district's people, as its people admin manages them
        from .interop_world import load_lti_roster_demo

        load_lti_roster_demo()  # a course of the district LMS with one completed roster sync (NRPS, illustrative)
        from .translations_world import load_translations_demo

        load_translations_demo()  # one MC in English and Spanish
        from .sso_world import load_sso_demo

        load_sso_demo()  # the district's sign-in services (turned off until an operator configures one)
        from .onboarding_world import load_onboarding_demo

        load_onboarding_demo()  # self-registration with approval, a waiting registration, pending invitations
        from .quality_world import load_quality_demo
        load_quality_demo()  # independent quality reviews: approved, with conditions, revise; a quiz-only MC refused
        from .analytics_world import load_analytics_demo

        load_analytics_demo()  # school attributes, a year of fictional educators' attempts, consented demographics
        refresh_planner_statistics()
        # The fictional educators' earned attempts get their credentials and awards in this same run (both steps are
        # idempotent), so a second seed writes nothing new.
        load_credentials_demo()
        from microcred.recognition import services as recognition_services

        recognition_services.evaluate_all()
        from .quality_world import load_pilot_demo

        load_pilot_demo()  # one MC in a pilot: three double-scored submissions and a pilot report
        from .analytics_world import load_analytics_insights_demo

        load_analytics_insights_demo()  # impact ratings, a funded cohort, the dashboards' figures pre-aggregated
    return {"micro_credentials_created": mcs, "stacks_created": stacks}


def demo_logins() -> list[dict]:
    from .assessment_world import ASSESSORS, SENIOR

    logins = [{"role": p["role"], "username": p["username"], "password": p["password"]} for p in content.PEOPLE]
    # The assessment demo's other readers, so double scoring and adjudication can be tried from both sides.
    logins += [{"role": "senior assessor" if username in SENIOR else "assessor", "username": username,
                "password": f"demo-{username}-2026"} for username, *_ in ASSESSORS]
    from .quality_world import REVIEWERS
    logins += [{"role": "quality reviewer", "username": username, "password": f"demo-{username.replace('_', '-')}-2026"}
               for username, *_ in REVIEWERS]
    return logins
