import pytest

from microcred.earning import services
from microcred.earning.models import Attempt, CoachAssignment, Submission

from .factories import answer_everything, levels_for

HOSTILE = '<script>alert("x")</script>'


@pytest.fixture
def earner_client(client, world):
    client.force_login(world["people"]["earner"])
    return client


def test_start_from_the_catalog_page_and_work_in_the_browser_forms(earner_client, world, published):
    slug = published.micro_credential.slug
    assert "Start this micro-credential" in earner_client.get(f"/catalog/mc/{slug}/").content.decode()
    response = earner_client.post(f"/earn/start/{slug}/")
    attempt = Attempt.objects.get()
    assert response["Location"] == f"/earn/attempts/{attempt.pk}/"
    assert earner_client.post(f"/earn/start/{slug}/")["Location"] == f"/earn/attempts/{attempt.pk}/"  # second tab: same attempt
    page = earner_client.get(f"/earn/attempts/{attempt.pk}/").content.decode()
    assert "Part 1: <span lang=\"en\">Overview questions</span>" in page and "I confirm my evidence shows no names" in page
    written = attempt.version.parts.get(position=1).prompts.get(position=1)
    saved = earner_client.post(f"/earn/attempts/{attempt.pk}/answer/{written.pk}/", {"text": HOSTILE}, HTTP_HX_REQUEST="true")
    assert saved.content.decode().startswith('<span class="saved"')
    assert HOSTILE not in earner_client.get(f"/earn/attempts/{attempt.pk}/").content.decode()
    bad = earner_client.post(f"/earn/attempts/{attempt.pk}/answer/{written.pk}/", {"text": "x" * 20_001}, HTTP_HX_REQUEST="true")
    assert "Not saved" in bad.content.decode()
    answer_everything(attempt, world["people"]["earner"])
    no_privacy = earner_client.post(f"/earn/attempts/{attempt.pk}/submit/", {"note_to_assessor": ""}, follow=True).content.decode()
    assert "Confirm that student names" in no_privacy
    done = earner_client.post(f"/earn/attempts/{attempt.pk}/submit/", {"privacy": "1", "note_to_assessor": "First try"}, follow=True)
    assert "Submitted. Your evidence is locked" in done.content.decode()
    earner_client.post(f"/earn/attempts/{attempt.pk}/submit/", {"privacy": "1"})  # double click
    assert Submission.objects.filter(attempt=attempt).count() == 1


def test_not_yet_feedback_is_shown_without_assessor_identity(earner_client, world, published):
    from microcred.accounts.models import User

    earner = world["people"]["earner"]
    assessor = User.objects.create_user(username="rater_qz7", first_name="Quintessa", last_name="Zybrowski", password="x-long-password-1")
    attempt = services.start_attempt(earner=earner, micro_credential=published.micro_credential)
    answer_everything(attempt, earner)
    services.confirm_privacy(attempt=attempt, by=earner)
    services.submit_attempt(attempt=attempt, by=earner)
    part2 = attempt.version.parts.get(position=2)
    services.record_decision(submission=attempt.submissions.get(), by=assessor, levels=levels_for(attempt, failing_parts=(2,)),
                             part_feedback={part2.pk: "Show the moment you changed course."})
    home = earner_client.get("/earn/").content.decode()
    assert "Not yet — revise and resubmit" in home and "Show the moment you changed course." in home
    page = earner_client.get(f"/earn/attempts/{attempt.pk}/").content.decode()
    assert "Show the moment you changed course." in page and "Resubmit" in page
    assert "rater_qz7" not in page and "Zybrowski" not in page and "Quintessa" not in page


def test_other_people_cannot_see_or_touch_an_attempt(client, world, published):
    earner = world["people"]["earner"]
    attempt = services.start_attempt(earner=earner, micro_credential=published.micro_credential)
    prompt = attempt.version.parts.first().prompts.first()
    for who in ("other_earner", "assessor", "author"):
        client.force_login(world["people"][who])
        assert client.get(f"/earn/attempts/{attempt.pk}/").status_code == 404
        assert client.post(f"/earn/attempts/{attempt.pk}/answer/{prompt.pk}/", {"text": "x"}).status_code == 404
        assert client.post(f"/earn/attempts/{attempt.pk}/submit/", {"privacy": "1"}).status_code in (302, 404)
    assert not Submission.objects.exists()
    client.logout()
    assert client.get(f"/earn/attempts/{attempt.pk}/").status_code == 302


def test_coach_sees_shared_draft_and_comments(client, world, published):
    earner, coach = world["people"]["earner"], world["people"]["assessor"]
    CoachAssignment.objects.create(earner=earner, coach=coach)
    attempt = services.start_attempt(earner=earner, micro_credential=published.micro_credential)
    client.force_login(coach)
    assert client.get(f"/earn/attempts/{attempt.pk}/").status_code == 404
    services.set_shared_with_coach(attempt=attempt, by=earner, shared=True)
    assert client.get("/earn/coaching/").content.decode().count(f"/earn/attempts/{attempt.pk}/") == 1
    assert client.get(f"/earn/attempts/{attempt.pk}/").status_code == 200
    client.post(f"/earn/attempts/{attempt.pk}/comment/", {"text": "Try a hinge question at minute 5."})
    assert attempt.coach_comments.get().text.startswith("Try a hinge")
    prompt = attempt.version.parts.first().prompts.first()
    assert client.post(f"/earn/attempts/{attempt.pk}/answer/{prompt.pk}/", {"text": "coach edit"}).status_code == 404


def test_earner_home_lists_states_and_notifications(earner_client, world, published):
    services.start_attempt(earner=world["people"]["earner"], micro_credential=published.micro_credential)
    page = earner_client.get("/earn/").content.decode()
    assert "In progress" in page and published.title in page
    assert earner_client.get("/earn/notifications/").status_code == 200


def test_upload_through_the_page_and_download_with_permission(earner_client, client, world, published, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    attempt = services.start_attempt(earner=world["people"]["earner"], micro_credential=published.micro_credential)
    video_prompt = attempt.version.parts.get(position=2).prompts.get()
    from .test_uploads import mp4

    response = earner_client.post(f"/earn/attempts/{attempt.pk}/upload/{video_prompt.pk}/",
                                  {"file": SimpleUploadedFile("../../lesson.mp4", mp4(), content_type="video/mp4")}, follow=True)
    assert "Added “lesson.mp4”" in response.content.decode()
    evidence = attempt.responses.get(part__position=2).evidence.get(file__isnull=False)
    assert evidence.file.kind == "video" and ".." not in evidence.file.storage_name
    download = earner_client.get(f"/earn/files/{evidence.file_id}/")
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    client.force_login(world["people"]["other_earner"])
    assert client.get(f"/earn/files/{evidence.file_id}/").status_code == 404


def test_spoofed_upload_is_refused_and_nothing_else_is_lost(earner_client, world, published, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    attempt = services.start_attempt(earner=world["people"]["earner"], micro_credential=published.micro_credential)
    written = attempt.version.parts.get(position=1).prompts.get(position=1)
    services.save_answer(attempt=attempt, by=world["people"]["earner"], prompt=written, text="Keep me")
    video_prompt = attempt.version.parts.get(position=2).prompts.get()
    html = b"<!doctype html><html><script>alert(1)</script></html>"
    body = earner_client.post(f"/earn/attempts/{attempt.pk}/upload/{video_prompt.pk}/",
                              {"file": SimpleUploadedFile("lesson.mp4", html, content_type="video/mp4")}, follow=True).content.decode()
    assert "File not added" in body and "HTML" in body
    assert not attempt.responses.get(part__position=2).evidence.exists()
    assert attempt.responses.get(part__position=1).evidence.get().text == "Keep me"
    empty = earner_client.post(f"/earn/attempts/{attempt.pk}/upload/{video_prompt.pk}/", {}, follow=True).content.decode()
    assert "Choose a file" in empty


@pytest.mark.parametrize("who, visible, hidden", [
    ("earner", ["My MCs"], ["Coaching", "Priorities", "Sponsorship", "Authoring"]),
    ("recognizer", ["Priorities", "Sponsorship"], ["Authoring"]),
    ("issuer_admin", ["Sponsorship", "Authoring", "Assessment"], ["Priorities"]),
    ("assessor", ["Assess"], ["Assessment", "Authoring", "Sponsorship"]),
])
def test_navigation_offers_what_each_role_may_use(client, world, who, visible, hidden):
    client.force_login(world["people"][who])
    nav = client.get("/").content.decode().split("</nav>")[0]
    for label in visible:
        assert f">{label}</a>" in nav, label
    for label in hidden:
        assert f">{label}</a>" not in nav, label


def test_the_home_reads_the_same_number_of_queries_for_one_draft_or_three(earner_client, world, publish_mc):
    """Each draft shows its parts' states: the parts, prompts and evidence types of every draft come in one go."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    earner = world["people"]["earner"]

    def queries() -> int:
        earner_client.get("/earn/")  # warm what is kept (guidance, menu)
        with CaptureQueriesContext(connection) as captured:
            page = earner_client.get("/earn/").content.decode()
        assert "In progress" in page
        return len(captured)

    versions = [publish_mc(slug=f"draft-count-{i}", title=f"Draft count {i}") for i in range(3)]
    services.start_attempt(earner=earner, micro_credential=versions[0].micro_credential)
    one = queries()
    for version in versions[1:]:
        services.start_attempt(earner=earner, micro_credential=version.micro_credential)
    page = earner_client.get("/earn/").content.decode()
    assert all(f"Draft count {i}" in page for i in range(3))
    assert queries() == one
