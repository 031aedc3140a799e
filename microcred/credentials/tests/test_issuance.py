"""Issuing: exactly once per earned attempt, the OB 3.0 shape, the formal schema, no undefined terms."""
import hashlib
import json

import pytest
from django.core.exceptions import ValidationError
from jsonschema import Draft201909Validator

from microcred.credentials.standards import jsonld
from microcred.credentials.builder import CONTEXT, SCHEMA_ID
from microcred.credentials.models import IssuedCredential
from microcred.credentials.services import issue_for_attempt
from microcred.credentials.verify import verify_credential
from microcred.credentials.standards.vcjwt import unverified_parts
from tests.standards_data import STANDARDS

SCHEMA = STANDARDS / "schemas" / "ob_v3p0_achievementcredential_schema.json"


def formal_schema_errors(credential):
    validator = Draft201909Validator(json.loads(SCHEMA.read_text()), format_checker=Draft201909Validator.FORMAT_CHECKER)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(credential)]


def test_issue_twice_gives_one_credential(earned):
    first = issue_for_attempt(earned)
    second = issue_for_attempt(earned)
    assert first.pk == second.pk
    assert IssuedCredential.objects.filter(attempt=earned).count() == 1


def test_signal_issues_through_the_task_exactly_once(world, published, django_capture_on_commit_callbacks):
    from .conftest import earn

    with django_capture_on_commit_callbacks(execute=True):
        attempt = earn(world, published)
    credential = IssuedCredential.objects.get(attempt=attempt)
    assert credential.issuer == world["orgs"]["issuer"] and credential.version == published
    from microcred.credentials.tasks import issue_credential_for

    issue_credential_for.enqueue(attempt_id=attempt.pk)  # a retried task
    assert IssuedCredential.objects.filter(attempt=attempt).count() == 1


def test_unearned_attempt_is_refused(world, published):
    from microcred.earning import services

    attempt = services.start_attempt(earner=world["people"]["earner"], micro_credential=published.micro_credential)
    with pytest.raises(ValidationError):
        issue_for_attempt(attempt)


def test_credential_shape(issued, world, published):
    c = issued.credential
    assert c["@context"] == CONTEXT
    assert c["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert c["issuer"] == {"id": "http://localhost:8000/issuers/issuer-one", "type": ["Profile"], "name": "Issuer One",
                           "url": "http://localhost:8000/issuers/issuer-one"}
    subject = c["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    identity = subject["identifier"][0]
    assert identity["identityType"] == "emailAddress" and identity["hashed"] is True
    assert identity["identityHash"] == "sha256$" + hashlib.sha256(("earner@example.org" + identity["salt"]).encode()).hexdigest()
    achievement = subject["achievement"]
    assert achievement["id"].endswith(f"/catalog/mc/{published.micro_credential.slug}/v{published.number}/")
    assert achievement["achievementType"] == "MicroCredential" and achievement["version"] == "v1"
    assert achievement["description"] == published.competency
    assert published.key_method.strip() in achievement["criteria"]["narrative"]
    assert achievement["creator"]["type"] == ["Profile"]
    criteria_count = sum(part.rubric.criteria.count() for part in published.parts.all())
    assert len(achievement["resultDescription"]) == criteria_count == len(subject["result"])
    level_ids = {level["id"] for rd in achievement["resultDescription"] for level in rd["rubricCriterionLevel"]}
    assert all(r["achievedLevel"] in level_ids for r in subject["result"])
    assert c["validFrom"].endswith("Z") and "validUntil" not in c
    assert c["credentialStatus"]["statusListIndex"] == str(issued.status_index)
    assert c["credentialSchema"] == [{"id": SCHEMA_ID, "type": "1EdTechJsonSchemaValidator2019"}]
    assert isinstance(c["proof"], list) and c["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"


def test_only_public_evidence_is_included(world, published):
    from .conftest import earn

    private = issue_for_attempt(earn(world, published, public_evidence=False))
    assert "evidence" not in private.credential


def test_valid_against_the_formal_schema_and_every_term_defined(issued):
    assert formal_schema_errors(issued.credential) == []
    assert jsonld.undefined_terms(issued.credential) == []
    _, payload = unverified_parts(issued.jwt)
    assert jsonld.undefined_terms(payload) == []  # the JWT claims are VCDM 2.0 terms too


def test_jwt_header_and_claims(issued):
    header, payload = unverified_parts(issued.jwt)
    assert header["alg"] == "ES256" and header["typ"] == "JWT" and "/keys/" in header["kid"]
    assert payload["iss"] == issued.credential["issuer"]["id"] and payload["jti"] == issued.credential["id"]
    assert "proof" not in payload and "vc" not in payload and payload["nbf"] <= payload["iat"]


def test_issued_credential_verifies_both_ways(issued):
    assert verify_credential(issued.credential).verified
    assert verify_credential(json.dumps(issued.credential).encode()).verified
    assert verify_credential(issued.jwt).verified


def test_issuing_org_falls_back_to_owner(world, publish_mc):
    from microcred.catalog.models import OrganizationRole

    from .conftest import earn

    version = publish_mc()
    OrganizationRole.objects.filter(version=version, role="issuer").delete()
    issued = issue_for_attempt(earn(world, version))
    assert issued.issuer == version.micro_credential.owner
