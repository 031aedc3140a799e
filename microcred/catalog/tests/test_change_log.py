"""The change log: each new version says what changed, and the public MC page shows the version history."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from microcred.catalog import services
from microcred.catalog.models import MicroCredentialVersion
from microcred.core.models import AuditEvent

S = MicroCredentialVersion.State


def _revise(published, world, note, publish=True):
    author, admin = world["people"]["author"], world["people"]["issuer_admin"]
    draft = services.start_new_version(micro_credential=published.micro_credential, by=author)
    services.save_change_note(version=draft, note=note, by=author)
    if publish:
        services.submit_for_review(version=draft, by=author)
        return services.publish(version=draft, by=admin)
    return draft


def test_change_note_is_saved_audited_and_shown_in_the_version_history(client, world, published):
    v2 = _revise(published, world, "  Added a student-work part and a second research citation.  ")
    assert v2.change_note == "Added a student-work part and a second research citation."
    actions = dict(AuditEvent.objects.filter(target_id=str(v2.pk), target_type="catalog.microcredentialversion")
                   .values_list("action", "data"))
    assert actions["mc.change_note_saved"]["change_note"].startswith("Added a student-work part")
    assert actions["mc.published"]["change_note"] == v2.change_note

    page = client.get(reverse("catalog:detail", args=[published.micro_credential.slug])).content.decode()
    assert 'id="version-history"' in page and "Version history" in page
    assert "Added a student-work part and a second research citation." in page
    assert "First published version." in page            # version 1 has no note
    assert reverse("catalog:version", args=[published.micro_credential.slug, 1]) in page
    # the retired version's own page shows the same history
    old = client.get(reverse("catalog:version", args=[published.micro_credential.slug, 1])).content.decode()
    assert "Added a student-work part" in old


def test_hostile_change_note_is_escaped(client, world, published):
    _revise(published, world, '<script>alert("x")</script><img src=x onerror=alert(1)>')
    page = client.get(reverse("catalog:detail", args=[published.micro_credential.slug])).content.decode()
    assert '<script>alert("x")</script>' not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


def test_oversized_or_non_text_note_is_refused_clearly(world, published):
    author = world["people"]["author"]
    draft = services.start_new_version(micro_credential=published.micro_credential, by=author)
    with pytest.raises(ValidationError, match="2001 characters long; keep it to 2000"):
        services.save_change_note(version=draft, note="x" * 2001, by=author)
    with pytest.raises(ValidationError, match="must be text"):
        services.save_change_note(version=draft, note=["not", "text"], by=author)
    draft.refresh_from_db()
    assert draft.change_note == ""


def test_oversized_note_in_the_page_keeps_what_was_typed(client, world, published):
    author = world["people"]["author"]
    draft = services.start_new_version(micro_credential=published.micro_credential, by=author)
    client.force_login(author)
    url = reverse("catalog:author_change_note", args=[draft.micro_credential.slug, draft.number])
    typed = "Rewrote the rubric. " + "y" * 2100
    response = client.post(url, {"change_note": typed})
    assert response.status_code == 400
    body = response.content.decode()
    assert "at most 2000 characters" in body and typed in body     # the error and the text, not lost
    draft.refresh_from_db()
    assert draft.change_note == ""
    response = client.post(url, {"change_note": "Rewrote the rubric."})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.change_note == "Rewrote the rubric."


def test_only_editors_write_the_note_and_only_on_a_draft(client, world, published):
    author = world["people"]["author"]
    draft = services.start_new_version(micro_credential=published.micro_credential, by=author)
    for who in ("other_author", "other_admin", "earner", "assessor", "recognizer"):
        with pytest.raises(PermissionDenied):
            services.save_change_note(version=draft, note="sneaky", by=world["people"][who])
        client.force_login(world["people"][who])
        response = client.post(reverse("catalog:author_change_note", args=[draft.micro_credential.slug, draft.number]),
                               {"change_note": "sneaky"})
        assert response.status_code == 404
    client.logout()
    response = client.post(reverse("catalog:author_change_note", args=[draft.micro_credential.slug, draft.number]),
                           {"change_note": "sneaky"})
    assert response.status_code == 302 and "login" in response["Location"]
    draft.refresh_from_db()
    assert draft.change_note == ""
    # a published version's note is frozen with its content
    with pytest.raises(ValidationError, match="no longer a draft"):
        services.save_change_note(version=published, note="rewrite history", by=world["people"]["issuer_admin"])


def test_version_history_takes_constant_queries(client, world, published):
    url = reverse("catalog:detail", args=[published.micro_credential.slug])
    client.force_login(world["people"]["earner"])  # drawn for the reader (anonymous visitors get a cached copy)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    latest = published
    for n in range(3):
        latest = _revise(latest, world, f"Change {n}")
    client.get(url)  # what is kept per person is retired by the writes above (decision 0050): draw it once first
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert "Change 2" in page and "Change 0" in page
    assert len(many) == len(one)
