import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from microcred.catalog.models import MicroCredential, MicroCredentialVersion

from .factories import make_definition

HOSTILE = '<script>alert("pwned")</script>'


def test_home_search_and_detail_pages(client, world, published):
    assert client.get("/").status_code == 200
    page = client.get("/catalog/?q=formative")
    assert page.status_code == 200 and "Modifying Instruction" in page.content.decode()
    slug = published.micro_credential.slug
    detail = client.get(f"/catalog/mc/{slug}/").content.decode()
    # Every section and the rubric as assessors use it.
    for text in ("Competency", "Key method", "Hinge questions", "Black, P., &amp; Wiliam", "InTASC", "Part 2: <span lang=\"en\">Classroom evidence</span>",
                 "Evidence of the practice — Demonstrated", "Every criterion at “Demonstrated” or above", "Issuer"):
        assert text in detail, text


def test_htmx_search_returns_the_results_fragment(client, world, published):
    fragment = client.get("/catalog/?q=hinge", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "Modifying Instruction" in fragment


def test_hostile_text_is_displayed_inert(client, world, publish_mc):
    version = publish_mc(title=HOSTILE, competency=HOSTILE, tags=[HOSTILE])
    for url in ("/", "/catalog/", f"/catalog/mc/{version.micro_credential.slug}/"):
        body = client.get(url).content.decode()
        assert HOSTILE not in body and "&lt;script&gt;" in body


def test_members_only_and_drafts_are_404_for_outsiders(client, world, publish_mc):
    members = publish_mc(title="Members Thing", visibility="members", visible_to=["rural-district"])
    url = f"/catalog/mc/{members.micro_credential.slug}/"
    assert client.get(url).status_code == 404
    client.force_login(world["people"]["other_earner"])
    assert client.get(url).status_code == 404
    assert "Members Thing" not in client.get("/catalog/?q=members").content.decode()
    client.force_login(world["people"]["earner"])
    assert client.get(url).status_code == 200


def test_a_missing_page_is_a_friendly_message(client, db):
    response = client.get("/catalog/mc/no-such-thing/")
    assert response.status_code == 404 and "could not find" in response.content.decode()


def test_stack_pages(client, world, published):
    from microcred.catalog import services

    admin = world["people"]["issuer_admin"]
    stack = services.save_stack(owner=world["orgs"]["issuer"], by=admin, title="Data-Driven Instruction", rule="n_of_m", required_count=1,
                                items=[{"micro_credential": published.micro_credential}])
    assert client.get(f"/catalog/stacks/{stack.slug}/").status_code == 404  # draft
    services.set_stack_state(stack=stack, state="published", by=admin)
    assert "Data-Driven Instruction" in client.get("/catalog/stacks/").content.decode()
    body = client.get(f"/catalog/stacks/{stack.slug}/").content.decode()
    assert "any 1 of 1" in body and "Modifying Instruction" in body


# --- Authoring in the browser's forms ------------------------------------------------------------

def test_anonymous_is_sent_to_login_and_non_authors_are_refused(client, world, published):
    assert client.get("/catalog/author/").status_code == 302
    client.force_login(world["people"]["earner"])
    assert client.get("/catalog/author/").status_code == 403
    client.force_login(world["people"]["other_author"])
    assert client.get(f"/catalog/author/mc/{published.micro_credential.slug}/v1/").status_code == 404
    assert client.post(f"/catalog/author/mc/{published.micro_credential.slug}/v1/new-version/").status_code == 404
    assert client.get(f"/catalog/author/mc/{published.micro_credential.slug}/v1/export.json").status_code == 404


def test_author_creates_edits_and_submits_then_admin_publishes(client, world):
    client.force_login(world["people"]["author"])
    response = client.post("/catalog/author/new/", {"owner": world["orgs"]["issuer"].pk, "title": "Interactive Read Aloud",
                                                    "competency": "Reads aloud with planned stops.", "key_method": "Plan, read, discuss."})
    assert response.status_code == 302
    mc = MicroCredential.objects.get(slug="interactive-read-aloud")
    version = mc.versions.get()
    assert version.parts.count() == 3  # the standard three-part template
    edit_url = f"/catalog/author/mc/{mc.slug}/v1/"
    form = {"title": "Interactive Read Aloud", "competency": "Reads aloud with planned stops.", "key_method": "Plan, read, discuss.",
            "method_components": "Text selection | Choose a rich text\nStopping points | Plan where to pause",
            "research": "Beck & McKeown (2001). Text talk. | https://example.org/text-talk", "resources": "course | Read-aloud course | https://example.org/c | 2 hours",
            "estimated_hours": "10", "cost": "free", "subjects": "Literacy, Early literacy", "grade_bands": ["k-2"], "educator_roles": ["teacher"],
            "tags": "read aloud", "alignments": "InTASC | 4(a) | Content knowledge | https://example.org/intasc",
            "organizations": "issuer-one | developer\nissuer-one | issuer", "visibility": "public"}
    assert client.post(edit_url, form).status_code == 302
    version.refresh_from_db()
    assert version.method_components[1] == {"title": "Stopping points", "description": "Plan where to pause"}
    assert version.research[0]["url"] == "https://example.org/text-talk"
    # Edit part 2 and its rubric.
    part_form = {"title": "Read-aloud video", "overview": "Record it.", "demonstrates": "implement", "evidence_types": ["video", "link"],
                 "prompts": "Upload the video.\nquiz: Best stop? | Random | Planned* | None", "levels": "Not Yet, Proficient",
                 "passing_rule": "all_at_least", "passing_level": "Proficient",
                 "criterion-0-title": "Planned stops", "criterion-0-description": "", "criterion-0-level-0": "No plan", "criterion-0-level-1": "Clear plan",
                 "criterion-1-title": "Talk", "criterion-1-level-0": "Little talk", "criterion-1-level-1": "Rich talk"}
    assert client.post(f"{edit_url}parts/2/", part_form).status_code == 302
    part = version.parts.get(position=2)
    assert part.title == "Read-aloud video" and part.rubric.criteria.count() == 2
    quiz = part.prompts.get(response_type="quiz")
    assert quiz.choices == ["Random", "Planned", "None"] and quiz.correct_choice == 1
    assert client.post(f"{edit_url}submit/").status_code == 302
    client.force_login(world["people"]["issuer_admin"])
    assert "Before you publish" in client.get(edit_url).content.decode()  # the review page warns before the button
    # Nobody could assess it (no certified assessor, no anchor): publishing warns and asks (issue 15, finding 1).
    warned = client.post(f"{edit_url}publish/")
    assert warned.status_code == 409 and "Publish anyway" in warned.content.decode()
    assert "No certified assessor" in warned.content.decode() and "no calibration anchors" in warned.content.decode()
    version.refresh_from_db()
    assert version.state == MicroCredentialVersion.State.IN_REVIEW
    assert client.post(f"{edit_url}publish/", {"publish_anyway": "yes"}).status_code == 302
    version.refresh_from_db()
    assert version.state == MicroCredentialVersion.State.PUBLISHED
    from microcred.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="mc.published_without_coverage").count() == 1
    # The catalog says so to teachers: they can prepare evidence; submissions wait for a certified assessor.
    detail = client.get(f"/catalog/mc/{version.micro_credential.slug}/").content.decode()
    assert 'id="no-assessors"' in detail and "No assessors yet" in detail
    assert client.get("/catalog/?q=read+aloud").content.decode().count("Interactive Read Aloud") >= 1


def test_bad_form_input_shows_messages_and_keeps_saved_content(client, world):
    client.force_login(world["people"]["author"])
    from microcred.catalog import services

    version = services.create_micro_credential(owner=world["orgs"]["issuer"], definition=make_definition(), by=world["people"]["author"])
    url = f"/catalog/author/mc/{version.micro_credential.slug}/v1/"
    bad = {"title": "x" * 300, "competency": "ok", "key_method": "ok", "cost": "fee", "visibility": "public",
           "research": "A citation | javascript:alert(1)", "estimated_hours": "abc"}
    page = client.post(url, bad)
    assert page.status_code == 200
    body = page.content.decode()
    assert "at most 200 characters" in body and "Enter a number" in body
    bad.update(title="Fine", estimated_hours="3")
    body = client.post(url, bad).content.decode()
    assert "fee_amount" in body or "required when the cost" in body
    assert "http(s) URL" in body
    version.refresh_from_db()
    assert version.title.startswith("Modifying") and version.parts.count() == 3


def test_part_form_errors_do_not_lose_the_part(client, world):
    client.force_login(world["people"]["author"])
    from microcred.catalog import services

    version = services.create_micro_credential(owner=world["orgs"]["issuer"], definition=make_definition(), by=world["people"]["author"])
    url = f"/catalog/author/mc/{version.micro_credential.slug}/v1/parts/1/"
    body = client.post(url, {"title": "New", "demonstrates": "apply", "evidence_types": ["written"], "prompts": "Q",
                             "levels": "Only", "passing_rule": "all_at_least", "passing_level": "Missing"}).content.decode()
    assert "Use one of the level names" in body
    assert version.parts.get(position=1).title == "Overview questions"


def test_published_version_cannot_be_edited_through_the_form(client, world, published):
    client.force_login(world["people"]["author"])
    url = f"/catalog/author/mc/{published.micro_credential.slug}/v1/"
    response = client.post(url, {"title": "Changed", "competency": "c", "key_method": "k", "cost": "free", "visibility": "public"}, follow=True)
    assert "no longer a draft" in response.content.decode()
    published.refresh_from_db()
    assert published.title.startswith("Modifying")


def test_author_cannot_publish_via_the_button(client, world):
    from microcred.catalog import services

    version = services.create_micro_credential(owner=world["orgs"]["issuer"], definition=make_definition(), by=world["people"]["author"])
    services.submit_for_review(version=version, by=world["people"]["author"])
    client.force_login(world["people"]["author"])
    response = client.post(f"/catalog/author/mc/{version.micro_credential.slug}/v1/publish/", follow=True)
    assert "Only issuer admins" in response.content.decode()
    version.refresh_from_db()
    assert version.state == "in_review"


def test_export_and_import_through_the_web(client, world, published):
    client.force_login(world["people"]["author"])
    exported = client.get(f"/catalog/author/mc/{published.micro_credential.slug}/v1/export.json")
    assert exported["Content-Disposition"].startswith("attachment")
    data = json.loads(exported.content)
    data["slug"] = "imported-copy"
    upload = SimpleUploadedFile("mc.json", json.dumps(data).encode(), content_type="application/json")
    response = client.post("/catalog/author/import/", {"owner": world["orgs"]["issuer"].pk, "file": upload})
    assert response.status_code == 302
    assert MicroCredential.objects.filter(slug="imported-copy").exists()


@pytest.mark.parametrize("payload, message", [
    (b"not json at all", "not valid JSON"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
    (json.dumps({"title": "No parts"}).encode(), "at least one part"),
    (b"[1, 2, 3]", "must be a JSON object"),
])
def test_bad_imports_are_refused_with_a_reason(client, world, payload, message):
    client.force_login(world["people"]["author"])
    upload = SimpleUploadedFile("mc.json", payload, content_type="application/json")
    body = client.post("/catalog/author/import/", {"owner": world["orgs"]["issuer"].pk, "file": upload}).content.decode()
    assert message in body and "nothing was changed" in body
    assert MicroCredential.objects.count() == 0


def test_oversized_import(client, world, settings):
    settings.MICROCRED_MAX_DEFINITION_BYTES = 1000
    client.force_login(world["people"]["author"])
    upload = SimpleUploadedFile("mc.json", b"{" + b" " * 5000 + b"}", content_type="application/json")
    assert "too large" in client.post("/catalog/author/import/", {"owner": world["orgs"]["issuer"].pk, "file": upload}).content.decode()


def test_import_into_someone_elses_organization_is_refused(client, world):
    client.force_login(world["people"]["author"])
    upload = SimpleUploadedFile("mc.json", json.dumps(make_definition(owner="issuer-two")).encode())
    body = client.post("/catalog/author/import/", {"owner": world["orgs"]["other_issuer"].pk, "file": upload}).content.decode()
    assert "Select a valid choice" in body
    assert MicroCredential.objects.count() == 0


def test_stack_authoring_form(client, world, published):
    client.force_login(world["people"]["author"])
    response = client.post("/catalog/author/stacks/new/", {"owner": world["orgs"]["issuer"].pk, "title": "Assessment Stack", "kind": "stack",
                                                           "rule": "all_of", "items": f"{published.micro_credential.slug}"})
    assert response.status_code == 302
    body = client.post("/catalog/author/stacks/new/", {"owner": world["orgs"]["issuer"].pk, "title": "Bad", "kind": "stack",
                                                       "rule": "all_of", "items": "no-such-mc"}).content.decode()
    assert "no micro-credential or stack" in body
    assert reverse("catalog:author_stack", args=["assessment-stack"]) == response["Location"]


def test_stack_page_shows_partial_progress_to_a_signed_in_earner(client, world, publish_mc):
    from microcred.catalog import services
    from microcred.catalog.progress import register_earned_provider, unregister_earned_provider

    admin = world["people"]["issuer_admin"]
    mcs = [publish_mc(title=f"Practice {i}").micro_credential for i in range(3)]
    stack = services.save_stack(owner=world["orgs"]["issuer"], by=admin, title="Three Practices", items=[{"micro_credential": m} for m in mcs])
    services.set_stack_state(stack=stack, state="published", by=admin)
    earner = world["people"]["earner"]

    def provider(user):
        return {mcs[0].pk, mcs[2].pk} if user.pk == earner.pk else set()

    register_earned_provider(provider)
    try:
        assert "Your progress" not in client.get(f"/catalog/stacks/{stack.slug}/").content.decode()  # anonymous
        client.force_login(earner)
        body = client.get(f"/catalog/stacks/{stack.slug}/").content.decode()
        assert "2 of 3 done" in body and body.count("✓ earned") == 2
        client.force_login(world["people"]["other_earner"])
        assert "0 of 3 done" in client.get(f"/catalog/stacks/{stack.slug}/").content.decode()
    finally:
        unregister_earned_provider(provider)


def test_part_editor_of_a_published_version_redirects(client, world, published):
    client.force_login(world["people"]["author"])
    url = f"/catalog/author/mc/{published.micro_credential.slug}/v1/parts/1/"
    response = client.get(url, follow=True)
    assert "no longer a draft" in response.content.decode()
    response = client.post(url, {"title": "Changed", "delete": "1"}, follow=True)
    assert "no longer a draft" in response.content.decode()
    assert published.parts.count() == 3


def test_hostile_text_is_inert_on_stack_and_authoring_pages(client, world, publish_mc):
    from microcred.catalog import services

    admin = world["people"]["issuer_admin"]
    version = publish_mc(title=HOSTILE, method_components=[{"title": HOSTILE, "description": HOSTILE}])
    stack = services.save_stack(owner=world["orgs"]["issuer"], by=admin, title=HOSTILE, description=HOSTILE,
                                items=[{"micro_credential": version.micro_credential}])
    services.set_stack_state(stack=stack, state="published", by=admin)
    client.force_login(admin)
    for url in (f"/catalog/stacks/{stack.slug}/", "/catalog/stacks/", "/catalog/author/",
                f"/catalog/author/mc/{version.micro_credential.slug}/v1/", f"/catalog/author/stacks/{stack.slug}/"):
        body = client.get(url).content.decode()
        assert HOSTILE not in body, url
    exported = client.get(f"/catalog/author/mc/{version.micro_credential.slug}/v1/export.json")
    assert exported["Content-Type"].startswith("application/json") and exported["X-Content-Type-Options"] == "nosniff"


def test_adding_a_level_keeps_each_descriptor_with_its_level(client, world):
    """Issue 15 finding 4: after adding a level, descriptors stayed in their old columns ("Developing = clearly
    shown") and the new level's box held another level's text."""
    from microcred.catalog import services

    client.force_login(world["people"]["author"])
    version = services.create_micro_credential(owner=world["orgs"]["issuer"], definition=make_definition(), by=world["people"]["author"])
    url = f"/catalog/author/mc/{version.micro_credential.slug}/v1/parts/1/"
    page = client.get(url).content.decode()
    assert 'name="descriptor_levels"' in page
    base = {"title": "Plan", "overview": "", "demonstrates": "apply", "evidence_types": ["written"], "prompts": "Describe it.",
            "passing_rule": "all_at_least", "criterion-0-title": "Clarity", "criterion-0-description": ""}
    saved = {**base, "levels": "Not Yet, Proficient", "passing_level": "Proficient", "descriptor_levels": '["Not Yet", "Proficient"]',
             "criterion-0-level-0": "Unclear", "criterion-0-level-1": "Clearly shown"}
    assert client.post(url, saved).status_code == 302
    # The author types a middle level; the boxes on the page are still those of the two saved levels.
    grown = {**saved, "levels": "Not Yet, Developing, Proficient"}
    assert client.post(url, grown).status_code == 302
    rubric = version.parts.get(position=1).rubric
    criterion = rubric.criteria.get()
    texts = {d.level.name: d.text for d in criterion.descriptors.select_related("level")}
    assert texts == {"Not Yet": "Unclear", "Developing": "", "Proficient": "Clearly shown"}
    # Renaming a level in place keeps its text; removing one drops only its own.
    renamed = {**base, "levels": "Beginning, Developing, Proficient", "passing_level": "Proficient",
               "descriptor_levels": '["Not Yet", "Developing", "Proficient"]',
               "criterion-0-level-0": "Unclear", "criterion-0-level-1": "Partly shown", "criterion-0-level-2": "Clearly shown"}
    assert client.post(url, renamed).status_code == 302
    shrunk = {**renamed, "levels": "Beginning, Proficient", "descriptor_levels": '["Beginning", "Developing", "Proficient"]'}
    assert client.post(url, shrunk).status_code == 302
    criterion = version.parts.get(position=1).rubric.criteria.get()
    texts = {d.level.name: d.text for d in criterion.descriptors.select_related("level")}
    assert texts == {"Beginning": "Unclear", "Proficient": "Clearly shown"}
    # A forged or malformed record of the shown levels falls back to positions and never errors.
    for forged in ("not json", '{"a": 1}', '[1, 2]', "[" * 5000):
        assert client.post(url, {**renamed, "descriptor_levels": forged}).status_code == 302


def test_a_rubric_with_an_empty_descriptor_cannot_go_to_review_or_be_published(client, world):
    from django.core.exceptions import ValidationError

    from microcred.catalog import services

    author, admin = world["people"]["author"], world["people"]["issuer_admin"]
    version = services.create_micro_credential(owner=world["orgs"]["issuer"], definition=make_definition(), by=author)
    client.force_login(author)
    url = f"/catalog/author/mc/{version.micro_credential.slug}/v1/"
    part = {"title": "Plan", "overview": "", "demonstrates": "apply", "evidence_types": ["written"], "prompts": "Describe it.",
            "passing_rule": "all_at_least", "criterion-0-title": "Clarity <b>bold</b>", "levels": "Not Yet, Developing, Proficient",
            "passing_level": "Proficient", "descriptor_levels": '["Not Yet", "Proficient"]',
            "criterion-0-level-0": "Unclear", "criterion-0-level-1": "Clearly shown"}
    assert client.post(f"{url}parts/1/", part).status_code == 302
    page = client.post(f"{url}submit/", follow=True).content.decode()
    assert "the “Developing” level has no descriptor" in page and "Clarity &lt;b&gt;bold&lt;/b&gt;" in page
    version.refresh_from_db()
    assert version.state == MicroCredentialVersion.State.DRAFT
    # A version already in review (say, reviewed before this check existed) is not published either.
    MicroCredentialVersion.objects.filter(pk=version.pk).update(state=MicroCredentialVersion.State.IN_REVIEW)
    with pytest.raises(ValidationError, match="Developing"):
        services.publish(version=version, by=admin)
    MicroCredentialVersion.objects.filter(pk=version.pk).update(state=MicroCredentialVersion.State.DRAFT)
    fixed = {**part, "descriptor_levels": '["Not Yet", "Developing", "Proficient"]', "criterion-0-level-1": "Partly shown",
             "criterion-0-level-2": "Clearly shown"}
    assert client.post(f"{url}parts/1/", fixed).status_code == 302
    client.post(f"{url}submit/")
    version.refresh_from_db()
    assert version.state == MicroCredentialVersion.State.IN_REVIEW


def test_form_errors_and_help_are_tied_to_their_fields(client, world):
    """WCAG 3.3.1 / 1.3.1 (issue 15): a screen reader on a refused field hears what is wrong with it."""
    import re

    client.force_login(world["people"]["author"])
    html = client.post("/catalog/author/new/", {"owner": world["orgs"]["issuer"].pk, "title": "",
                                                "competency": "x", "key_method": "y"}).content.decode()
    title = re.search(r"<input[^>]*name=\"title\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in title
    described = re.search(r'aria-describedby="([^"]+)"', title).group(1).split()
    assert described and all(f'id="{ref}"' in html for ref in described)
    assert "id_title_error" in described
def test_deleting_a_part_asks_to_confirm_first(client, world):
    """Issue 15, finding 3: "Delete this part" removed the part (prompts, rubric) at once."""
    from microcred.catalog import services

    author = world["people"]["author"]
    version = services.create_micro_credential(owner=world["orgs"]["issuer"], definition=make_definition(), by=author)
    client.force_login(author)
    url = f"/catalog/author/mc/{version.micro_credential.slug}/v1/parts/2/"
    before = version.parts.count()
    asked = client.post(url, {"title": "Typed but not saved", "delete": "1"})
    body = asked.content.decode()
    assert asked.status_code == 200 and "Delete a part?" in body and 'name="confirmed" value="yes"' in body
    assert version.parts.count() == before  # nothing deleted yet
    done = client.post(url, {"delete": "1", "confirmed": "yes"}, follow=True)
    assert "Part removed." in done.content.decode() and version.parts.count() == before - 1


def test_catalog_pages_through_results(client, world, publish_mc, monkeypatch):
    from microcred.catalog import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    titles = {publish_mc(title=f"Paging Practice {i}").title for i in range(5)}
    seen = set()
    for number in (1, 2, 3):
        body = client.get(f"/catalog/?q=paging&page={number}").content.decode()
        assert f"Page {number} of 3" in body
        found = {t for t in titles if t in body}
        assert len(found) == (2 if number < 3 else 1) and not found & seen
        seen |= found
        assert ('rel="prev"' in body) == (number > 1) and ('rel="next"' in body) == (number < 3)
    assert seen == titles
    # the links keep the search and filters
    assert "?q=paging&amp;page=2" in client.get("/catalog/?q=paging&page=1").content.decode()
    # hostile or out-of-range page numbers never fail: the first page, or an empty last one
    for bad in ("abc", "-5", "0", "9" * 40, "%00", "1e9"):
        response = client.get(f"/catalog/?q=paging&page={bad}")
        assert response.status_code == 200, bad
    assert "No micro-credentials match" in client.get("/catalog/?q=paging&page=99").content.decode()


def test_one_page_shows_no_pagination(client, world, published):
    body = client.get("/catalog/").content.decode()
    assert 'aria-label="Result pages"' not in body
