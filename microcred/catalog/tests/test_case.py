"""CASE 1.0 competency frameworks: import (idempotent, refusals), the alignment picker, the catalog page and API."""
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from rest_framework.test import APIClient

from microcred.catalog import services
from microcred.catalog.definition import export_definition
from microcred.catalog.models import Alignment, CompetencyFramework, CompetencyItem
from microcred.core.models import AuditEvent

from .factories import make_case_package, make_definition


def _raw(package) -> bytes:
    return json.dumps(package).encode()


@pytest.fixture
def framework(world):
    services.import_case_package(raw=_raw(make_case_package()), by=world["people"]["platform_admin"])
    return CompetencyFramework.objects.get(identifier="doc-0001")


@pytest.fixture
def draft(world):
    return services.create_micro_credential(owner=world["orgs"]["issuer"], definition=make_definition(),
                                            by=world["people"]["author"])


def _edit_url(version, suffix=""):
    return f"/catalog/author/mc/{version.micro_credential.slug}/v{version.number}/{suffix}"


# --- import ---------------------------------------------------------------------------------------------------------

def test_import_keeps_the_tree_and_counts(world):
    result = services.import_case_package(raw=_raw(make_case_package()), by=world["people"]["platform_admin"])
    assert result.as_dict() == {"framework": "doc-0001", "items": 8, "created": 8, "updated": 0}
    items = list(CompetencyItem.objects.filter(framework=result.framework).order_by("position"))
    assert [i.human_coding_scheme for i in items] == ["T.1", "T.1.1", "T.1.2", "T.1.3", "T.2", "T.2.1", "T.2.2", "T.2.3"]
    assert items[1].parent == items[0] and items[1].depth == 1 and items[0].parent is None
    assert AuditEvent.objects.filter(action="catalog.framework_imported").count() == 1


def test_reimport_updates_and_never_duplicates(world):
    admin = world["people"]["platform_admin"]
    services.import_case_package(raw=_raw(make_case_package()), by=admin)
    package = make_case_package(title="Renamed Standards", statement="Revised {code}.", per_group=4)
    result = services.import_case_package(raw=_raw(package), by=admin)
    assert (result.items, result.created, result.updated) == (10, 2, 8)
    assert CompetencyFramework.objects.count() == 1 and CompetencyItem.objects.count() == 10
    assert CompetencyFramework.objects.get().title == "Renamed Standards"
    assert CompetencyItem.objects.get(identifier="doc-0001-g1-1").full_statement == "Revised T.1.1."


def test_the_command_prints_a_json_last_line_and_is_idempotent(db, tmp_path, capsys):
    path = tmp_path / "package.json"
    path.write_text(json.dumps(make_case_package()))
    call_command("import_case", str(path))
    call_command("import_case", str(path))
    lines = capsys.readouterr().out.strip().splitlines()
    assert json.loads(lines[-1]) == {"framework": "doc-0001", "items": 8, "created": 0, "updated": 8}
    assert CompetencyItem.objects.count() == 8


@pytest.mark.parametrize("raw, message", [
    (b"{not json", "not valid JSON"),
    (b"\xff\xfe\x00", "not UTF-8"),
    (b"[1, 2]", "JSON object"),
    (b'{"CFItems": []}', "CFDocument is missing"),
    (json.dumps({"CFDocument": {"identifier": "d", "title": "T"}, "CFItems": {"a": 1}}).encode(), "CFItems must be a list"),
    (json.dumps({"CFDocument": {"identifier": 5, "title": "T"}}).encode(), "CFDocument.identifier must be text"),
    (json.dumps({"CFDocument": {"identifier": "d", "title": "T"},
                 "CFItems": [{"identifier": "i", "uri": "javascript:alert(1)", "fullStatement": "x"}]}).encode(),
     "CFItems[0].uri must be an http(s) URL"),
    (json.dumps({"CFDocument": {"identifier": "d", "title": "T"},
                 "CFItems": [{"identifier": "i", "uri": "https://e.org/i"}]}).encode(), "CFItems[0].fullStatement is required"),
])
def test_malformed_and_wrong_type_packages_are_refused_with_a_clear_message(world, raw, message):
    with pytest.raises(ValidationError) as refused:
        services.import_case_package(raw=raw, by=world["people"]["platform_admin"])
    assert message in " ".join(refused.value.messages)
    assert not CompetencyFramework.objects.exists()


def test_circles_and_foreign_items_are_refused_and_change_nothing(world):
    admin = world["people"]["platform_admin"]
    package = make_case_package()
    package["CFAssociations"][0]["destinationNodeURI"]["identifier"] = "doc-0001-g1-1"  # g1 under its own child
    with pytest.raises(ValidationError, match="circle"):
        services.import_case_package(raw=_raw(package), by=admin)
    services.import_case_package(raw=_raw(make_case_package()), by=admin)
    thief = make_case_package(document="doc-0002")
    thief["CFItems"][1]["identifier"] = "doc-0001-g1-1"  # a leaf: another framework's item
    thief["CFAssociations"][1]["originNodeURI"]["identifier"] = "doc-0001-g1-1"
    with pytest.raises(ValidationError, match="another framework"):
        services.import_case_package(raw=_raw(thief), by=admin)
    assert list(CompetencyFramework.objects.values_list("identifier", flat=True)) == ["doc-0001"]


@override_settings(MICROCRED_CASE_MAX_BYTES=1000)
def test_oversized_packages_are_refused(world, tmp_path):
    with pytest.raises(ValidationError, match="too large"):
        services.import_case_package(raw=_raw(make_case_package()), by=world["people"]["platform_admin"])
    path = tmp_path / "big.json"
    path.write_text(json.dumps(make_case_package()))
    with pytest.raises(CommandError, match="larger than"):
        call_command("import_case", str(path))


@override_settings(MICROCRED_CASE_MAX_ITEMS=5)
def test_too_many_items_are_refused(world):
    with pytest.raises(ValidationError, match="at most 5"):
        services.import_case_package(raw=_raw(make_case_package()), by=world["people"]["platform_admin"])


def test_downloading_is_off_by_default_and_refuses_private_addresses(db):
    with pytest.raises(CommandError, match="turned off"):
        call_command("import_case", "https://case.example.org/package.json")
    with override_settings(MICROCRED_CASE_ONLINE=True):
        for url in ("https://127.0.0.1/p.json", "https://10.0.0.8/p.json", "http://case.example.org/p.json"):
            with pytest.raises(ValidationError, match="not downloaded"):
                services.download_case_package(url)


@pytest.mark.parametrize("who", ["author", "issuer_admin", "earner", "recognizer"])
def test_only_platform_admins_import(world, who):
    with pytest.raises(PermissionDenied):
        services.import_case_package(raw=_raw(make_case_package()), by=world["people"][who])
    assert not CompetencyFramework.objects.exists()


# --- aligning ---------------------------------------------------------------------------------------------------------

def test_editors_align_the_competency_and_a_criterion_and_it_survives_a_new_version(world, framework, draft):
    author = world["people"]["author"]
    item_a, item_b = CompetencyItem.objects.get(identifier="doc-0001-g1-1"), CompetencyItem.objects.get(identifier="doc-0001-g2-2")
    services.add_case_alignment(version=draft, item=item_a, by=author)
    services.add_case_alignment(version=draft, item=item_a, by=author)  # a repeat is a no-op
    services.add_case_alignment(version=draft, item=item_b, by=author, part=2, criterion=1)
    exported = export_definition(draft)["alignments"]
    assert exported[1:] == [
        {"framework": "Test Teaching Standards", "code": "T.1.1", "name": "Statement T.1.1.",
         "url": "https://case.example.org/ims/case/v1p0/CFItems/doc-0001-g1-1", "case_item": "doc-0001-g1-1"},
        {"framework": "Test Teaching Standards", "code": "T.2.2", "name": "Statement T.2.2.",
         "url": "https://case.example.org/ims/case/v1p0/CFItems/doc-0001-g2-2", "case_item": "doc-0001-g2-2",
         "part": 2, "criterion": 1}]
    linked = Alignment.objects.get(version=draft, item=item_b)
    assert linked.criterion.rubric.part.position == 2 and linked.criterion.position == 1
    services.submit_for_review(version=draft, by=author)
    published = services.publish(version=draft, by=world["people"]["issuer_admin"])
    new = services.start_new_version(micro_credential=published.micro_credential, by=author)
    assert export_definition(new)["alignments"] == exported
    assert AuditEvent.objects.filter(action="mc.aligned").count() == 2


def test_removing_a_criterion_that_is_aligned_is_refused_with_a_clear_message(world, framework, draft):
    author = world["people"]["author"]
    item = CompetencyItem.objects.get(identifier="doc-0001-g1-1")
    services.add_case_alignment(version=draft, item=item, by=author, part=3, criterion=1)
    definition = export_definition(draft)
    with pytest.raises(ValidationError, match="criterion 1 of part 3, which does not exist"):
        services.update_draft_fields(version=draft, changes={"parts": definition["parts"][:2]}, by=author)


def test_unknown_items_and_bad_targets_are_refused(world, framework, draft):
    definition = export_definition(draft)
    definition["alignments"] = [{"case_item": "no-such-item"}, {"framework": "X", "part": "one", "criterion": 1}]
    with pytest.raises(ValidationError) as refused:
        services.update_draft(version=draft, definition=definition, by=world["people"]["author"])
    errors = refused.value.message_dict
    assert "import its framework first" in errors["alignments[0].case_item"][0]
    assert "alignments[1].part" in errors


@pytest.mark.parametrize("who", ["other_author", "other_admin", "earner", "assessor", "recognizer"])
def test_only_the_mcs_editors_align(world, framework, draft, who):
    item = CompetencyItem.objects.first()
    with pytest.raises(PermissionDenied):
        services.add_case_alignment(version=draft, item=item, by=world["people"][who])
    assert not draft.alignments.filter(item__isnull=False).exists()


def test_the_overview_form_keeps_picked_alignments(client, world, framework, draft):
    author = world["people"]["author"]
    services.add_case_alignment(version=draft, item=CompetencyItem.objects.first(), by=author)
    client.force_login(author)
    page = client.get(_edit_url(draft))
    assert "doc-0001-g1" not in page.context["form"].initial["alignments"]
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data["alignments"] = "Typed Framework | 1(a) | Typed | https://example.org/typed"
    response = client.post(_edit_url(draft), data)
    assert response.status_code == 302
    kept = [(a.framework, a.item_id is not None) for a in draft.alignments.all()]
    assert kept == [("Test Teaching Standards", True), ("Typed Framework", False)]


# --- the picker page -------------------------------------------------------------------------------------------------

def test_picker_page_searches_aligns_and_removes(client, world, framework, draft):
    client.force_login(world["people"]["author"])
    url = _edit_url(draft, "alignments/")
    page = client.get(url, {"framework": "doc-0001", "q": "T.2"})
    assert page.status_code == 200 and [i.human_coding_scheme for i in page.context["items"]] == ["T.2", "T.2.1", "T.2.2", "T.2.3"]
    assert client.post(url, {"item": "doc-0001-g2-1", "target": "2-1"}).status_code == 302
    assert client.post(url, {"item": "doc-0001-g2-3", "target": ""}).status_code == 302
    assert draft.alignments.filter(item__isnull=False).count() == 2
    response = client.post(url, {"item": "nope", "target": ""}, follow=True)
    assert "Choose an item" in response.content.decode()
    response = client.post(url, {"item": "doc-0001-g2-3", "target": "9-9"}, follow=True)
    assert "does not exist" in response.content.decode()
    assert client.post(url, {"remove": "1"}).status_code == 302  # position 0 is the typed InTASC alignment
    assert list(draft.alignments.filter(item__isnull=False).values_list("item__identifier", flat=True)) == ["doc-0001-g2-3"]


@pytest.mark.parametrize("who", ["other_author", "earner", "assessor"])
def test_the_picker_is_404_to_non_editors(client, world, framework, draft, who):
    client.force_login(world["people"][who])
    url = _edit_url(draft, "alignments/")
    assert client.get(url).status_code == 404
    assert client.post(url, {"item": "doc-0001-g1", "target": ""}).status_code == 404
    assert not draft.alignments.filter(item__isnull=False).exists()


def test_hostile_text_is_escaped_on_the_picker_and_the_catalog_page(client, world, draft):
    hostile = '<script>alert("x")</script>'
    package = make_case_package(title=f"Evil {hostile}", statement=hostile + " {code}")
    services.import_case_package(raw=_raw(package), by=world["people"]["platform_admin"])
    author = world["people"]["author"]
    services.add_case_alignment(version=draft, item=CompetencyItem.objects.get(identifier="doc-0001-g1-1"), by=author)
    client.force_login(author)
    body = client.get(_edit_url(draft, "alignments/")).content.decode()
    assert hostile not in body and "&lt;script&gt;" in body
    services.submit_for_review(version=draft, by=author)
    services.publish(version=draft, by=world["people"]["issuer_admin"])
    client.logout()
    body = client.get(f"/catalog/mc/{draft.micro_credential.slug}/").content.decode()
    assert hostile not in body and "&lt;script&gt;alert" in body


def test_the_picker_reads_a_constant_number_of_queries(client, world, framework, draft, django_assert_max_num_queries):
    client.force_login(world["people"]["author"])
    url = _edit_url(draft, "alignments/")
    for item in CompetencyItem.objects.all()[:2]:
        services.add_case_alignment(version=draft, item=item, by=world["people"]["author"])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for item in CompetencyItem.objects.all()[2:]:
        services.add_case_alignment(version=draft, item=item, by=world["people"]["author"])
    services.import_case_package(raw=_raw(make_case_package(per_group=20)), by=world["people"]["platform_admin"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


# --- public catalog page and API --------------------------------------------------------------------------------------

def test_catalog_page_and_api_show_the_case_alignments(client, world, framework, draft):
    author = world["people"]["author"]
    services.add_case_alignment(version=draft, item=CompetencyItem.objects.get(identifier="doc-0001-g1-1"), by=author)
    services.add_case_alignment(version=draft, item=CompetencyItem.objects.get(identifier="doc-0001-g2-2"), by=author,
                                part=2, criterion=1)
    services.submit_for_review(version=draft, by=author)
    services.publish(version=draft, by=world["people"]["issuer_admin"])
    slug = draft.micro_credential.slug
    body = client.get(f"/catalog/mc/{slug}/").content.decode()
    assert "Statement T.1.1." in body and "Statement T.2.2." in body and "CASE item" in body
    data = APIClient().get(f"/api/v1/micro-credentials/{slug}/").json()
    case = [a for a in data["alignments"] if a["case_item"]]
    assert case == [
        {"target_name": "Statement T.1.1.", "target_url": "https://case.example.org/ims/case/v1p0/CFItems/doc-0001-g1-1",
         "target_code": "T.1.1", "target_framework": "Test Teaching Standards", "target_type": "CFItem",
         "case_item": "doc-0001-g1-1", "case_framework": "doc-0001", "criterion": None},
        {"target_name": "Statement T.2.2.", "target_url": "https://case.example.org/ims/case/v1p0/CFItems/doc-0001-g2-2",
         "target_code": "T.2.2", "target_framework": "Test Teaching Standards", "target_type": "CFItem",
         "case_item": "doc-0001-g2-2", "case_framework": "doc-0001",
         "criterion": {"part": 2, "criterion": 1, "title": draft.parts.get(position=2).rubric.criteria.get(position=1).title}}]
