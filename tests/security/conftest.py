"""Fixtures of the authorization matrix (tests/security/test_authorization_matrix.py), all prefixed `matrix_`.

The matrix world is built once per module inside one transaction that is rolled back at the end; each test runs
in a savepoint of it (pytest-django's `db`), so a write that slips through never reaches the next test.
"""
from __future__ import annotations

import datetime as dt
import sys

import pytest

# Text that only the people allowed to see it may ever receive in a response (see access_matrix.SECRETS).
MATRIX_DRAFT_ANSWER = "MATRIX-SECRET-draft-answer-4c1e"
MATRIX_SUBMITTED_ANSWER = "MATRIX-SECRET-submitted-answer-9b27"
MATRIX_GOALS = "MATRIX-SECRET-growth-goals-52d0"
MATRIX_DRAFT_TITLE = "MATRIX SECRET unpublished draft 7e41"
MATRIX_EARNER_SURNAME = "Matrixowner"
MATRIX_MEMBERS_TITLE = "MATRIX SECRET members-only practice 3a9c"


def _fixture_body(name: str):
    """The root conftest's fixture function itself, so the matrix world grows from the same `world` as every test."""
    root = sys.modules["conftest"]
    fixture = getattr(root, name)
    return fixture._get_wrapped_function() if hasattr(fixture, "_get_wrapped_function") else fixture.__wrapped__


def _mp4() -> bytes:
    def box(kind: bytes, payload: bytes = b"") -> bytes:
        return (8 + len(payload)).to_bytes(4, "big") + kind + payload
    return b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + box(b"moov", box(b"mvhd", bytes(100))) + box(b"mdat", bytes(range(256)) * 8)


def _answer(attempt, earner, text):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from microcred.catalog.models import EvidenceType
    from microcred.earning import services as earning

    for part in attempt.version.parts.all():
        for prompt in part.prompts.all():
            if prompt.response_type == EvidenceType.QUIZ:
                earning.save_answer(attempt=attempt, by=earner, prompt=prompt, choice=prompt.correct_choice or 0)
            elif prompt.response_type in (EvidenceType.VIDEO, EvidenceType.FILE):
                earning.add_file(attempt=attempt, by=earner, prompt=prompt,
                                 uploaded_file=SimpleUploadedFile("lesson.mp4", _mp4(), content_type="video/mp4"))
            else:
                earning.save_answer(attempt=attempt, by=earner, prompt=prompt, text=text)


def policy_document(*, slug="matrix-renewal", recognizer="state-agency", title="Matrix renewal") -> dict:
    """A valid recognition policy of the state recognizer: 6 PDPs per MC of issuer-one."""
    return {"format": "microcred.policy/1", "slug": slug, "title": title, "recognizer": recognizer,
            "effective_from": "2020-01-01", "approved": {"issuers": ["issuer-one"]},
            "rules": [{"kind": "convert", "per_mc": 6, "unit": "PDP"}, {"kind": "threshold", "unit": "PDP", "min": 6}],
            "outcomes": [{"key": "renewal", "kind": "credits", "name": "Renewal PDPs", "unit": "PDP"}]}


def build_matrix_world() -> dict:
    """The root `world`, extended with one object of every kind an endpoint can name, each owned by someone known.

    people: earner (owner of everything earner-side), other_earner, coach (of earner, who shares the attempt),
    other_coach (of other_earner), assessor_assigned / assessor_unassigned (certified for the review's MC) and
    assessor_uncertified, author / issuer_admin of issuer-one and their counterparts of issuer-two, recognizer
    (state-agency, TN) and other_recognizer (another state), platform_admin, and a Django `staff` superuser for
    the admin site."""
    from django.utils import timezone

    from microcred.accounts import services as accounts
    from microcred.accounts.models import Organization, User
    from microcred.assessment import services as assessment
    from microcred.assessment.models import Qualification, ScoringPolicy
    from microcred.catalog import services as catalog
    from microcred.catalog.models import Stack
    from microcred.catalog.tests.factories import make_definition
    from microcred.credentials import services as credentials
    from microcred.credentials.models import IssuerKey, StatusList
    from microcred.credentials.tests.conftest import earn
    from microcred.earning import plans
    from microcred.earning import services as earning
    from microcred.earning.models import Evidence
    from microcred.earning.tests.factories import levels_for
    from microcred.recognition import services as recognition

    world = _fixture_body("world")(None)
    orgs, people = world["orgs"], world["people"]
    issuer, admin = orgs["issuer"], people["issuer_admin"]

    def user(username, *memberships, **extra):
        u = User.objects.create_user(username=username, password=f"pw-{username}-123", email=f"{username}@example.org",
                                     first_name=username.title(), last_name="Tester", **extra)
        for organization, role in memberships:
            accounts.grant_role(user=u, organization=organization, role=role)
        return u

    orgs["other_state"] = Organization.objects.create(slug="other-state", name="Other State", kind="state_agency", state="GA")
    earner = people["earner"]
    earner.last_name = MATRIX_EARNER_SURNAME
    earner.save(update_fields=["last_name"])
    people["assessor_uncertified"] = people["assessor"]  # an assessor of issuer-one with no certification
    people["assessor_assigned"] = user("rater_assigned", (issuer, "assessor"))
    people["assessor_unassigned"] = user("rater_unassigned", (issuer, "assessor"))
    people["coach"] = user("coach", (orgs["district"], "coach"))
    people["other_coach"] = user("other_coach", (orgs["other_district"], "coach"))
    people["other_recognizer"] = user("other_recognizer", (orgs["other_state"], "recognizer_admin"))
    people["staff"] = user("staff", is_staff=True, is_superuser=True)

    # Micro-credentials of issuer-one: one to earn (credential), one under review, one the earner is drafting;
    # an unpublished draft; and one of issuer-two.
    def publish(title, owner=issuer, by=admin, **overrides):
        version = catalog.create_micro_credential(owner=owner, definition=make_definition(owner=owner.slug, title=title, **overrides),
                                                  by=by)
        catalog.submit_for_review(version=version, by=by)
        return catalog.publish(version=version, by=by)

    mc_earned = publish("Matrix earned practice")
    mc_review = publish("Matrix reviewed practice")
    mc_draft = publish("Matrix drafting practice")
    mc_members = publish(MATRIX_MEMBERS_TITLE, visibility="members", visible_to=[orgs["district"].slug])  # the earner's district
    mc_other = publish("Matrix other issuer practice", owner=orgs["other_issuer"], by=people["other_admin"])
    draft = catalog.create_micro_credential(owner=issuer, definition=make_definition(title=MATRIX_DRAFT_TITLE),
                                            by=people["author"])

    stack = catalog.save_stack(owner=issuer, by=admin, title="Matrix stack", items=[{"micro_credential": mc_earned.micro_credential},
                                                                                    {"micro_credential": mc_review.micro_credential}])
    catalog.set_stack_state(stack=stack, state=Stack.State.PUBLISHED, by=admin)
    draft_stack = catalog.save_stack(owner=issuer, by=people["author"], title="Matrix draft stack",
                                     items=[{"micro_credential": mc_draft.micro_credential}])

    # Coaching: the earner chose `coach` and shares the draft attempt; other_coach coaches other_earner.
    earning.assign_coach(earner=earner, coach=people["coach"], by=earner)
    earning.assign_coach(earner=people["other_earner"], coach=people["other_coach"], by=people["other_earner"])

    # The earner's draft attempt (text answer + an uploaded video), shared with the coach.
    draft_attempt = earning.start_attempt(earner=earner, micro_credential=mc_draft.micro_credential)
    _answer(draft_attempt, earner, MATRIX_DRAFT_ANSWER)
    earning.set_shared_with_coach(attempt=draft_attempt, by=earner, shared=True)

    # The earner's submitted attempt, in assessment, assigned to assessor_assigned (the only certified one then).
    mc = mc_review.micro_credential
    ScoringPolicy.objects.update_or_create(micro_credential=mc, defaults={"calibration_period": 0, "random_double_rate": 0,
                                                                          "conditional_double": False, "check_rate": 0})
    Qualification.objects.create(assessor=people["assessor_assigned"], micro_credential=mc, organization=issuer,
                                 status=Qualification.Status.CERTIFIED, certified_at=timezone.now())
    submitted_attempt = earning.start_attempt(earner=earner, micro_credential=mc)
    _answer(submitted_attempt, earner, MATRIX_SUBMITTED_ANSWER)
    earning.confirm_privacy(attempt=submitted_attempt, by=earner)
    earning.submit_attempt(attempt=submitted_attempt, by=earner)
    review = assessment.open_review(submission=submitted_attempt.submissions.get())  # on_commit never fires in a test transaction
    assignment = review.assignments.get()
    assert assignment.assessor == people["assessor_assigned"], "the review must go to assessor_assigned"

    # other_earner's attempt on the same MC, scored and decided: a decided review (anchors are made from those).
    decided_attempt = earning.start_attempt(earner=people["other_earner"], micro_credential=mc)
    _answer(decided_attempt, people["other_earner"], "Other earner's answer.")
    earning.confirm_privacy(attempt=decided_attempt, by=people["other_earner"])
    earning.submit_attempt(attempt=decided_attempt, by=people["other_earner"])
    decided_review = assessment.open_review(submission=decided_attempt.submissions.get())
    decided_assignment = decided_review.assignments.get()
    assessment.submit_scores(assignment=decided_assignment, by=decided_assignment.assessor, levels=levels_for(decided_attempt))
    decided_review.refresh_from_db()
    # Certified later, so the review above stays with assessor_assigned: a pool member who is not assigned.
    Qualification.objects.create(assessor=people["assessor_unassigned"], micro_credential=mc, organization=issuer,
                                 status=Qualification.Status.CERTIFIED, certified_at=timezone.now())

    # The earner's earned attempt and its credential, private (only the earner sees it).
    earned = earn(world, mc_earned, public_evidence=False)
    del people["assessor"]  # earn() decided as world's "assessor"; in the matrix that person is assessor_uncertified
    credential = credentials.issue_for_attempt(earned)
    credentials.set_visibility(credential, by=earner, visibility="private")

    # Growth plan with goals; a recognition policy of the state recognizer.
    plan = plans.plan_for(earner)
    plans.update_goals(plan=plan, by=earner, goals=MATRIX_GOALS)
    policy = recognition.create_or_update_draft(recognizer=orgs["state"], by=people["recognizer"], document=policy_document())
    policy = recognition.publish(policy=policy, by=people["recognizer"])
    policy_draft = recognition.create_or_update_draft(recognizer=orgs["state"], by=people["recognizer"],
                                                      document=policy_document(title="Matrix renewal, second version"))

    # A registered Open Badges 3.0 API client (wallet) that the earner has not connected.
    from microcred.interop import services as interop
    from microcred.interop.tests.helpers import metadata as ob_client_metadata

    ob_client, _ob_secret = interop.register_client(metadata=ob_client_metadata(client_name="Matrix wallet"))
    # An external issuer registered as known (a did:key: it needs no key document).
    from microcred.credentials.models import KnownIssuer

    known_issuer = KnownIssuer.objects.create(identifier="did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
                                              name="Matrix partner", registered_by=people["platform_admin"])

    from microcred.rosters.models import ImportRun  # an import of the earner's district (its admins and platform admins see it)

    roster_run = ImportRun.objects.create(organization=orgs["district"], kind="roster", source="upload", state="finished")
    from microcred.sso.models import IdentityProvider  # the district's sign-in services (turned off: nothing to reach)

    sso_oidc = IdentityProvider.objects.create(organization=orgs["district"], slug="matrix-oidc", name="Matrix OIDC",
                                               protocol="oidc", issuer="http://127.0.0.1:9", client_id="matrix")
    sso_saml = IdentityProvider.objects.create(organization=orgs["district"], slug="matrix-saml", name="Matrix SAML",
                                               protocol="saml")
    from microcred.interop.models import LtiPlatform  # an LMS registered for the district (nothing to reach)

    lti_platform = LtiPlatform.objects.create(name="Matrix LMS", issuer="https://lms.matrix.example", client_id="matrix",
                                              deployment_ids="1", jwks_url="https://lms.matrix.example/jwks",
                                              auth_login_url="https://lms.matrix.example/auth", organization=orgs["district"])
    from datetime import timedelta

    from django.utils import timezone

    from microcred.accounts.models import Invitation  # a pending invitation of issuer-one (its issuer admin made it)

    invitation = Invitation.objects.create(organization=issuer, role="assessor", email="invited@example.org",
                                           invited_by=people["issuer_admin"], expires_at=timezone.now() + timedelta(days=14))
    from microcred.accounts import privacy  # the earner's finished "download my data" zip (only the earner downloads it)
    from microcred.accounts.models import PersonalDataExport

    personal_data_export = PersonalDataExport.objects.create(user=earner)
    # An outbound webhook subscription of issuer-one with one logged delivery (only its own admins see them). Its
    # address is a documentation range the guard refuses at delivery, so a replay in the matrix reaches no network.
    from microcred.core.secrets import encrypt_secret
    from microcred.interop.models import WebhookDelivery, WebhookSubscription
    from microcred.interop.webhooks.services import SECRET_PURPOSE

    webhook = WebhookSubscription.objects.create(organization=issuer, url="https://203.0.113.10/hook", events=["credential.issued"],
                                                 encrypted_secret=encrypt_secret(b"matrix-webhook-secret", purpose=SECRET_PURPOSE),
                                                 created_by=people["issuer_admin"])
    webhook_delivery = WebhookDelivery.objects.create(subscription=webhook, event_type="webhook.test", message_id="msg_matrix",
                                                      payload={"type": "webhook.test", "data": {}}, state="delivered")
    # A licensure feed of the state recognizer, written to a folder (a matrix "send now" reaches no network).
    from microcred.interop.models import LicensureFeed

    licensure_feed = LicensureFeed.objects.create(recognizer=orgs["state"], name="Matrix feed", folder="matrix",
                                                  columns=[["LicenseNumber", "license_number"], ["Credit", "outcome"]],
                                                  created_by=people["recognizer"])
    privacy.build_export(personal_data_export.pk)
    draft_evidence = Evidence.objects.filter(response__attempt=draft_attempt, file__isnull=False).first()
    submitted_evidence = Evidence.objects.filter(response__attempt=submitted_attempt, file__isnull=False).first()
    text_evidence = Evidence.objects.filter(response__attempt=draft_attempt, text=MATRIX_DRAFT_ANSWER).first()
    objects = {
        "mc": mc_earned.micro_credential, "mc_version": mc_earned,
        "review_mc": mc, "draft_mc": draft.micro_credential, "draft_version": draft, "other_mc": mc_other.micro_credential,
        "members_mc": mc_members.micro_credential,
        "stack": stack, "draft_stack": draft_stack,
        "draft_attempt": draft_attempt, "submitted_attempt": submitted_attempt, "earned_attempt": earned,
        "draft_evidence": draft_evidence, "text_evidence": text_evidence, "submitted_evidence": submitted_evidence,
        "draft_file": draft_evidence.file, "submitted_file": submitted_evidence.file,
        "draft_prompt": text_evidence.prompt, "draft_file_prompt": draft_evidence.prompt, "submitted_prompt": submitted_evidence.prompt,
        "review": review, "assignment": assignment, "decided_review": decided_review, "decided_assignment": decided_assignment,
        "credential": credential, "issuer_org": issuer, "issuer_key": IssuerKey.objects.filter(organization=issuer).first(),
        "status_list": StatusList.objects.filter(organization=issuer).first(), "earner": earner, "other_earner": people["other_earner"],
        "plan": plan, "policy": policy, "policy_draft": policy_draft,
        "recognizer_org": orgs["state"],
        "ob_client": ob_client.application, "known_issuer": known_issuer,
        "webhook": webhook, "webhook_delivery": webhook_delivery, "licensure_feed": licensure_feed,
        "roster_run": roster_run, "sso_oidc": sso_oidc, "sso_saml": sso_saml, "invitation": invitation, "personal_data_export": personal_data_export,
        "lti_platform": lti_platform,
        "author": people["author"],  # a person of issuer-one (the people pages: its issuer admin manages them)
    }
    # Quality assurance: other_admin (issuer-two) is a certified quality reviewer; review_mc's version (issuer-one)
    # is open for quality review (made directly: the matrix MC need not pass the automatic checks).
    from microcred.quality.models import QualityFramework, QualityReview, QualityReviewer

    QualityReviewer.objects.create(user=people["other_admin"], organization=orgs["other_issuer"], certified_by=people["platform_admin"])
    quality_review = QualityReview.objects.create(version=mc_review, framework=QualityFramework.objects.get(number=1),
                                                  submitted_by=people["issuer_admin"])
    objects["quality_review"] = quality_review
    from microcred.quality.models import ExperienceSurvey

    objects["experience_survey"] = ExperienceSurvey.objects.create(earner=earner, attempt=earned, micro_credential=mc_earned.micro_credential,
                                                                   kind="decision", result="earned")
    # An LMS course of the district's platform that launched with the membership service (NRPS), and a failed
    # CASE import from the web page (nothing in either reaches a network: the platform has no token URL).
    from microcred.interop.models import CaseImportRun, LtiCourseLink

    objects["lti_course_link"] = LtiCourseLink.objects.create(
        platform=lti_platform, deployment_id="1", context_id="matrix-course", context_title="Matrix course",
        resource_link_id="r1", memberships_url="https://lms.matrix.example/memberships",
        micro_credential=mc_earned.micro_credential)
    objects["case_import_run"] = CaseImportRun.objects.create(requested_by=people["platform_admin"], file_name="m.json",
                                                              state="failed", error="matrix")
    levels = levels_for(submitted_attempt)
    return {"orgs": orgs, "people": people, "objects": objects, "today": dt.date.today(),
            # the assigned assessor's scores for the review, as the web form and as the API body
            "scores_form": {f"level-{criterion}": str(level) for criterion, level in levels.items()},
            "scores_json": {"levels": {str(criterion): level for criterion, level in levels.items()}},
            "secrets": {"draft_answer": MATRIX_DRAFT_ANSWER, "submitted_answer": MATRIX_SUBMITTED_ANSWER, "goals": MATRIX_GOALS,
                        "draft_title": MATRIX_DRAFT_TITLE,
                        "members_title": MATRIX_MEMBERS_TITLE, "earner_surname": MATRIX_EARNER_SURNAME}}


def _check_deferred_constraints_now():
    """PostgreSQL checks foreign keys at commit (deferred). Each test's teardown asks for those checks at once
    (`SET CONSTRAINTS ALL IMMEDIATE`) inside its savepoint, whose rollback puts this world's thousands of pending
    checks back: every test would check the whole world again. Checked once here, they are done with."""
    from django.db import connection

    if connection.features.can_defer_constraint_checks:
        connection.check_constraints()


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    """The matrix world and one logged-in session key per role, built once for the module and rolled back after it."""
    from django.conf import settings
    from django.db import transaction
    from django.test import Client

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build_matrix_world()
            sessions = {}
            for role, person in world["people"].items():
                client = Client()
                client.force_login(person)
                sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
            world["sessions"] = sessions
            _check_deferred_constraints_now()
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def matrix_handler(matrix_world):
    """One request handler for the module: its middleware (whitenoise scans every static file) loads once."""
    from django.test import Client

    return Client(raise_request_exception=False).handler


@pytest.fixture
def matrix_client(matrix_world, matrix_handler, db):
    """A test client logged in as one role of the matrix world (None = anonymous); a fresh cookie jar every call."""
    from django.conf import settings
    from django.test import Client

    def make(role: str | None):
        client = Client(raise_request_exception=False)
        client.handler = matrix_handler
        if role is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = matrix_world["sessions"][role]
        return client

    return make
