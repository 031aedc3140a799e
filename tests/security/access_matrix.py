"""Who may do what: the declared expectation of every endpoint for every role (read by test_authorization_matrix.py).

Every URL pattern of the project (and every operation of the OpenAPI schema) must have an entry in ENDPOINTS, keyed
by its full route as Django spells it (e.g. "earn/attempts/<int:pk>/"). See tests/security/README.md.

An entry is a list of cases; a case is one method (with a body, query string and the objects its URL names)
and the outcome for each role:

  OK         the feature answers (2xx/3xx; for writes also 400 with a message): the role may use it
  REFUSED    answered (a page, a message, a form error, 400) but nothing in the database changed
  LOGIN      sent to the login page (web) or 401/403 "not authenticated" (API)
  FORBIDDEN  403
  NOT_FOUND  404 (private things are 404 to outsiders: nothing about them leaks)
  NOT_ALLOWED 405 (the method is not accepted)

For every write that is not OK the test also checks that no row of any table changed (audit events included);
for every response, that no secret of the matrix world reaches a role that may not see it (SECRETS).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

ROLES = (
    "anonymous",
    "earner", "other_earner",
    "coach", "other_coach",
    "assessor_assigned", "assessor_unassigned", "assessor_uncertified",
    "author", "other_author", "issuer_admin", "other_admin",
    "recognizer", "other_recognizer",
    "platform_admin",
)
SIGNED_IN = tuple(r for r in ROLES if r != "anonymous")
ASSESSORS = ("assessor_assigned", "assessor_unassigned", "assessor_uncertified")
AUTHORS = ("author", "other_author", "issuer_admin", "other_admin", "platform_admin")  # platform admins author for any issuer
OWN_AUTHORS = ("author", "issuer_admin", "platform_admin")  # issuer-one's (it owns the matrix world's catalog) and platform admins
ISSUED_LISTERS = ("issuer_admin", "other_admin", "platform_admin")  # policy.can_list_issued_credentials
ISSUED_VIEWERS = ("earner", "issuer_admin", "platform_admin")  # a private credential: policy.can_see_issued_credential
SPONSORS = ("issuer_admin", "other_admin", "recognizer", "other_recognizer", "platform_admin")

OK, REFUSED, LOGIN, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = "OK", "REFUSED", "LOGIN", "FORBIDDEN", "NOT_FOUND", "NOT_ALLOWED"
OUTCOMES = (OK, REFUSED, LOGIN, FORBIDDEN, NOT_FOUND, NOT_ALLOWED)
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def expect(default: str, *, anonymous: str | None = None, **roles: str) -> dict[str, str]:
    """Outcome per role: `default` for every role not named; `anonymous` defaults to LOGIN unless default is OK."""
    out = {role: default for role in ROLES}
    out["anonymous"] = anonymous or (default if default in (OK, REFUSED, NOT_ALLOWED) else LOGIN)
    for role, outcome in roles.items():
        if role not in ROLES:
            raise KeyError(f"unknown role {role!r} (roles: {', '.join(ROLES)})")
        out[role] = outcome
    return out


def only(roles, outcome=OK, *, others: str = NOT_FOUND, anonymous: str = LOGIN, **more) -> dict[str, str]:
    """`outcome` for `roles`, `others` for everyone else signed in, LOGIN for anonymous."""
    return expect(others, anonymous=anonymous, **{r: outcome for r in roles}, **more)


EVERYONE = expect(OK)
SIGNED_IN_OWN = expect(OK, anonymous=LOGIN)  # every signed-in person, each seeing only their own
NOBODY_WRITES = expect(REFUSED)
METHOD_NOT_ALLOWED = expect(NOT_ALLOWED)
SIGNED_IN_NOT_ALLOWED = expect(NOT_ALLOWED, anonymous=LOGIN)  # login_required runs before require_POST/GET


@dataclass(frozen=True)
class Obj:
    """A URL value taken from a named object of the matrix world (conftest.build_matrix_world()["objects"])."""
    name: str
    attr: str = "pk"


@dataclass(frozen=True)
class Literal:
    value: object


# URL kwarg name → where its value comes from unless a case says otherwise. `None` = the name is ambiguous (pk):
# each case must name the object. A kwarg missing from this table fails the test.
URL_KWARGS: dict[str, Obj | Literal | None] = {
    "pk": None,
    "slug": Obj("mc", "slug"),
    "number": Obj("mc_version", "number"),
    "position": Literal(1),
    "prompt_id": Obj("draft_prompt"),
    "evidence_id": Obj("draft_evidence"),
    "file_id": Obj("draft_file"),
    "earner_id": Obj("earner"),
    "credential_id": Obj("credential"),
    "key_id": Obj("issuer_key"),
    "purpose": Obj("status_list", "purpose"),
    "list_id": Obj("status_list", "list_id"),
    "action": None,
    "recognizer": Obj("recognizer_org", "slug"),
    "version": Obj("policy_draft", "version"),
    "uidb64": Literal("MQ"),
    "token": Literal("set-password-not-a-real-token"),
    "application_id": Obj("ob_client"),
    "export_id": Obj("personal_data_export"),
    "kind": None,  # analytics dashboards: district, state, issuer (each case names it)
    "table": Literal("funnel"),
}


@dataclass
class Case:
    method: str
    expect: dict[str, str]
    label: str = ""
    kwargs: dict[str, str | Obj | Literal] = field(default_factory=dict)  # a str is an object name, attr from URL_KWARGS
    data: dict | None = None  # body; values may be Obj(...) (resolved) or callables world → value
    query: dict | None = None
    format: str = "form"  # form | json | multipart
    leaks: dict[str, str] = field(default_factory=dict)  # role → "leak: …" (known, xfail; files we may not edit)


def GET(expectation, **kw) -> Case:
    return Case("GET", expectation, **kw)


def POST(expectation, **kw) -> Case:
    return Case("POST", expectation, **kw)


def PUT(expectation, **kw) -> Case:
    return Case("PUT", expectation, **kw)


def DELETE(expectation, **kw) -> Case:
    return Case("DELETE", expectation, **kw)


def public_document(**kw) -> list[Case]:
    """A public, read-only document: everyone reads it; nobody posts to it."""
    return [GET(EVERYONE, **kw), POST(METHOD_NOT_ALLOWED, **kw)]


def read_page(expectation, **kw) -> list[Case]:
    """A page that only reads: GET as declared; a POST renders the same page and must change nothing."""
    post = {role: (REFUSED if outcome == OK else outcome) for role, outcome in expectation.items()}
    return [GET(expectation, **kw), POST(post, **kw)]


# An MC published for members of the earner's district only (the coach is a member of that district too); the
# owning issuer's people (its assessors included) see their own MCs.
MEMBERS_MC_READERS = ("earner", "coach", *ASSESSORS, *OWN_AUTHORS)  # members of the district, and of issuer-one (its owner)
DRAFT_ATTEMPT_VIEWERS = ("earner", "coach", "platform_admin")  # the coach because the earner shares it
SUBMITTED_ATTEMPT_VIEWERS = ("earner", "platform_admin")  # not shared with the coach; assessors see it only blind
HOSTILE = "OUTSIDER-WRITE <script>alert(1)</script>"
KNOWN_ISSUER_ADMINS = ("recognizer", "other_recognizer", "platform_admin")  # who manages known external issuers

def DEFINITION(world) -> dict:  # noqa: N802 — used like the other body constants
    """A complete, valid MC definition of issuer-one (for the authoring API)."""
    from microcred.catalog.tests.factories import make_definition

    return make_definition(title="Matrix imported practice")


ENDPOINTS: dict[str, list[Case]] = {
    # --- core ---------------------------------------------------------------------------------------------
    "": read_page(EVERYONE),
    "healthz": public_document(),
    "favicon.ico": public_document(),
    "help/": public_document(),
    "api/schema/": public_document(),

    # --- accounts -----------------------------------------------------------------------------------------
    "accounts/login/": [GET(EVERYONE), POST(NOBODY_WRITES, data={"username": "earner", "password": "wrong-password"})],
    "accounts/logout/": [GET(METHOD_NOT_ALLOWED), POST(EVERYONE)],
    "accounts/language/": [GET(METHOD_NOT_ALLOWED), POST(EVERYONE, data={"language": "es", "next": "/"})],
    "accounts/password-reset/": [GET(EVERYONE), POST(EVERYONE, data={"email": "earner@example.org"})],
    "accounts/password-reset/sent/": [GET(EVERYONE), POST(METHOD_NOT_ALLOWED)],
    "accounts/reset/<uidb64>/<token>/": [GET(EVERYONE), POST(NOBODY_WRITES, data={"new_password1": "x", "new_password2": "x"})],
    "accounts/reset/done/": [GET(EVERYONE), POST(METHOD_NOT_ALLOWED)],
    "accounts/profile/": [GET(SIGNED_IN_OWN), POST(SIGNED_IN_OWN, data={"school_name": HOSTILE})],

    # --- catalog ------------------------------------------------------------------------------------------
    "catalog/": read_page(EVERYONE),
    "catalog/mc/<slug:slug>/": [
        *read_page(EVERYONE, label="published"),
        *read_page(expect(NOT_FOUND, anonymous=NOT_FOUND), label="unpublished draft", kwargs={"slug": Obj("draft_mc", "slug")}),
        GET(only(MEMBERS_MC_READERS, anonymous=NOT_FOUND), label="members only", kwargs={"slug": Obj("members_mc", "slug")}),
    ],
    "catalog/mc/<slug:slug>/v<int:number>/": [
        *read_page(EVERYONE, label="published"),
        *read_page(only(OWN_AUTHORS, anonymous=NOT_FOUND), label="draft",
                   kwargs={"slug": Obj("draft_mc", "slug"), "number": Obj("draft_version", "number")}),
    ],
    "catalog/stacks/": read_page(EVERYONE),
    "catalog/stacks/<slug:slug>/": [
        *read_page(EVERYONE, label="published", kwargs={"slug": Obj("stack", "slug")}),
        *read_page(only(OWN_AUTHORS, anonymous=NOT_FOUND), label="draft",
                   kwargs={"slug": Obj("draft_stack", "slug")}),
    ],
    "catalog/author/": read_page(only(AUTHORS, others=FORBIDDEN)),
    "catalog/author/new/": [
        GET(only(AUTHORS, others=FORBIDDEN)),
        POST(only(OWN_AUTHORS, others=FORBIDDEN, other_author=REFUSED, other_admin=REFUSED),
             data={"title": "Outsider practice", "competency": "x", "key_method": "y", "owner": Obj("issuer_org")}),
    ],
    "catalog/author/import/": [GET(only(AUTHORS, others=FORBIDDEN)),
                               POST(only(AUTHORS, REFUSED, others=FORBIDDEN), data={"owner": Obj("issuer_org")})],
    "catalog/author/stacks/new/": [
        GET(only(AUTHORS, others=FORBIDDEN)),
        POST(only(OWN_AUTHORS, others=FORBIDDEN, other_author=REFUSED, other_admin=REFUSED),
             data={"owner": Obj("issuer_org"), "title": "Outsider stack", "kind": "stack", "rule": "all_of",
                   "items": lambda w: w["objects"]["mc"].slug}),
    ],
    "catalog/author/stacks/<slug:slug>/": [
        GET(only(OWN_AUTHORS, others=FORBIDDEN, other_author=NOT_FOUND, other_admin=NOT_FOUND), kwargs={"slug": Obj("draft_stack", "slug")}),
        POST(only(("issuer_admin", "platform_admin"), others=FORBIDDEN, author=REFUSED, other_author=NOT_FOUND, other_admin=NOT_FOUND),
             label="publish", kwargs={"slug": Obj("draft_stack", "slug")}, data={"state": "published"}),
    ],
    "catalog/author/mc/<slug:slug>/v<int:number>/": [
        GET(only(OWN_AUTHORS), kwargs={"slug": Obj("draft_mc", "slug"), "number": Obj("draft_version", "number")}),
        POST(only(OWN_AUTHORS), kwargs={"slug": Obj("draft_mc", "slug"), "number": Obj("draft_version", "number")},
             data={"title": HOSTILE, "competency": "x", "key_method": "y"}),
    ],
    "catalog/author/mc/<slug:slug>/v<int:number>/export.json": read_page(
        only(OWN_AUTHORS), kwargs={"slug": Obj("draft_mc", "slug"), "number": Obj("draft_version", "number")}),
    "catalog/author/mc/<slug:slug>/v<int:number>/parts/new/": [
        GET(only(OWN_AUTHORS), kwargs={"slug": Obj("draft_mc", "slug"), "number": Obj("draft_version", "number")}),
        POST(only(OWN_AUTHORS), kwargs={"slug": Obj("draft_mc", "slug"), "number": Obj("draft_version", "number")},
             data={"title": HOSTILE}),
    ],
    "catalog/author/mc/<slug:slug>/v<int:number>/parts/<int:position>/": [
        GET(only(OWN_AUTHORS), kwargs={"slug": Obj("draft_mc", "slug"), "number": Obj("draft_version", "number")}),
        POST(only(OWN_AUTHORS), label="delete part (asks to confirm)",
             kwargs={"slug": Obj("draft_mc", "slug"), "number": Obj("draft_version", "number")}, data={"delete": "1"}),
        POST(only(OWN_AUTHORS), label="delete part, confirmed",
             kwargs={"slug": Obj("draft_mc", "slug"), "number": Obj("draft_version", "number")},
             data={"delete": "1", "confirmed": "yes"}),
    ],
    "catalog/author/mc/<slug:slug>/v<int:number>/translations/<str:language>/": [
        GET(only(OWN_AUTHORS), kwargs={"language": Literal("es")}),
        POST(only(OWN_AUTHORS), kwargs={"language": Literal("es")}, data={"title": HOSTILE}),
    ],
    "catalog/author/mc/<slug:slug>/v<int:number>/alignments/": [
        GET(only(OWN_AUTHORS), kwargs={"slug": Obj("draft_mc", "slug"), "number": Obj("draft_version", "number")}),
        POST(only(OWN_AUTHORS), kwargs={"slug": Obj("draft_mc", "slug"), "number": Obj("draft_version", "number")},
             data={"action": "remove", "alignment": HOSTILE}),
    ],
    "catalog/author/mc/<slug:slug>/v<int:number>/change-note/": [
        GET(SIGNED_IN_NOT_ALLOWED, kwargs={"slug": Obj("draft_mc", "slug"), "number": Obj("draft_version", "number")}),
        POST(only(OWN_AUTHORS), kwargs={"slug": Obj("draft_mc", "slug"), "number": Obj("draft_version", "number")},
             data={"change_note": HOSTILE}),
    ],
    "catalog/author/mc/<slug:slug>/v<int:number>/<str:action>/": [
        GET(SIGNED_IN_NOT_ALLOWED, kwargs={"slug": Obj("draft_mc", "slug"), "number": Obj("draft_version", "number"),
                                           "action": Literal("submit")}),
        POST(only(OWN_AUTHORS), label="submit a draft",
             kwargs={"slug": Obj("draft_mc", "slug"), "number": Obj("draft_version", "number"), "action": Literal("submit")}),
        POST(only(("issuer_admin", "platform_admin"), author=REFUSED), label="retire the published version",
             kwargs={"action": Literal("retire")}, data={"reason": "Outsider retires it."}),
    ],

    # --- earning ------------------------------------------------------------------------------------------
    "earn/": read_page(SIGNED_IN_OWN),
    "earn/earned/": read_page(SIGNED_IN_OWN),
    "earn/start/<slug:slug>/": [
        GET(SIGNED_IN_NOT_ALLOWED, kwargs={"slug": Obj("other_mc", "slug")}),
        POST(SIGNED_IN_OWN, label="published", kwargs={"slug": Obj("other_mc", "slug")}),
        POST(expect(REFUSED, anonymous=LOGIN), label="unpublished draft", kwargs={"slug": Obj("draft_mc", "slug")}),
        POST(only(MEMBERS_MC_READERS), label="members only", kwargs={"slug": Obj("members_mc", "slug")}),
    ],
    "earn/attempts/<int:pk>/": [
        *read_page(only(DRAFT_ATTEMPT_VIEWERS), label="draft, shared with the coach", kwargs={"pk": "draft_attempt"}),
        GET(only(SUBMITTED_ATTEMPT_VIEWERS), label="submitted, not shared", kwargs={"pk": "submitted_attempt"}),
    ],
    "earn/attempts/<int:pk>/answer/<int:prompt_id>/": [
        GET(SIGNED_IN_NOT_ALLOWED, kwargs={"pk": "draft_attempt"}),
        POST(only(("earner",)), kwargs={"pk": "draft_attempt"}, data={"text": HOSTILE}),
    ],
    "earn/attempts/<int:pk>/upload/<int:prompt_id>/": [
        GET(SIGNED_IN_NOT_ALLOWED, kwargs={"pk": "draft_attempt"}),
        POST(only(("earner",)), kwargs={"pk": "draft_attempt", "prompt_id": "draft_file_prompt"}, format="multipart", data={"file": "mp4"}),
    ],
    "earn/attempts/<int:pk>/evidence/<int:evidence_id>/remove/": [
        GET(SIGNED_IN_NOT_ALLOWED, kwargs={"pk": "draft_attempt"}),
        POST(only(("earner",)), kwargs={"pk": "draft_attempt"}),
    ],
    "earn/attempts/<int:pk>/evidence/<int:evidence_id>/public/": [
        GET(SIGNED_IN_NOT_ALLOWED, kwargs={"pk": "draft_attempt"}),
        POST(only(("earner",)), kwargs={"pk": "draft_attempt"}, data={"public": "1"}),
    ],
    "earn/attempts/<int:pk>/<str:action>/": [
        GET(SIGNED_IN_NOT_ALLOWED, kwargs={"pk": "draft_attempt", "action": Literal("submit")}),
        POST(only(("earner",), coach=REFUSED, platform_admin=REFUSED), label="submit",
             kwargs={"pk": "draft_attempt", "action": Literal("submit")}, data={"privacy": "1", "note_to_assessor": HOSTILE}),
        POST(only(("earner",), platform_admin=REFUSED), label="withdraw",
             kwargs={"pk": "submitted_attempt", "action": Literal("withdraw")}),
        POST(only(("earner",), coach=REFUSED, platform_admin=REFUSED), label="share",
             kwargs={"pk": "draft_attempt", "action": Literal("share")}, data={"shared": "0"}),
        POST(only(("earner",), coach=REFUSED, platform_admin=REFUSED), label="abandon",
             kwargs={"pk": "draft_attempt", "action": Literal("abandon")}),
        POST(only(("coach", "earner"), platform_admin=REFUSED), label="coach comment (the earner may reply)",
             kwargs={"pk": "draft_attempt", "action": Literal("comment")}, data={"text": HOSTILE}),
    ],
    "earn/files/<uuid:file_id>/": [
        GET(only(DRAFT_ATTEMPT_VIEWERS), label="draft attempt's file"),
        GET(only((*SUBMITTED_ATTEMPT_VIEWERS, "assessor_assigned")), label="file under review", kwargs={"file_id": "submitted_file"}),
        POST(SIGNED_IN_NOT_ALLOWED),
    ],
    "earn/coaching/": read_page(SIGNED_IN_OWN),
    "earn/notifications/": [GET(SIGNED_IN_OWN), POST(SIGNED_IN_OWN)],
    "earn/plan/": [GET(SIGNED_IN_OWN), POST(SIGNED_IN_OWN, data={"action": "goals", "goals": HOSTILE})],
    "earn/plan/<int:earner_id>/": [
        GET(only(("coach",)), label="the earner's plan"),
        GET(only(("other_coach",)), label="another earner's plan", kwargs={"earner_id": Obj("other_earner")}),
        POST(only(("coach",)), data={"action": "propose", "propose-micro_credential": Obj("other_mc"), "propose-note": HOSTILE}),
    ],
    "earn/priorities/": [
        GET(only(("recognizer", "other_recognizer", "platform_admin"), others=FORBIDDEN)),
        POST(only(("recognizer", "platform_admin"), others=FORBIDDEN, other_recognizer=REFUSED),
             data={"action": "mark", "organization": Obj("recognizer_org"), "micro_credential": Obj("other_mc"), "reason": HOSTILE}),
    ],
    "earn/sponsorship/": [
        GET(only(SPONSORS, others=FORBIDDEN)),
        POST(only(("issuer_admin", "platform_admin"), others=FORBIDDEN, other_admin=REFUSED, recognizer=REFUSED, other_recognizer=REFUSED),
             data={"sponsor": Obj("issuer_org"), "code": "OUTSIDER1", "max_uses": "5"}),
    ],
    "earn/sponsorship/fees.csv": [
        *read_page(only(SPONSORS, others=FORBIDDEN), label="own organizations"),
        GET(only(("issuer_admin", "platform_admin"), others=FORBIDDEN, other_admin=NOT_FOUND, recognizer=NOT_FOUND,
                 other_recognizer=NOT_FOUND), label="one organization", query={"organization": "issuer-one"}),
    ],

    # --- assessment ---------------------------------------------------------------------------------------
    "assess/": read_page(only(ASSESSORS, others=FORBIDDEN)),
    "assess/next/": [GET(SIGNED_IN_NOT_ALLOWED),
                     POST(only(("assessor_assigned",), others=FORBIDDEN, assessor_unassigned=REFUSED, assessor_uncertified=REFUSED))],
    "assess/calibration/<slug:slug>/start/": [
        GET(SIGNED_IN_NOT_ALLOWED, kwargs={"slug": Obj("review_mc", "slug")}),
        POST(expect(NOT_FOUND, assessor_assigned=REFUSED, assessor_unassigned=REFUSED), kwargs={"slug": Obj("review_mc", "slug")}),
    ],
    "assess/items/<int:pk>/": [
        GET(only(("assessor_assigned",)), kwargs={"pk": "assignment"}),
        POST(only(("assessor_assigned",)), kwargs={"pk": "assignment"}, data=lambda w: w["scores_form"]),
    ],
    "assess/items/<int:pk>/release/": [
        GET(SIGNED_IN_NOT_ALLOWED, kwargs={"pk": "assignment"}),
        POST(only(("assessor_assigned",)), kwargs={"pk": "assignment"}, data={"reason": HOSTILE}),
    ],
    "assess/items/<int:pk>/precheck/": [
        GET(SIGNED_IN_NOT_ALLOWED, kwargs={"pk": "assignment"}),
        POST(only(()), kwargs={"pk": "assignment"}, data={"complete": "1"}),  # not a pre-check item: 404 even to its assessor
    ],
    "assess/issuer/": read_page(only(("issuer_admin", "other_admin", "platform_admin"), others=FORBIDDEN)),
    "assess/issuer/mc/<slug:slug>/": read_page(only(("issuer_admin", "platform_admin"), others=FORBIDDEN),
                                               kwargs={"slug": Obj("review_mc", "slug")}),
    "assess/issuer/mc/<slug:slug>/pool/": [
        GET(SIGNED_IN_NOT_ALLOWED, kwargs={"slug": Obj("review_mc", "slug")}),
        POST(only(("issuer_admin", "platform_admin"), others=FORBIDDEN), kwargs={"slug": Obj("review_mc", "slug")},
             data=lambda w: {f"p{w['objects']['review_mc'].pk}-assessor": w["people"]["assessor_uncertified"].pk}),
    ],
    "assess/issuer/assignments/<int:pk>/reassign/": [
        GET(SIGNED_IN_NOT_ALLOWED, kwargs={"pk": "assignment"}),
        POST(only(("issuer_admin", "platform_admin"), others=FORBIDDEN), kwargs={"pk": "assignment"},
             data=lambda w: {f"r{w['objects']['assignment'].pk}-to": w["people"]["assessor_unassigned"].pk,
                             f"r{w['objects']['assignment'].pk}-reason": HOSTILE}),
    ],
    "assess/issuer/reviews/<int:pk>/anchor/": [
        GET(only(("issuer_admin", "platform_admin"), others=FORBIDDEN), kwargs={"pk": "decided_review"}),
        POST(only(("issuer_admin", "platform_admin"), others=FORBIDDEN), kwargs={"pk": "decided_review"}, data={"title": HOSTILE}),
    ],

    # --- catalog API --------------------------------------------------------------------------------------
    "api/v1/catalog/": [GET(EVERYONE)],
    "api/v1/micro-credentials/<slug:slug>/": [
        GET(EVERYONE, label="published"),
        GET(expect(NOT_FOUND, anonymous=NOT_FOUND), label="unpublished draft", kwargs={"slug": Obj("draft_mc", "slug")}),
        GET(only(MEMBERS_MC_READERS, anonymous=NOT_FOUND), label="members only", kwargs={"slug": Obj("members_mc", "slug")}),
    ],
    "api/v1/micro-credentials/<slug:slug>/versions/<int:number>/": [
        GET(EVERYONE, label="published"),
        GET(only(OWN_AUTHORS, anonymous=NOT_FOUND), label="draft",
            kwargs={"slug": Obj("draft_mc", "slug"), "number": Obj("draft_version", "number")}),
    ],
    "api/v1/stacks/": [GET(EVERYONE)],
    "api/v1/stacks/<slug:slug>/": [
        GET(EVERYONE, label="published", kwargs={"slug": Obj("stack", "slug")}),
        GET(only(OWN_AUTHORS, anonymous=NOT_FOUND), label="draft", kwargs={"slug": Obj("draft_stack", "slug")}),
    ],
    "api/v1/authoring/import/": [
        POST(only(OWN_AUTHORS, others=FORBIDDEN), format="json",
             data=lambda w: {"owner": "issuer-one", "definition": DEFINITION(w)}),
    ],
    "api/v1/authoring/micro-credentials/<slug:slug>/versions/<int:number>/definition/": [
        GET(only(OWN_AUTHORS), kwargs={"slug": Obj("draft_mc", "slug"), "number": Obj("draft_version", "number")}),
        PUT(only(OWN_AUTHORS), kwargs={"slug": Obj("draft_mc", "slug"), "number": Obj("draft_version", "number")},
            format="json", data=DEFINITION),
    ],
    "api/v1/authoring/micro-credentials/<slug:slug>/versions/<int:number>/transition/": [
        POST(only(OWN_AUTHORS), kwargs={"slug": Obj("draft_mc", "slug"), "number": Obj("draft_version", "number")},
             format="json", data={"action": "submit"}),
    ],

    # --- earning API --------------------------------------------------------------------------------------
    "api/v1/earning/attempts/": [GET(SIGNED_IN_OWN),
                                 POST(SIGNED_IN_OWN, format="json", data=lambda w: {"micro_credential": w["objects"]["other_mc"].slug}),
                                 # outsiders get the same 400 as for an MC that does not exist, and nothing starts
                                 POST(only(MEMBERS_MC_READERS, others=REFUSED), label="members only", format="json",
                                      data=lambda w: {"micro_credential": w["objects"]["members_mc"].slug})],
    "api/v1/earning/attempts/<int:pk>/": [
        GET(only(DRAFT_ATTEMPT_VIEWERS), label="draft, shared with the coach", kwargs={"pk": "draft_attempt"}),
        GET(only(SUBMITTED_ATTEMPT_VIEWERS), label="submitted, not shared", kwargs={"pk": "submitted_attempt"}),
    ],
    "api/v1/earning/attempts/<int:pk>/answers/": [
        POST(only(("earner",)), kwargs={"pk": "draft_attempt"}, format="json",
             data=lambda w: {"prompt": w["objects"]["draft_prompt"].pk, "text": HOSTILE}),
    ],
    "api/v1/earning/attempts/<int:pk>/files/": [
        POST(only(("earner",)), kwargs={"pk": "draft_attempt"}, format="multipart",
             data=lambda w: {"prompt": w["objects"]["draft_file_prompt"].pk, "file": "mp4"}),
    ],
    "api/v1/earning/attempts/<int:pk>/evidence/<int:evidence_id>/": [
        DELETE(only(("earner",)), kwargs={"pk": "draft_attempt"}),
    ],
    "api/v1/earning/attempts/<int:pk>/submit/": [
        POST(only(("earner",)), kwargs={"pk": "draft_attempt"}, format="json", data={"privacy_confirmed": True, "note_to_assessor": HOSTILE}),
    ],
    "api/v1/earning/attempts/<int:pk>/withdraw/": [POST(only(("earner",)), kwargs={"pk": "submitted_attempt"}, format="json")],
    "api/v1/earning/recommendations/": [GET(SIGNED_IN_OWN)],
    "api/v1/earning/notifications/": [GET(SIGNED_IN_OWN)],

    # --- assessment API -----------------------------------------------------------------------------------
    "api/v1/assessment/queue/": [GET(SIGNED_IN_OWN)],  # each their own items: empty for non-assessors
    "api/v1/assessment/next/": [POST(expect(REFUSED, anonymous=LOGIN, assessor_assigned=OK), format="json")],
    "api/v1/assessment/items/<int:pk>/": [GET(only(("assessor_assigned",)), kwargs={"pk": "assignment"})],
    "api/v1/assessment/items/<int:pk>/scores/": [
        POST(only(("assessor_assigned",)), kwargs={"pk": "assignment"}, format="json", data=lambda w: w["scores_json"]),
    ],
    "api/v1/assessment/reliability/": [
        GET(only(("issuer_admin", "platform_admin"), others=FORBIDDEN), query=lambda w: {"mc": w["objects"]["review_mc"].slug}),
    ],

    # --- credentials (public documents, the earner's credentials) ----------------------------------------
    "issuers/<slug:slug>": public_document(kwargs={"slug": Obj("issuer_org", "slug")}),
    "issuers/<slug:slug>/": public_document(kwargs={"slug": Obj("issuer_org", "slug")}),
    "issuers/<slug:slug>/did.json": public_document(kwargs={"slug": Obj("issuer_org", "slug")}),
    "issuers/<slug:slug>/keys/<uuid:key_id>": public_document(kwargs={"slug": Obj("issuer_org", "slug")}),
    "status/<slug:slug>/<str:purpose>/<int:list_id>": public_document(kwargs={"slug": Obj("issuer_org", "slug")}),
    # A published version's badge image (its credentials name it): public to all.
    "credentials/badges/<slug:slug>/v<int:number>.<str:ext>": public_document(kwargs={"ext": Literal("png")}),
    "credentials/verify": [GET(METHOD_NOT_ALLOWED), POST(EVERYONE, format="json", data={"verifiableCredential": {"id": "x"}})],
    "credentials/mine/": [GET(SIGNED_IN_OWN), POST(SIGNED_IN_NOT_ALLOWED)],
    "credentials/mine/clr": [GET(SIGNED_IN_OWN), POST(SIGNED_IN_NOT_ALLOWED)],
    "credentials/import/": [GET(SIGNED_IN_OWN), POST(expect(REFUSED, anonymous=LOGIN), data={"document": "{}"})],
    # A private credential: its earner, and the issuer's admins and platform admins (policy.can_see_issued_credential);
    # the baked image (the whole credential in a file to pass on) stays the earner's alone.
    "credentials/<uuid:credential_id>": [
        GET(only(ISSUED_VIEWERS, anonymous=NOT_FOUND), label="private, as JSON"),
        GET(only(ISSUED_VIEWERS, anonymous=NOT_FOUND), label="private, as PDF", query={"format": "pdf"}),
        GET(only(("earner",), anonymous=NOT_FOUND), label="private, baked PNG", query={"format": "baked-png"}),
        GET(only(("earner",), anonymous=NOT_FOUND), label="private, baked SVG", query={"format": "baked-svg"}),
        POST(METHOD_NOT_ALLOWED),
    ],
    # Revocation asks first (GET: the confirmation page; POST without confirmed: the same page with the reason).
    "credentials/<uuid:credential_id>/revoke": [
        GET(only(("issuer_admin",), others=FORBIDDEN)),
        POST(only(("issuer_admin",), others=FORBIDDEN), label="first step", data={"reason": HOSTILE}),
        POST(only(("issuer_admin",), others=FORBIDDEN), label="confirmed", data={"reason": HOSTILE, "confirmed": "yes"}),
    ],
    # The issuer's list of issued credentials: issuer admins (their own issuers' only: other_admin's list is empty)
    # and platform admins; nobody else opens it.
    "credentials/issued/": [
        GET(only(ISSUED_LISTERS, others=FORBIDDEN)),
        GET(only(ISSUED_LISTERS, others=FORBIDDEN), label="search", query={"q": HOSTILE, "state": "active"}),
        POST(SIGNED_IN_NOT_ALLOWED),
    ],
    "api/v1/credentials/issued/": [
        GET(only(ISSUED_LISTERS, others=FORBIDDEN)),
        GET(only(ISSUED_LISTERS, others=FORBIDDEN), label="search", query={"q": HOSTILE, "state": "revoked"}),
    ],
    "credentials/<uuid:credential_id>/suspend": [
        GET(SIGNED_IN_NOT_ALLOWED),
        POST(only(("issuer_admin",), others=FORBIDDEN), data={"reason": HOSTILE}),
    ],
    "credentials/<uuid:credential_id>/unsuspend": [
        GET(SIGNED_IN_NOT_ALLOWED),
        POST(only(("issuer_admin",), others=FORBIDDEN), data={"reason": HOSTILE}),
    ],
    # The credential is private: its earner may see it (403 here), everyone else must not learn it exists (404).
    # Anyone signed in imports into their own credentials; an empty document is refused (400), nothing saved.
    "api/v1/credentials/import/": [GET(expect(NOT_ALLOWED, anonymous=LOGIN)),
                                   POST(expect(REFUSED, anonymous=LOGIN), format="json", data={"document": "{}"})],
    "api/v1/credentials/<uuid:credential_id>/": [GET(only(("issuer_admin",), earner=FORBIDDEN, platform_admin=FORBIDDEN))],
    "api/v1/credentials/<uuid:credential_id>/<str:action>/": [
        POST(only(("issuer_admin",), earner=FORBIDDEN, platform_admin=FORBIDDEN), kwargs={"action": Literal("unsuspend")}, format="json",
             data={"reason": HOSTILE}),
    ],
    # Known external issuers: platform admins and recognizer admins (credentials.permissions.can_register_known_issuer).
    "credentials/known-issuers/": [
        GET(only(KNOWN_ISSUER_ADMINS, others=FORBIDDEN)),
        POST(only(KNOWN_ISSUER_ADMINS, others=FORBIDDEN),
             data={"identifier": "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", "name": HOSTILE}),
    ],
    "credentials/known-issuers/<int:pk>/remove": [
        GET(SIGNED_IN_NOT_ALLOWED, kwargs={"pk": "known_issuer"}),
        POST(only(KNOWN_ISSUER_ADMINS, others=FORBIDDEN), kwargs={"pk": "known_issuer"}),
    ],
    "api/v1/known-issuers/": [
        GET(only(KNOWN_ISSUER_ADMINS, others=FORBIDDEN)),
        POST(only(KNOWN_ISSUER_ADMINS, others=FORBIDDEN), format="json",
             data={"identifier": "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", "name": HOSTILE}),
    ],
    "api/v1/known-issuers/<int:pk>/": [
        GET(only(KNOWN_ISSUER_ADMINS, others=FORBIDDEN), kwargs={"pk": "known_issuer"}),
        DELETE(only(KNOWN_ISSUER_ADMINS, others=FORBIDDEN), kwargs={"pk": "known_issuer"}),
    ],
    "credentials/<uuid:credential_id>/visibility": [
        GET(SIGNED_IN_NOT_ALLOWED),
        POST(only(("earner",), others=FORBIDDEN), data=lambda w: {f"{w['objects']['credential'].pk}-visibility": "public"}),
    ],
}

# --- recognition ------------------------------------------------------------------------------------------
RECOGNIZER_ADMINS = ("recognizer", "other_recognizer", "platform_admin")
STATE_RECOGNIZER = ("recognizer", "platform_admin")  # the matrix policy is state-agency's; platform admins manage every recognizer


def _policy_text(**kw):
    import json

    from .conftest import policy_document

    return json.dumps(policy_document(**kw))


ENDPOINTS.update({
    # require_GET runs before login_required on these pages: any POST is a 405, even anonymous
    "recognition/": [GET(SIGNED_IN_OWN), POST(METHOD_NOT_ALLOWED)],
    "recognition/portability/": [GET(SIGNED_IN_OWN), POST(METHOD_NOT_ALLOWED)],
    "recognition/manage/": [GET(only(RECOGNIZER_ADMINS, others=FORBIDDEN)), POST(METHOD_NOT_ALLOWED)],
    "recognition/manage/<slug:recognizer>/new/": [
        GET(only(STATE_RECOGNIZER, others=FORBIDDEN)),
        POST(only(STATE_RECOGNIZER, others=FORBIDDEN), data=lambda w: {"document": _policy_text(slug="matrix-outsider")}),
    ],
    "recognition/manage/<slug:recognizer>/facts/": [
        GET(only(STATE_RECOGNIZER, others=FORBIDDEN)),
        POST(only(STATE_RECOGNIZER, others=FORBIDDEN), data={"username": "earner", "key": "years_licensed", "value": "7"}),
    ],
    "recognition/manage/<slug:recognizer>/awards.csv": [GET(only(STATE_RECOGNIZER, others=FORBIDDEN)), POST(METHOD_NOT_ALLOWED)],
    "recognition/policies/<slug:slug>/": [
        GET(only(STATE_RECOGNIZER), kwargs={"slug": Obj("policy", "slug")}),
        POST(only(STATE_RECOGNIZER), kwargs={"slug": Obj("policy", "slug")},
             data=lambda w: {"document": _policy_text(title=HOSTILE)}),
    ],
    "recognition/policies/<slug:slug>/v<int:version>/dry-run/": [
        GET(only(STATE_RECOGNIZER), kwargs={"slug": Obj("policy", "slug")}), POST(METHOD_NOT_ALLOWED, kwargs={"slug": Obj("policy", "slug")})],
    "recognition/policies/<slug:slug>/v<int:version>/publish/": [
        GET(METHOD_NOT_ALLOWED, kwargs={"slug": Obj("policy", "slug")}),
        POST(only(STATE_RECOGNIZER), kwargs={"slug": Obj("policy", "slug")}),
        POST(only(STATE_RECOGNIZER), label="confirmed", kwargs={"slug": Obj("policy", "slug")}, data={"confirmed": "yes"})],
    "recognition/policies/<slug:slug>/qualifiers/": [
        GET(only(STATE_RECOGNIZER), kwargs={"slug": Obj("policy", "slug")}), POST(METHOD_NOT_ALLOWED, kwargs={"slug": Obj("policy", "slug")})],

    "api/v1/recognition/me/progress/": [GET(SIGNED_IN_OWN)],
    "api/v1/recognition/me/awards/": [GET(SIGNED_IN_OWN)],
    "api/v1/recognition/me/portability/": [GET(SIGNED_IN_OWN)],
    "api/v1/recognition/policies/": [
        GET(only(RECOGNIZER_ADMINS, others=FORBIDDEN)),
        POST(only(STATE_RECOGNIZER, others=FORBIDDEN), format="json", data=lambda w: {"document": _policy_text(slug="matrix-outsider")}),
    ],
    "api/v1/recognition/policies/<slug:slug>/": [GET(only(STATE_RECOGNIZER), kwargs={"slug": Obj("policy", "slug")})],
    "api/v1/recognition/policies/<slug:slug>/dry-run/": [GET(only(STATE_RECOGNIZER), kwargs={"slug": Obj("policy", "slug")})],
    "api/v1/recognition/policies/<slug:slug>/publish/": [
        POST(only(STATE_RECOGNIZER), kwargs={"slug": Obj("policy", "slug")}, format="json", data={})],
    "api/v1/recognition/policies/<slug:slug>/qualifiers/": [GET(only(STATE_RECOGNIZER), kwargs={"slug": Obj("policy", "slug")})],
    "api/v1/recognition/awards/": [GET(only(STATE_RECOGNIZER, others=FORBIDDEN), query={"recognizer": "state-agency"})],
    "api/v1/recognition/facts/": [
        POST(only(STATE_RECOGNIZER, others=FORBIDDEN), format="json",
             data={"recognizer": "state-agency", "educator": "earner", "key": "years_licensed", "value": 7})],

    # --- audit trail (platform admins only); require_GET runs before login_required ----------------------------
    "audit/": [GET(only(("platform_admin",), others=FORBIDDEN)), POST(METHOD_NOT_ALLOWED)],
    "audit/export": [GET(only(("platform_admin",), others=FORBIDDEN)), POST(METHOD_NOT_ALLOWED)],

    # --- two-factor sign-in: each person their own ----------------------------------------------------------
    # without a password step in progress the code page sends an anonymous visitor to the login page
    "accounts/login/code/": [GET(expect(OK, anonymous=LOGIN)), POST(expect(REFUSED, anonymous=LOGIN), data={"code": "000000"})],
    # One's own account only; a new e-mail address needs the current password (a wrong one changes nothing).
    "accounts/account/": [GET(SIGNED_IN_OWN),
                          POST(expect(REFUSED, anonymous=LOGIN), data={"action": "email", "email-email": "new@example.org",
                                                                       "email-password": "not-the-password"})],
    "accounts/two-factor/": [GET(SIGNED_IN_OWN), POST(SIGNED_IN_NOT_ALLOWED)],
    "accounts/two-factor/setup/": [GET(SIGNED_IN_OWN), POST(expect(REFUSED, anonymous=LOGIN), data={"code": "000000"})],
    "accounts/two-factor/disable/": [GET(SIGNED_IN_NOT_ALLOWED), POST(expect(REFUSED, anonymous=LOGIN), data={"code": "000000"})],
    "accounts/two-factor/recovery-codes/": [GET(SIGNED_IN_NOT_ALLOWED), POST(expect(REFUSED, anonymous=LOGIN), data={"code": "000000"})],

    # --- one's own personal data (issue 14 item 6): each person their own; nobody else downloads an export --------
    "earn/notifications/preferences/": [GET(SIGNED_IN_OWN), POST(SIGNED_IN_OWN, data={"email": ["plan"], "in_app": ["plan"]})],
    "api/v1/earning/notification-preferences/": [
        GET(SIGNED_IN_OWN), PUT(SIGNED_IN_OWN, format="json", data={"email": ["plan"], "in_app": ["decision"]})],
    "accounts/account/data/": [GET(SIGNED_IN_OWN), POST(SIGNED_IN_OWN)],
    # The earner's export: 404 to everyone else, platform admins included (they use the command on the server).
    "accounts/account/data/<uuid:export_id>/": [GET(only(("earner",))), POST(SIGNED_IN_NOT_ALLOWED)],
    # Asking for deletion needs the current password: a wrong one records nothing.
    "accounts/account/delete/": [GET(SIGNED_IN_OWN),
                                 POST(expect(REFUSED, anonymous=LOGIN), data={"action": "request", "password": "not-the-password"})],
})


def _ob_authorize(world, *, deny: bool = False) -> dict:
    """A well-formed authorization request of the matrix world's OB 3.0 client (PKCE S256)."""
    from microcred.interop.tests.helpers import REDIRECT, pkce

    return {"response_type": "code", "client_id": world["objects"]["ob_client"].client_id, "redirect_uri": REDIRECT,
            "scope": "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly", "state": "matrix",
            "code_challenge": pkce()[1], "code_challenge_method": "S256"}


# --- Open Badges 3.0 API (microcred.interop): bearer tokens only, so a signed-in session is "not authenticated"
ENDPOINTS.update({
    "ims/ob/v3p0/discovery": public_document(),
    # Integration keys' JWKS: public keys only (the private halves are never served, to anyone).
    "interop/jwks.json": public_document(),
    "ims/ob/v3p0/credentials": [GET(expect(LOGIN)), POST(expect(LOGIN), format="json", data={"id": HOSTILE})],
    "ims/ob/v3p0/profile": [GET(expect(LOGIN)), PUT(expect(LOGIN), format="json", data={"type": "Profile", "name": HOSTILE})],
    # Anyone may register a client (RFC 7591, no initial access token); malformed metadata changes nothing.
    "oauth/register": [GET(METHOD_NOT_ALLOWED), POST(expect(REFUSED), format="json", data={"client_name": HOSTILE})],
    # The consent page: each signed-in person answers for themselves; Deny (no "allow") sends access_denied back.
    "oauth/authorize": [GET(expect(OK, anonymous=LOGIN), query=_ob_authorize),
                        POST(expect(OK, anonymous=LOGIN), data=_ob_authorize)],
    # Client authentication is HTTP Basic with the client secret: a session is not a client.
    "oauth/token": [GET(METHOD_NOT_ALLOWED), POST(expect(LOGIN), data={"grant_type": "authorization_code", "code": "x"})],
    "oauth/revoke": [GET(METHOD_NOT_ALLOWED), POST(expect(LOGIN), data={"token": "x"})],
    "connected-apps/": [GET(SIGNED_IN_OWN), POST(SIGNED_IN_NOT_ALLOWED)],
    # Revoking ends only the signed-in person's own grants (none here): a message, nothing else changes.
    "connected-apps/<int:application_id>/revoke": [GET(SIGNED_IN_NOT_ALLOWED), POST(expect(OK, anonymous=LOGIN))],
})

# --- LTI 1.3 tool (microcred.interop.lti, docs/lti.md): the tool's documents are public; login and launch answer
# an LMS (a hostile or unsigned request gets a page saying why, nothing changes); platforms are platform admins'.
LTI_ADMINS = ("platform_admin",)
_LTI_PLATFORM = {"pk": Obj("lti_platform")}
_LTI_FORM = {"name": HOSTILE, "issuer": "javascript:alert(1)", "client_id": HOSTILE, "deployment_ids": "",
             "jwks_url": "http://x", "auth_login_url": HOSTILE, "organization": "x"}
ENDPOINTS.update({
    "lti/jwks": public_document(),
    "lti/config.json": public_document(),
    # Any browser an LMS sends may start a login (it only sends them on to the LMS); a hostile one is refused.
    "lti/login": [GET(EVERYONE, query={"iss": "https://lms.matrix.example", "login_hint": "x", "client_id": "matrix"}),
                  POST(expect(REFUSED), data={"iss": HOSTILE, "login_hint": HOSTILE})],
    "lti/launch": [GET(METHOD_NOT_ALLOWED), POST(expect(REFUSED), data={"id_token": HOSTILE, "state": HOSTILE})],
    "lti/deep-link": [GET(METHOD_NOT_ALLOWED), POST(expect(REFUSED), data={"ticket": HOSTILE, "item": "mc:x"})],
    "lti/platforms/": [GET(only(LTI_ADMINS)), POST(expect(NOT_ALLOWED, anonymous=LOGIN))],
    "lti/platforms/new/": [GET(only(LTI_ADMINS)), POST(only(LTI_ADMINS, REFUSED), data=_LTI_FORM)],
    "lti/platforms/<int:pk>/": [GET(only(LTI_ADMINS), kwargs=_LTI_PLATFORM),
                                POST(only(LTI_ADMINS, REFUSED), kwargs=_LTI_PLATFORM, data=_LTI_FORM)],
})

# --- rosters (issue 14): organization admins of a district, school or state agency (none in the matrix world) and
# platform admins; everyone else is refused the pages and does not learn that an import exists (404).
ROSTER_IMPORTERS = ("platform_admin",)
ENDPOINTS.update({
    "rosters/": [GET(only(ROSTER_IMPORTERS, others=FORBIDDEN)),
                 POST(only(ROSTER_IMPORTERS, REFUSED, others=FORBIDDEN), data={"organization": Obj("recognizer_org"), "kind": "roster"})],
    "rosters/sync/": [GET(only(ROSTER_IMPORTERS, others=FORBIDDEN)),
                      POST(only(ROSTER_IMPORTERS, REFUSED, others=FORBIDDEN),
                           data={"organization": Obj("recognizer_org"), "url": "http://plain.example/b.zip", "every_hours": 24})],
    "rosters/runs/<int:pk>/": [GET(only(ROSTER_IMPORTERS), kwargs={"pk": Obj("roster_run")}),
                               POST(expect(NOT_ALLOWED, anonymous=LOGIN), kwargs={"pk": Obj("roster_run")})],
    "rosters/runs/<int:pk>/progress/": [GET(only(ROSTER_IMPORTERS), kwargs={"pk": Obj("roster_run")}),
                                        POST(expect(NOT_ALLOWED, anonymous=LOGIN), kwargs={"pk": Obj("roster_run")})],
    "rosters/runs/<int:pk>/problems.csv": [GET(only(ROSTER_IMPORTERS), kwargs={"pk": Obj("roster_run")}),
                                           POST(expect(NOT_ALLOWED, anonymous=LOGIN), kwargs={"pk": Obj("roster_run")})],
    "api/v1/rosters/runs/": [GET(only(ROSTER_IMPORTERS, others=FORBIDDEN)),
                             POST(only(ROSTER_IMPORTERS, REFUSED, others=FORBIDDEN), format="multipart",
                                  data={"organization": "rural-district", "kind": "roster"})],
    "api/v1/rosters/runs/<int:pk>/": [GET(only(ROSTER_IMPORTERS), kwargs={"pk": Obj("roster_run")}),
                                      POST(expect(NOT_ALLOWED, anonymous=LOGIN), kwargs={"pk": Obj("roster_run")})],
})

# --- people pages (issue 14 item 5): only people admins open them; a person they do not manage is 404 --------------
PEOPLE_ADMINS = ("issuer_admin", "other_admin", "recognizer", "other_recognizer", "platform_admin")


def people_case(managers) -> dict[str, str]:
    """People admins who manage the person: OK; other people admins: NOT_FOUND (nothing leaks); everyone else: 403."""
    return expect(FORBIDDEN, **{r: (OK if r in managers else NOT_FOUND) for r in PEOPLE_ADMINS})


EARNER_MANAGERS = ("platform_admin",)  # the earner belongs to a district; no matrix role is its organization admin
AUTHOR_MANAGERS = ("issuer_admin", "platform_admin")  # the author of issuer-one


def _people_cases(method, *, data=None, fmt="form"):
    return [method(people_case(EARNER_MANAGERS), label="district earner", kwargs={"pk": "earner"}, data=data and data("earner"), format=fmt),
            method(people_case(AUTHOR_MANAGERS), label="issuer author", kwargs={"pk": "author"}, data=data and data("author"), format=fmt)]


def _role_body(whom, *, api=False):
    org = "district" if whom == "earner" else "issuer"
    role = "coach" if whom == "earner" else "assessor"
    if api:
        return lambda w: {"organization": w["orgs"][org].slug, "role": role}
    return lambda w: {"organization": w["orgs"][org].pk, "role": role, "action": "grant"}


ENDPOINTS.update({
    "people/": [GET(only(PEOPLE_ADMINS, others=FORBIDDEN), query={"q": HOSTILE}), GET(only(PEOPLE_ADMINS, others=FORBIDDEN)),
                POST(SIGNED_IN_NOT_ALLOWED)],
    "people/<int:pk>/": [*_people_cases(GET), POST(SIGNED_IN_NOT_ALLOWED, kwargs={"pk": "earner"})],
    "people/<int:pk>/roles/": [GET(SIGNED_IN_NOT_ALLOWED, kwargs={"pk": "earner"}),
                               *_people_cases(POST, data=lambda whom: _role_body(whom))],
    "people/<int:pk>/coaches/": [GET(SIGNED_IN_NOT_ALLOWED, kwargs={"pk": "earner"}),
                                 POST(people_case(EARNER_MANAGERS), kwargs={"pk": "earner"},
                                      data=lambda w: {"coach": w["people"]["coach"].pk, "action": "assign"})],
    "people/<int:pk>/cohorts/": [GET(SIGNED_IN_NOT_ALLOWED, kwargs={"pk": "earner"}),
                                 POST(people_case(EARNER_MANAGERS), kwargs={"pk": "earner"}, data={"cohort": "1", "action": "add"})],
    "people/<int:pk>/deactivate/": [*_people_cases(GET), *_people_cases(POST, data=lambda whom: {"confirmed": "yes"})],
    "people/<int:pk>/reactivate/": [GET(SIGNED_IN_NOT_ALLOWED, kwargs={"pk": "earner"}), *_people_cases(POST)],
    "api/v1/people/": [GET(only(PEOPLE_ADMINS, others=FORBIDDEN), query={"q": HOSTILE, "limit": "5"})],
    "api/v1/people/<int:pk>/": _people_cases(GET),
    "api/v1/people/<int:pk>/roles/": _people_cases(POST, data=lambda whom: _role_body(whom, api=True), fmt="json"),
    "api/v1/people/<int:pk>/deactivate/": _people_cases(POST, data=lambda whom: {}, fmt="json"),
    "api/v1/people/<int:pk>/reactivate/": _people_cases(POST, data=lambda whom: {}, fmt="json"),
})

# --- single sign-on (issue 14 item 4): the district's providers are configured by its organization admins (none in the
# matrix world) and platform admins; signing in is public, but the matrix world's providers are turned off (404).
SSO_CONFIGURERS = ("platform_admin",)
_SSO_OIDC = {"slug": Obj("sso_oidc", "slug")}
_SSO_SAML = {"slug": Obj("sso_saml", "slug")}
_SSO_PROVIDER = {"pk": Obj("sso_oidc")}
_SSO_BAD_FORM = {"organization": Obj("recognizer_org"), "name": HOSTILE, "protocol": "oidc", "issuer": "ftp://x"}
ENDPOINTS.update({
    "sso/": [GET(EVERYONE, query={"email": HOSTILE}), GET(EVERYONE), POST(METHOD_NOT_ALLOWED)],
    "sso/logout/": [GET(METHOD_NOT_ALLOWED), POST(EVERYONE)],
    "sso/<slug:slug>/login/": [GET(expect(NOT_FOUND, anonymous=NOT_FOUND), kwargs=_SSO_OIDC), POST(METHOD_NOT_ALLOWED, kwargs=_SSO_OIDC)],
    "sso/<slug:slug>/callback/": [GET(expect(NOT_FOUND, anonymous=NOT_FOUND), kwargs=_SSO_OIDC, query={"code": "x", "state": "y"}),
                                  POST(METHOD_NOT_ALLOWED, kwargs=_SSO_OIDC)],
    "sso/<slug:slug>/saml/acs/": [GET(METHOD_NOT_ALLOWED, kwargs=_SSO_SAML),
                                  POST(expect(NOT_FOUND, anonymous=NOT_FOUND), kwargs=_SSO_SAML, data={"SAMLResponse": HOSTILE})],
    "sso/<slug:slug>/saml/metadata/": [GET(EVERYONE, kwargs=_SSO_SAML), POST(METHOD_NOT_ALLOWED, kwargs=_SSO_SAML)],
    "sso/providers/": [GET(only(SSO_CONFIGURERS, others=FORBIDDEN)), POST(SIGNED_IN_NOT_ALLOWED)],
    "sso/providers/new/": [GET(only(SSO_CONFIGURERS, others=FORBIDDEN)),
                           POST(only(SSO_CONFIGURERS, REFUSED, others=FORBIDDEN), data=_SSO_BAD_FORM)],
    "sso/providers/<int:pk>/": [GET(only(SSO_CONFIGURERS, others=FORBIDDEN), kwargs=_SSO_PROVIDER),
                                POST(SIGNED_IN_NOT_ALLOWED, kwargs=_SSO_PROVIDER)],
    "sso/providers/<int:pk>/edit/": [GET(only(SSO_CONFIGURERS, others=FORBIDDEN), kwargs=_SSO_PROVIDER),
                                     POST(only(SSO_CONFIGURERS, REFUSED, others=FORBIDDEN), kwargs=_SSO_PROVIDER, data=_SSO_BAD_FORM)],
    "sso/providers/<int:pk>/test/": [GET(SIGNED_IN_NOT_ALLOWED, kwargs=_SSO_PROVIDER),
                                     POST(only(SSO_CONFIGURERS, others=FORBIDDEN), kwargs=_SSO_PROVIDER)],
    "sso/providers/<int:pk>/enabled/": [GET(SIGNED_IN_NOT_ALLOWED, kwargs=_SSO_PROVIDER),
                                        POST(only(SSO_CONFIGURERS, others=FORBIDDEN), kwargs=_SSO_PROVIDER, data={"enabled": "no"})],
    "api/v1/sso/providers/": [GET(only(SSO_CONFIGURERS, others=FORBIDDEN)), POST(expect(NOT_ALLOWED, anonymous=LOGIN), format="json", data={})],
})

# --- invitations and self-registration (issue 14 item 3): people admins invite (their organizations' invitations
# only; another organization's is 404); organization admins (none in the matrix world) and platform admins configure
# self-registration and decide registrations; the links (accept, verify) carry a token: a wrong one is 404 for all.
INVITATION_MANAGERS = ("issuer_admin", "platform_admin")  # the matrix invitation is issuer-one's, to the assessor role
REGISTRATION_ADMINS = ("platform_admin",)
BAD_INVITE = {"action": "invite", "one-organization": Obj("issuer_org"), "one-role": "assessor", "one-email": "not-an-address"}
ENDPOINTS.update({
    "accounts/invitations/": [GET(only(PEOPLE_ADMINS, others=FORBIDDEN)), GET(only(PEOPLE_ADMINS, others=FORBIDDEN), query={"state": HOSTILE}),
                              POST(only(PEOPLE_ADMINS, REFUSED, others=FORBIDDEN), data=BAD_INVITE)],
    "accounts/invitations/<int:pk>/revoke/": [GET(only(INVITATION_MANAGERS), kwargs={"pk": Obj("invitation")}),
                                              POST(only(INVITATION_MANAGERS), kwargs={"pk": Obj("invitation")}, data={"confirmed": "yes"})],
    "accounts/invitations/<int:pk>/resend/": [GET(only(INVITATION_MANAGERS), kwargs={"pk": Obj("invitation")}),
                                              POST(only(INVITATION_MANAGERS), kwargs={"pk": Obj("invitation")}, data={"confirmed": "yes"})],
    "accounts/invitations/accept/<str:token>/": [GET(expect(NOT_FOUND, anonymous=NOT_FOUND)),
                                                 POST(expect(NOT_FOUND, anonymous=NOT_FOUND), data={"password1": "x", "password2": "x"})],
    "accounts/register/": [GET(EVERYONE), GET(EVERYONE, query={"org": HOSTILE}),
                           POST(NOBODY_WRITES, data={"organization": "rural-district", "email": "x@example.org",
                                                     "password1": "a-long-pass-123", "password2": "a-long-pass-123"})],
    "accounts/registrations/": [GET(only(REGISTRATION_ADMINS, others=FORBIDDEN)),
                                POST(only(REGISTRATION_ADMINS, NOT_FOUND, others=FORBIDDEN), data={"request": "999999", "decision": "approve"})],
    "accounts/self-registration/": [GET(only(REGISTRATION_ADMINS, others=FORBIDDEN)),
                                    POST(only(REGISTRATION_ADMINS, REFUSED, others=FORBIDDEN),
                                         data={"organization": Obj("recognizer_org"), "enabled": "on", "allowed_domains": ""})],
    "accounts/verify-email/<str:token>/": [GET(EVERYONE), POST(expect(NOT_FOUND, anonymous=NOT_FOUND))],
    "api/v1/accounts/invitations/": [GET(only(PEOPLE_ADMINS, others=FORBIDDEN), query={"state": HOSTILE, "limit": "5"}),
                                     POST(only(PEOPLE_ADMINS, REFUSED, others=FORBIDDEN), format="json",
                                          data={"organization": "issuer-one", "role": "assessor", "email": "not-an-address"})],
    "api/v1/accounts/invitations/<int:pk>/revoke/": [POST(only(INVITATION_MANAGERS), kwargs={"pk": Obj("invitation")}, format="json", data={}),
                                                    GET(expect(NOT_ALLOWED, anonymous=LOGIN), kwargs={"pk": Obj("invitation")})],
})

# --- quality assurance (issue 16): the framework and quality records are public; a review is seen by the owning
# issuer's people and the certified reviewers from elsewhere who may rate it (other_admin, certified for issuer-two);
# the author's organization never rates. The matrix review (of review_mc, issuer-one) is open for ratings.
QA_ADOPTERS = ("recognizer", "other_recognizer", "platform_admin")  # platform admins, state agencies' admins
QA_REVIEW_VIEWERS = (*OWN_AUTHORS, "other_admin")
QA_REVIEW = {"pk": Obj("quality_review")}
PILOT_VERSION = {"slug": Obj("review_mc", "slug"), "number": Literal(1)}
QA_CRITERIA = ("focus", "research", "resources", "evidence", "assessment", "transparency", "improvement")


def _qa_framework_json(world):
    from microcred.quality.framework import shipped

    return json.dumps(shipped(1))


ENDPOINTS.update({
    "quality/framework/": public_document(),
    "quality/framework/<int:number>/": public_document(kwargs={"number": Literal(1)}),
    "quality/framework/adopt/": [GET(only(QA_ADOPTERS)),
                                 POST(only(QA_ADOPTERS), data={"document": _qa_framework_json, "note": HOSTILE})],
    "quality/reviews/": [GET(only(AUTHORS)), POST(SIGNED_IN_NOT_ALLOWED)],
    "quality/reviews/<int:pk>/": [GET(only(QA_REVIEW_VIEWERS), kwargs=QA_REVIEW), POST(SIGNED_IN_NOT_ALLOWED, kwargs=QA_REVIEW)],
    "quality/reviews/<int:pk>/rate/": [
        GET(SIGNED_IN_NOT_ALLOWED, kwargs=QA_REVIEW),
        POST(only(("other_admin",), **{r: FORBIDDEN for r in OWN_AUTHORS}), kwargs=QA_REVIEW,
             data={**{f"level-{k}": "2" for k in QA_CRITERIA}, **{f"comment-{k}": HOSTILE for k in QA_CRITERIA}})],
    "quality/reviews/<int:pk>/decide/": [
        GET(SIGNED_IN_NOT_ALLOWED, kwargs=QA_REVIEW),
        POST(only((), **{r: FORBIDDEN for r in QA_REVIEW_VIEWERS}), kwargs=QA_REVIEW,
             data={**{f"score-{k}": "2" for k in QA_CRITERIA}, "outcome": "approved"})],
    "quality/reviews/<int:pk>/withdraw/": [
        GET(SIGNED_IN_NOT_ALLOWED, kwargs=QA_REVIEW),
        POST(only(("issuer_admin", "platform_admin"), author=FORBIDDEN, other_admin=FORBIDDEN), kwargs=QA_REVIEW)],
    "quality/micro-credentials/<slug:slug>/": [GET(only(OWN_AUTHORS)), POST(SIGNED_IN_NOT_ALLOWED)],
    "quality/micro-credentials/<slug:slug>/versions/<int:number>/submit/": [
        GET(SIGNED_IN_NOT_ALLOWED, kwargs={"slug": Obj("review_mc", "slug")}),
        POST(only(("issuer_admin", "platform_admin"), author=FORBIDDEN), kwargs={"slug": Obj("review_mc", "slug")})],
    # Pilots (issue 16 item 4): the matrix's review_mc has no pilot; opening one is the issuer admins' (and platform's).
    "quality/micro-credentials/<slug:slug>/versions/<int:number>/pilot/": [
        GET(expect(NOT_FOUND, anonymous=LOGIN), label="no pilot yet", kwargs=PILOT_VERSION),
        POST(SIGNED_IN_NOT_ALLOWED, kwargs=PILOT_VERSION)],
    "quality/micro-credentials/<slug:slug>/versions/<int:number>/pilot/open/": [
        GET(SIGNED_IN_NOT_ALLOWED, kwargs=PILOT_VERSION),
        POST(only(("issuer_admin", "platform_admin"), author=FORBIDDEN), kwargs=PILOT_VERSION, data={"cap": "20"})],
    "quality/micro-credentials/<slug:slug>/versions/<int:number>/pilot/close/": [
        GET(SIGNED_IN_NOT_ALLOWED, kwargs=PILOT_VERSION), POST(expect(NOT_FOUND, anonymous=LOGIN), kwargs=PILOT_VERSION)],
    "api/v1/quality/micro-credentials/<slug:slug>/versions/<int:number>/pilot/": [
        GET(expect(NOT_FOUND, anonymous=LOGIN), label="no pilot yet", kwargs=PILOT_VERSION),
        POST(only(("issuer_admin", "platform_admin"), author=FORBIDDEN), kwargs=PILOT_VERSION, format="json", data={"cap": 20})],
    "api/v1/quality/micro-credentials/<slug:slug>/versions/<int:number>/pilot/close/": [
        POST(expect(NOT_FOUND, anonymous=LOGIN), kwargs=PILOT_VERSION, format="json", data={})],
    "quality/record/<slug:slug>/": [
        *public_document(label="published"),
        GET(expect(NOT_FOUND, anonymous=NOT_FOUND), label="unpublished draft", kwargs={"slug": Obj("draft_mc", "slug")})],
    "quality/surveys/<int:pk>/": [GET(only(("earner",)), kwargs={"pk": Obj("experience_survey")}),
                                  POST(only(("earner",)), kwargs={"pk": Obj("experience_survey")}, data={"rating": "4", "comment": HOSTILE})],
    "api/v1/micro-credentials/<slug:slug>/quality/": [
        GET(EVERYONE, label="published"),
        GET(expect(NOT_FOUND, anonymous=NOT_FOUND), label="unpublished draft", kwargs={"slug": Obj("draft_mc", "slug")})],
    "api/v1/quality/framework/": [
        GET(EVERYONE),
        POST(only(QA_ADOPTERS), format="json", data=lambda world: {"data": json.loads(_qa_framework_json(world)), "note": HOSTILE})],
    "api/v1/quality/micro-credentials/<slug:slug>/versions/<int:number>/checks/": [GET(only(OWN_AUTHORS))],
    "api/v1/quality/reviews/": [
        POST(only(("issuer_admin", "platform_admin"), author=FORBIDDEN), format="json",
             data={"micro_credential": Obj("review_mc", "slug"), "version": 1})],
    "api/v1/quality/reviews/<int:pk>/": [GET(only(QA_REVIEW_VIEWERS), kwargs=QA_REVIEW)],
    "api/v1/quality/reviews/<int:pk>/ratings/": [
        POST(only(("other_admin",), **{r: FORBIDDEN for r in OWN_AUTHORS}), kwargs=QA_REVIEW, format="json",
             data={"ratings": {k: {"level": 2, "comment": HOSTILE} for k in QA_CRITERIA}})],
    "api/v1/quality/reviews/<int:pk>/decision/": [
        POST(only((), **{r: FORBIDDEN for r in QA_REVIEW_VIEWERS}), kwargs=QA_REVIEW, format="json",
             data={"scores": {k: 2 for k in QA_CRITERIA}, "outcome": "approved"})],
})


# --- analytics (issue 17): dashboards for those the policy lets see a place's or an issuer's figures (recognizer:
# its state's district and state dashboards; issuer admins: their issuer's; platform admins: all); teachers, coaches
# and assessors none. Another's dashboard is 404. One's own demographics and findability: every signed-in person.
ANALYSTS = ("issuer_admin", "other_admin", "recognizer", "other_recognizer", "platform_admin")
_STATE_DISTRICT = {"kind": Literal("district"), "slug": Obj("recognizer_org", "slug")}
_STATE = {"kind": Literal("state"), "slug": Obj("recognizer_org", "slug")}
_ISSUER = {"kind": Literal("issuer"), "slug": Obj("issuer_org", "slug")}
_BAD_FILTERS = {"period": HOSTILE, "mc": HOSTILE, "locale": HOSTILE, "title_i": HOSTILE}


def _dashboard_cases(kwargs_roles):
    cases = []
    for kwargs, roles in kwargs_roles:
        cases += [GET(only(roles), kwargs=kwargs), GET(only(roles), kwargs=kwargs, query=_BAD_FILTERS),
                  POST(METHOD_NOT_ALLOWED, kwargs=kwargs)]
    return cases


_DASHBOARDS = [(_STATE_DISTRICT, ("recognizer", "platform_admin")), (_STATE, ("recognizer", "platform_admin")),
               (_ISSUER, ("issuer_admin", "platform_admin"))]
ENDPOINTS.update({
    "analytics/": [GET(only(ANALYSTS, others=FORBIDDEN, anonymous=LOGIN)), POST(METHOD_NOT_ALLOWED)],
    "analytics/platform/": [GET(only(("platform_admin",))), GET(only(("platform_admin",)), query=_BAD_FILTERS),
                            POST(METHOD_NOT_ALLOWED)],
    "analytics/platform/<slug:table>.csv": [GET(only(("platform_admin",))), POST(METHOD_NOT_ALLOWED)],
    "analytics/<str:kind>/<slug:slug>/": _dashboard_cases(_DASHBOARDS),
    "analytics/<str:kind>/<slug:slug>/<slug:table>.csv": _dashboard_cases(_DASHBOARDS),
    "analytics/schools/": [GET(only(ROSTER_IMPORTERS, others=FORBIDDEN)),
                           POST(only(ROSTER_IMPORTERS, REFUSED, others=FORBIDDEN), data={"organization": Obj("recognizer_org")})],
    "analytics/me/": [GET(SIGNED_IN_OWN),
                      POST(SIGNED_IN_OWN, data={"action": "findability", "f-findable": "on"})],
    "analytics/impact/": [GET(only(("platform_admin",), others=FORBIDDEN)),
                          POST(only(("platform_admin",), others=FORBIDDEN), data={"action": "opt_in", "organization": HOSTILE})],
    "analytics/snapshots/<int:snapshot_id>/progress/": [GET(expect(NOT_FOUND, anonymous=LOGIN), kwargs={"snapshot_id": Literal(999999)}),
                                                        POST(METHOD_NOT_ALLOWED, kwargs={"snapshot_id": Literal(999999)})],
    "analytics/<str:kind>/<slug:slug>/refresh/": [case for kwargs, roles in _DASHBOARDS
                                                  for case in (GET(METHOD_NOT_ALLOWED, kwargs=kwargs), POST(only(roles), kwargs=kwargs))],
    "analytics/platform/refresh/": [GET(METHOD_NOT_ALLOWED), POST(only(("platform_admin",)))],
    "analytics/research/": [GET(only(("platform_admin",), others=FORBIDDEN)), POST(only(("platform_admin",), others=FORBIDDEN))],
    # the matrix's export_id is another kind of export: no research export has it, so 404 for everyone
    "analytics/research/<uuid:export_id>/download/": [GET(expect(NOT_FOUND)), POST(METHOD_NOT_ALLOWED)],
    # district and school leaders (organization admins; none in the matrix world) and platform admins
    "analytics/expertise/": [GET(only(("platform_admin",), others=FORBIDDEN)),
                             GET(only(("platform_admin",), others=FORBIDDEN), query={"micro_credential": HOSTILE, "stack": HOSTILE}),
                             POST(METHOD_NOT_ALLOWED)],
    "api/v1/analytics/": [GET(only(ANALYSTS, others=FORBIDDEN))],
    "api/v1/analytics/platform/": [GET(only(("platform_admin",)), query=_BAD_FILTERS)],
    "api/v1/analytics/<str:kind>/<slug:slug>/": [
        case for kwargs, roles in _DASHBOARDS for case in (GET(only(roles), kwargs=kwargs),
                                                           GET(only(roles), kwargs=kwargs, query=_BAD_FILTERS))],
})

# The Django admin: one group declaration. Every admin URL is for staff only; everyone else (every role above,
# platform admins included: they are a role in an organization, not Django staff) goes to the admin login.
ADMIN_PREFIX = "admin/"

# Text of the matrix world (tests/security/conftest.py) → the only roles that may ever receive it in a response.
SECRETS: dict[str, tuple[str, ...]] = {
    "draft_answer": ("earner", "coach", "platform_admin"),
    "submitted_answer": ("earner", "platform_admin", "assessor_assigned"),
    "goals": ("earner", "coach"),
    "draft_title": ("author", "issuer_admin", "platform_admin"),
    # the state recognizer lists educators of its jurisdiction; issuer-one's admin lists who holds its credentials
    "earner_surname": ("earner", "coach", "platform_admin", "recognizer", "issuer_admin"),
    "members_title": MEMBERS_MC_READERS,
}


# --- outbound webhooks (issue 19 item 3): an organization's issuer and recognizer admins manage its own subscriptions;
# another organization's are 404 to them; everyone else is refused the pages (403). Platform admins do not manage them.
WEBHOOK_ADMINS = ("issuer_admin", "other_admin", "recognizer", "other_recognizer")
_WEBHOOK = {"pk": Obj("webhook")}
_DELIVERY = {"pk": Obj("webhook_delivery")}
_BAD_WEBHOOK = {"organization": Obj("issuer_org"), "url": "http://203.0.113.10/" + HOSTILE, "description": HOSTILE,
                "events": ["credential.issued"]}


def _webhook_only(outcome=OK):
    """issuer-one's admin: ``outcome``; other webhook admins: 404; everyone else signed in: 403."""
    return only(("issuer_admin",), outcome, others=FORBIDDEN, **{r: NOT_FOUND for r in WEBHOOK_ADMINS if r != "issuer_admin"})


ENDPOINTS.update({
    "interop/webhooks/": [GET(only(WEBHOOK_ADMINS, others=FORBIDDEN)), POST(SIGNED_IN_NOT_ALLOWED)],
    "interop/webhooks/new/": [GET(only(WEBHOOK_ADMINS, others=FORBIDDEN)),
                              POST(only(WEBHOOK_ADMINS, REFUSED, others=FORBIDDEN), data=_BAD_WEBHOOK)],
    "interop/webhooks/<int:pk>/": [GET(_webhook_only(), kwargs=_WEBHOOK), POST(SIGNED_IN_NOT_ALLOWED, kwargs=_WEBHOOK)],
    "interop/webhooks/<int:pk>/edit/": [GET(_webhook_only(), kwargs=_WEBHOOK),
                                        POST(_webhook_only(REFUSED), kwargs=_WEBHOOK, data=_BAD_WEBHOOK)],
    "interop/webhooks/<int:pk>/state/": [GET(SIGNED_IN_NOT_ALLOWED, kwargs=_WEBHOOK),
                                         POST(_webhook_only(), kwargs=_WEBHOOK, data={"action": "disable"})],
    "interop/webhooks/<int:pk>/secret/": [GET(SIGNED_IN_NOT_ALLOWED, kwargs=_WEBHOOK), POST(_webhook_only(), kwargs=_WEBHOOK)],
    "interop/webhooks/<int:pk>/test/": [GET(SIGNED_IN_NOT_ALLOWED, kwargs=_WEBHOOK), POST(_webhook_only(), kwargs=_WEBHOOK)],
    "interop/webhooks/deliveries/<int:pk>/replay/": [GET(SIGNED_IN_NOT_ALLOWED, kwargs=_DELIVERY), POST(_webhook_only(), kwargs=_DELIVERY)],
    "api/v1/interop/webhooks/": [GET(only(WEBHOOK_ADMINS, others=FORBIDDEN)),
                                 POST(only(WEBHOOK_ADMINS, REFUSED, others=FORBIDDEN), format="json",
                                      data={"organization": "issuer-one", "url": "http://203.0.113.10/", "events": ["credential.issued"]})],
    "api/v1/interop/webhooks/<int:pk>/": [GET(_webhook_only(), kwargs=_WEBHOOK),
                                          Case("PATCH", _webhook_only(REFUSED), kwargs=_WEBHOOK, format="json", data={"url": HOSTILE})],
    "api/v1/interop/webhooks/<int:pk>/disable/": [POST(_webhook_only(), kwargs=_WEBHOOK, format="json")],
    "api/v1/interop/webhooks/<int:pk>/enable/": [POST(_webhook_only(), kwargs=_WEBHOOK, format="json")],
    "api/v1/interop/webhooks/<int:pk>/deliveries/": [GET(_webhook_only(), kwargs=_WEBHOOK)],
    "api/v1/interop/deliveries/<int:pk>/replay/": [POST(_webhook_only(), kwargs=_DELIVERY, format="json")],
})


# --- licensure feeds (issue 19 item 4): a recognizer's admins (and platform admins) manage its feeds, which carry
# educators' license numbers; another recognizer's admins get 404 for them; everyone else is refused the pages (403).
FEED_ADMINS = ("recognizer", "other_recognizer", "platform_admin")
_FEED = {"pk": Obj("licensure_feed")}
_BAD_FEED = {"recognizer": Obj("recognizer_org"), "name": HOSTILE, "mapping": "Column = no_such_field\n" + HOSTILE,
             "format": "csv", "schedule": "daily", "destination": "folder", "folder": "../../etc"}


def _feed_only(outcome=OK):
    """The state recognizer's admin and platform admins: ``outcome``; another recognizer's admin: 404; others: 403."""
    return only(("recognizer", "platform_admin"), outcome, others=FORBIDDEN, other_recognizer=NOT_FOUND)


ENDPOINTS.update({
    "interop/licensure-feeds/": [GET(only(FEED_ADMINS, others=FORBIDDEN)), POST(SIGNED_IN_NOT_ALLOWED)],
    "interop/licensure-feeds/new/": [GET(only(FEED_ADMINS, others=FORBIDDEN)),
                                     POST(only(FEED_ADMINS, REFUSED, others=FORBIDDEN), data=_BAD_FEED)],
    "interop/licensure-feeds/<int:pk>/": [GET(_feed_only(), kwargs=_FEED), POST(SIGNED_IN_NOT_ALLOWED, kwargs=_FEED)],
    "interop/licensure-feeds/<int:pk>/edit/": [GET(_feed_only(), kwargs=_FEED),
                                               POST(_feed_only(REFUSED), kwargs=_FEED, data=_BAD_FEED)],
    "interop/licensure-feeds/<int:pk>/send/": [GET(SIGNED_IN_NOT_ALLOWED, kwargs=_FEED), POST(_feed_only(), kwargs=_FEED)],
    "interop/licensure-feeds/<int:pk>/state/": [GET(SIGNED_IN_NOT_ALLOWED, kwargs=_FEED),
                                                POST(_feed_only(), kwargs=_FEED, data={"action": "pause"})],
})

# --- analytics demand section (issue 17): the demand tables of a dashboard on their own page, for exactly those who
# may open that dashboard (another's is 404), filters as hostile as on the dashboard itself.
ENDPOINTS.update({
    "analytics/platform/demand/": [GET(only(("platform_admin",))), GET(only(("platform_admin",)), query=_BAD_FILTERS),
                                   POST(METHOD_NOT_ALLOWED)],
    "analytics/<str:kind>/<slug:slug>/demand/": _dashboard_cases(_DASHBOARDS),
})

# --- LTI Names and Role Provisioning (issue 19): an LMS course's page and its "enroll the teachers" button belong to
# whoever manages the people of the platform's organization (the district: platform admins in the matrix world);
# everyone else gets 404 for a course. The CASE import page is platform admins' (frameworks are site-wide).
_LTI_COURSE = {"pk": Obj("lti_course_link")}
_CASE_RUN = {"pk": Obj("case_import_run")}
ENDPOINTS.update({
    "lti/courses/": [GET(only(("issuer_admin", "other_admin", "recognizer", "other_recognizer", "platform_admin"))),
                     POST(SIGNED_IN_NOT_ALLOWED)],
    "lti/courses/<int:pk>/": [GET(only(("platform_admin",)), kwargs=_LTI_COURSE), POST(SIGNED_IN_NOT_ALLOWED, kwargs=_LTI_COURSE)],
    "lti/courses/<int:pk>/sync/": [GET(SIGNED_IN_NOT_ALLOWED, kwargs=_LTI_COURSE),
                                   POST(only(("platform_admin",)), kwargs=_LTI_COURSE)],
    "interop/case-import/": [GET(only(("platform_admin",))),
                             POST(only(("platform_admin",)), format="multipart",
                                  data={"url": HOSTILE})],
    "interop/case-import/<int:pk>/": [GET(only(("platform_admin",)), kwargs=_CASE_RUN),
                                      POST(SIGNED_IN_NOT_ALLOWED, kwargs=_CASE_RUN)],
})
