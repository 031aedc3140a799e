"""Issue 15, findings 6 and 10 (part): feedback the teacher can see, next to what it is about, and true.

Each test would have caught the finding: an upload refusal at the top of the page, "Saved" while the part still
said "Empty", five red bars without a heading, the part to revise badged "Complete", an earned attempt without a
link to its credential, a capped notification count, read and unread notices looking alike, and an attempt page
with no turnaround, deadline or rubric."""
import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from microcred.earning import services
from microcred.earning.models import Cohort, Notification

from .factories import answer_everything, levels_for, submit_complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def earner_client(client, world):
    client.force_login(world["people"]["earner"])
    return client


@pytest.fixture
def attempt(world, published):
    return services.start_attempt(earner=world["people"]["earner"], micro_credential=published.micro_credential)


def _top_messages(page: str) -> str:
    found = re.search(r'<ul class="messages">.*?</ul>', page, re.S)
    return found.group(0) if found else ""


def test_an_upload_refusal_shows_next_to_its_upload_control(earner_client, attempt, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    prompt = attempt.version.parts.get(position=2).prompts.get()
    html = b"<!doctype html><html><script>alert(1)</script></html>"
    response = earner_client.post(f"/earn/attempts/{attempt.pk}/upload/{prompt.pk}/",
                                  {"file": SimpleUploadedFile("lesson.mp4", html, content_type="video/mp4")})
    assert response["Location"].endswith(f"#upload-result-{prompt.pk}")  # the page opens at the message
    page = earner_client.get(response["Location"].split("#")[0]).content.decode()
    message = re.search(rf'<p id="upload-result-{prompt.pk}"[^>]*>(.*?)</p>', page, re.S)
    assert message and "File not added" in message.group(1) and 'role="alert"' in message.group(0)
    part = re.search(r'<section class="card part" id="part-2".*?</section>', page, re.S).group(0)
    assert f'id="upload-result-{prompt.pk}"' in part  # inside the part it is about
    assert "File not added" not in _top_messages(page)
    again = earner_client.get(f"/earn/attempts/{attempt.pk}/").content.decode()
    assert f"upload-result-{prompt.pk}" not in again  # shown once


def test_autosave_updates_the_parts_status_in_place(earner_client, attempt):
    part = attempt.version.parts.get(position=1)
    page = earner_client.get(f"/earn/attempts/{attempt.pk}/").content.decode()
    assert f'<span id="part-state-{part.pk}" class="state state-empty">Empty</span>' in page
    assert re.search(r'class="status status-line small" role="status" aria-live="polite"', page)  # announced
    prompts = list(part.prompts.all())
    saved = earner_client.post(f"/earn/attempts/{attempt.pk}/answer/{prompts[0].pk}/", {"text": "First answer"},
                               HTTP_HX_REQUEST="true").content.decode()
    assert saved.startswith('<span class="saved">Saved</span>')
    badge = re.search(rf'<span id="part-state-{part.pk}"[^>]*>(\w+)</span>', saved)
    assert badge and 'hx-swap-oob="true"' in badge.group(0)
    expected = "Complete" if len(prompts) == 1 else "Started"
    assert badge.group(1) == expected and "Empty" not in saved
    missing = re.search(rf'<p id="part-missing-{part.pk}"[^>]*hx-swap-oob="true">(.*?)</p>', saved, re.S)
    assert missing
    for prompt in prompts[1:]:
        saved = earner_client.post(f"/earn/attempts/{attempt.pk}/answer/{prompt.pk}/",
                                   {"text": "More", "choice": str(prompt.correct_choice or 0), "url": "https://example.org/v"},
                                   HTTP_HX_REQUEST="true").content.decode()
    assert f'<span id="part-state-{part.pk}" class="state state-complete" hx-swap-oob="true">Complete</span>' in saved
    assert "Still needed" not in saved


def test_a_failed_submit_shows_one_heading_led_summary_linking_to_the_parts(earner_client, attempt):
    response = earner_client.post(f"/earn/attempts/{attempt.pk}/submit/", {"privacy": "1", "note_to_assessor": ""})
    assert response["Location"].endswith("#error-summary")
    page = earner_client.get(response["Location"].split("#")[0]).content.decode()
    summary = re.search(r'<div class="error-summary" id="error-summary" role="alert".*?</div>', page, re.S).group(0)
    assert re.search(r"<h2 id=\"error-summary-title\">Not submitted: there are \d+ things to fix</h2>", summary)
    links = re.findall(r'<a href="#part-(\d)">', summary)
    assert set(links) == {str(p.position) for p in attempt.version.parts.all()}
    assert _top_messages(page) == ""  # no stack of red bars
    assert page.count('class="error-summary"') == 1


def test_the_part_a_not_yet_asks_to_revise_says_revise(earner_client, world, attempt):
    earner = world["people"]["earner"]
    answer_everything(attempt, earner)
    services.confirm_privacy(attempt=attempt, by=earner)
    services.submit_attempt(attempt=attempt, by=earner)
    services.record_decision(submission=attempt.submissions.get(), by=world["people"]["assessor"],
                             levels=levels_for(attempt, failing_parts=(2,)))
    page = earner_client.get(f"/earn/attempts/{attempt.pk}/").content.decode()
    part1, part2 = (attempt.version.parts.get(position=n) for n in (1, 2))
    assert f'<span id="part-state-{part2.pk}" class="state state-revise">Revise</span>' in page
    assert f'<span id="part-state-{part1.pk}" class="state state-passed">Passed</span>' in page
    assert f'id="part-state-{part2.pk}" class="state state-complete"' not in page


def test_my_mcs_shows_the_latest_not_yet_feedback_only(earner_client, world, attempt):
    """Issue 18: the not-yet cards read every attempt's latest decision together; an earlier decision's feedback
    never shows, and feedback text stays text."""
    earner, assessor = world["people"]["earner"], world["people"]["assessor"]
    submit_complete(attempt, earner)
    part2 = attempt.version.parts.get(position=2)
    services.record_decision(submission=attempt.submissions.get(), by=assessor, levels=levels_for(attempt, failing_parts=(2,)),
                             part_feedback={part2.pk: "First round: show the hinge question."})
    services.save_answer(attempt=attempt, by=earner, prompt=part2.prompts.first(), text="Revised after the first round.")
    services.submit_attempt(attempt=attempt, by=earner)
    services.record_decision(submission=attempt.submissions.get(number=2), by=assessor,
                             levels=levels_for(attempt, failing_parts=(2,)),
                             part_feedback={part2.pk: '<img src=x onerror="alert(1)"> Second round: name the adjustment.'})
    page = earner_client.get("/earn/").content.decode()
    card = re.search(r'<section id="not-yet">.*?</section>', page, re.S).group(0)
    assert f"<strong lang=\"en\">{part2.title}:</strong> &lt;img src=x onerror=&quot;alert(1)&quot;&gt; Second round" in card
    assert "First round" not in card and "<img src=x" not in page


@pytest.fixture
def certified(world, attempt):
    """A certified assessor for the attempt's MC: without one no turnaround is promised (issue 15 finding 1)."""
    from microcred.assessment.models import Qualification

    return Qualification.objects.create(assessor=world["people"]["assessor"], organization=world["orgs"]["issuer"],
                                        micro_credential=attempt.version.micro_credential, status="certified",
                                        certified_at=timezone.now())


def test_no_turnaround_is_promised_while_nobody_can_assess(earner_client, attempt):
    page = earner_client.get(f"/earn/attempts/{attempt.pk}/").content.decode()
    assert "Assessors usually decide within" not in page and "no turnaround can be promised" in page


def test_turnaround_deadline_and_rubric_beside_the_work(earner_client, world, attempt, settings, certified):
    settings.MICROCRED_ASSESSMENT_TURNAROUND_DAYS = 7
    page = earner_client.get(f"/earn/attempts/{attempt.pk}/").content.decode()
    assert "Assessors usually decide within 7 working days" in page
    assert "No submission deadline applies" in page
    cohort = Cohort.objects.create(organization=world["orgs"]["district"], name="Spring cohort",
                                   deadline=timezone.now() + dt.timedelta(days=30))
    attempt.cohort = cohort
    attempt.save(update_fields=["cohort"])
    page = earner_client.get(f"/earn/attempts/{attempt.pk}/").content.decode()
    assert "Deadline: submit by" in page and "Spring cohort" in page
    part = attempt.version.parts.get(position=1)
    section = re.search(r'<section class="card part" id="part-1".*?</section>', page, re.S).group(0)
    assert f'<aside class="rubric-aside" aria-labelledby="rubric-{part.pk}">' in section
    criterion = part.rubric.criteria.first()
    assert criterion.title in section and "meets the bar" in section


def test_the_rubric_beside_the_work_is_drawn_once_and_shows_a_change_at_the_next_view(earner_client, world, attempt,
                                                                                      certified):
    """Issue 18: the rubric aside is the same for every earner of a version, so it is drawn once and kept with the
    version's content, and any change to the rubric retires it."""
    url = f"/earn/attempts/{attempt.pk}/"
    drawn = [t.name for t in earner_client.get(url).templates]
    assert drawn.count("earning/_rubric_aside.html") == attempt.version.parts.exclude(rubric=None).count() > 0
    assert "earning/_rubric_aside.html" not in [t.name for t in earner_client.get(url).templates]  # kept
    criterion = attempt.version.parts.get(position=1).rubric.criteria.first()
    criterion.title = '<script>alert("rubric")</script> Uses “evidence” & data'
    criterion.save()
    page = earner_client.get(url).content.decode()
    section = re.search(r'<section class="card part" id="part-1".*?</section>', page, re.S).group(0)
    assert '<h4 lang="en">&lt;script&gt;alert(&quot;rubric&quot;)&lt;/script&gt; Uses “evidence” &amp; data</h4>' in section
    assert "<script>alert" not in page


def test_the_notification_count_is_the_real_number_and_read_differs_from_unread(earner_client, world):
    earner = world["people"]["earner"]
    Notification.objects.bulk_create([Notification(user=earner, kind="decision", message=f"Notice {i}") for i in range(12)])
    home = earner_client.get("/earn/").content.decode()
    assert "(12 unread)" in home and "See all 12 unread notifications" in home
    Notification.objects.bulk_create([Notification(user=earner, kind="decision", message=f"More {i}") for i in range(100)])
    assert "(99+ unread)" in earner_client.get("/earn/").content.decode()
    Notification.objects.filter(message__startswith="More").delete()
    Notification.objects.filter(message="Notice 0").update(read_at=timezone.now())
    page = earner_client.get("/earn/notifications/").content.decode()
    read = re.search(r'<li class="read"[^>]*><span class="badge">Read</span>Notice 0 ', page)
    unread = re.search(r'<li class="unread"[^>]*><span class="badge">New</span><strong>Notice 1</strong>', page)
    assert read and unread  # different in text and markup, not colour alone
    assert "11 unread" in page


def test_catalog_search_shows_loading_and_keeps_every_ticked_filter(client, world, published):
    page = client.get("/catalog/").content.decode()
    form = re.search(r'<form id="catalog-form".*?>', page, re.S).group(0)
    assert 'hx-sync="this:replace"' in form  # a newer request (with every ticked box) replaces one in flight
    assert 'hx-indicator="#catalog-loading"' in form and 'hx-include="this"' in form
    assert 'id="catalog-loading" class="htmx-indicator"' in page and "Loading results…" in page


def test_the_attempt_promises_the_issuers_own_turnaround(earner_client, attempt, settings, certified):
    """The issuer's IssuerPolicy (which also sets assessors' due dates) is the promise; the setting is the fallback."""
    from microcred.assessment.models import IssuerPolicy
    from microcred.earning import selectors

    settings.MICROCRED_ASSESSMENT_TURNAROUND_DAYS = 14
    assert selectors.turnaround_days(attempt) == 14
    IssuerPolicy.objects.create(organization=attempt.version.micro_credential.owner, turnaround_business_days=6)
    assert selectors.turnaround_days(attempt) == 6
    assert "Assessors usually decide within 6 working days" in earner_client.get(f"/earn/attempts/{attempt.pk}/").content.decode()


def test_a_changed_promise_shows_at_once_although_the_promise_is_kept(earner_client, attempt, settings, certified):
    """The issuer's turnaround is kept per issuer (every attempt page shows it); saving the policy retires it."""
    from microcred.assessment import services as assessment_services

    settings.MICROCRED_ASSESSMENT_TURNAROUND_DAYS = 14
    url = f"/earn/attempts/{attempt.pk}/"
    assert "Assessors usually decide within 14 working days" in earner_client.get(url).content.decode()
    policy = assessment_services.issuer_policy(attempt.version.micro_credential)  # made now: the kept "none" retires
    policy.turnaround_business_days = 4
    policy.save()
    assert "Assessors usually decide within 4 working days" in earner_client.get(url).content.decode()
    policy.turnaround_business_days = 9
    policy.save()
    page = earner_client.get(url).content.decode()
    assert "Assessors usually decide within 9 working days" in page and "within 4 working days" not in page
    policy.delete()
    assert "Assessors usually decide within 14 working days" in earner_client.get(url).content.decode()


def test_autosave_refuses_a_question_of_another_micro_credential_and_keeps_the_answers(earner_client, world, attempt):
    """The prompt is looked up in the attempt's own (kept) version: another version's prompt is not found."""
    from microcred.catalog.models import Prompt
    from microcred.earning import selectors

    own = attempt.version.parts.first().prompts.first()
    assert earner_client.post(f"/earn/attempts/{attempt.pk}/answer/{own.pk}/", {"text": "My first answer"},
                              HTTP_HX_REQUEST="true").status_code == 200
    foreign = Prompt.objects.exclude(part__version_id=attempt.version_id).first()
    for prompt_id in ([foreign.pk] if foreign else []) + [10**9]:
        response = earner_client.post(f"/earn/attempts/{attempt.pk}/answer/{prompt_id}/", {"text": "hijack"},
                                      HTTP_HX_REQUEST="true")
        assert response.status_code == 404
    assert [e.text for e in selectors.evidence_of(attempt)] == ["My first answer"]


def test_autosave_overwrites_one_answer_rather_than_adding_another(earner_client, attempt):
    from microcred.earning import selectors

    prompt = attempt.version.parts.first().prompts.first()
    for text in ("First", "Second", "  Third  "):
        response = earner_client.post(f"/earn/attempts/{attempt.pk}/answer/{prompt.pk}/", {"text": text}, HTTP_HX_REQUEST="true")
        assert "Saved" in response.content.decode()
    assert [e.text for e in selectors.evidence_of(attempt)] == ["Third"]
    earner_client.post(f"/earn/attempts/{attempt.pk}/answer/{prompt.pk}/", {"text": ""}, HTTP_HX_REQUEST="true")
    assert list(selectors.evidence_of(attempt)) == []  # emptied: cleared


@pytest.mark.parametrize("unread", [0, 1, 5, 6, 7])
def test_the_home_counts_a_few_unread_notifications_exactly(earner_client, world, unread):
    """Five are shown; the count is exact on both sides of that (read from the shown ones when they are all)."""
    earner = world["people"]["earner"]
    Notification.objects.bulk_create([Notification(user=earner, kind="decision", message=f"Notice {i}") for i in range(unread)])
    home = earner_client.get("/earn/").content.decode()
    assert home.count('class="card small notice-unread"') == min(unread, 5)
    if unread:
        assert f"({unread} unread)" in home
    else:
        assert "unread)" not in home
    assert ("See all 6 unread" in home) == (unread == 6) and ("See all" in home) == (unread > 5)
