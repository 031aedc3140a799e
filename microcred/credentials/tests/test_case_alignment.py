"""An MC aligned to two CASE items issues credentials whose OB 3.0 alignments name them and validate."""
import json

from microcred.catalog import services as catalog
from microcred.catalog.models import CompetencyItem
from microcred.catalog.tests.factories import make_case_package, make_definition
from microcred.credentials.services import issue_for_attempt
from microcred.credentials.standards import jsonld

from .conftest import earn
from .test_issuance import formal_schema_errors

ITEMS = "https://case.example.org/ims/case/v1p0/CFItems/"


def test_credentials_name_the_case_items_and_validate_against_the_ob30_schema(world):
    people = world["people"]
    catalog.import_case_package(raw=json.dumps(make_case_package()).encode(), by=people["platform_admin"])
    version = catalog.create_micro_credential(owner=world["orgs"]["issuer"], definition=make_definition(), by=people["author"])
    catalog.add_case_alignment(version=version, item=CompetencyItem.objects.get(identifier="doc-0001-g1-2"), by=people["author"])
    catalog.add_case_alignment(version=version, item=CompetencyItem.objects.get(identifier="doc-0001-g2-1"),
                               by=people["author"], part=2, criterion=1)
    catalog.submit_for_review(version=version, by=people["author"])
    published = catalog.publish(version=version, by=people["issuer_admin"])

    credential = issue_for_attempt(earn(world, published)).credential
    assert formal_schema_errors(credential) == []
    assert jsonld.undefined_terms(credential) == []
    achievement = credential["credentialSubject"]["achievement"]
    case = [a for a in achievement["alignment"] if a.get("targetType") == "CFItem"]
    assert case == [{"type": ["Alignment"], "targetName": "Statement T.1.2.", "targetUrl": ITEMS + "doc-0001-g1-2",
                     "targetCode": "T.1.2", "targetFramework": "Test Teaching Standards", "targetType": "CFItem"}]
    criterion = published.parts.get(position=2).rubric.criteria.get(position=1)
    described = next(d for d in achievement["resultDescription"] if d["id"].endswith(f"#criterion-{criterion.pk}"))
    assert described["alignment"] == [{"type": ["Alignment"], "targetName": "Statement T.2.1.", "targetUrl": ITEMS + "doc-0001-g2-1",
                                       "targetCode": "T.2.1", "targetFramework": "Test Teaching Standards",
                                       "targetType": "CFItem"}]
    others = [d for d in achievement["resultDescription"] if d is not described]
    assert all("alignment" not in d for d in others)


def test_a_reimported_framework_does_not_change_what_a_published_version_issues(world):
    people = world["people"]
    catalog.import_case_package(raw=json.dumps(make_case_package()).encode(), by=people["platform_admin"])
    version = catalog.create_micro_credential(owner=world["orgs"]["issuer"], definition=make_definition(), by=people["author"])
    catalog.add_case_alignment(version=version, item=CompetencyItem.objects.get(identifier="doc-0001-g1-2"), by=people["author"])
    catalog.submit_for_review(version=version, by=people["author"])
    published = catalog.publish(version=version, by=people["issuer_admin"])
    catalog.import_case_package(raw=json.dumps(make_case_package(statement="Rewritten {code}.")).encode(), by=people["platform_admin"])
    credential = issue_for_attempt(earn(world, published)).credential
    names = [a["targetName"] for a in credential["credentialSubject"]["achievement"]["alignment"]]
    assert "Statement T.1.2." in names and "Rewritten T.1.2." not in names
