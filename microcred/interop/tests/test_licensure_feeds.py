"""Licensure feeds (issue 19 item 4): the mapping, the folder guard, HTTPS delivery with only the mapped columns,
only new or changed awards the next time, failures recorded, and who may see and manage feeds."""
from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from microcred.core.models import AuditEvent
from microcred.interop.feeds import services
from microcred.interop.models import LicensureFeed, LicensureFeedRun
from microcred.recognition.tests.pages_fixtures import published_policy  # noqa: F401 (fixture)

from .webhook_receiver import receiver

ALLOW_LOCAL = override_settings(MICROCRED_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=True)
COLUMNS = [["LicenseNo", "license_number"], ["Credit", "outcome"], ["Hours", "amount"]]


def award(world, policy, who="earner", key="renewal"):
    from microcred.recognition.models import Award

    return Award.objects.create(policy=policy, educator=world["people"][who], outcome_key=key, kind="credit",
                                name="Renewal credit", amount=60, unit="PDP", awarded_at=timezone.now(), provenance={})


def make(world, **kw):
    args = {"recognizer": world["orgs"]["state"], "name": "Renewals", "columns": COLUMNS, "destination": "folder",
            "folder": "tn/renewals", "by": world["people"]["recognizer"], **kw}
    return services.create_feed(**args)[0]


# --- mapping -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("columns, why", [
    ([["A", "salary"]], "not an award field"),
    ([["A", "educator"], ["a", "email"]], "appears twice"),
    ([["x" * 61, "educator"]], "longer than"),
    ([["Bad\x00name", "educator"]], "control characters"),
    ([], "at least one"),
    ([["c%d" % i, "educator"] for i in range(41)], "at most"),
    ([["A"]], "pair"),
    ("educator", "at least one"),
])
def test_bad_mappings_are_refused_with_a_clear_message(world, columns, why):
    with pytest.raises(ValidationError) as exc:
        make(world, columns=columns)
    assert why in " ".join(exc.value.messages)
    assert not LicensureFeed.objects.exists()


def test_parse_mapping_lines_and_a_formula_column_name_is_neutralized_in_the_csv(world, published_policy, tmp_path, settings):  # noqa: F811
    settings.DATA_DIR = tmp_path
    assert services.parse_mapping("LicenseNo = license_number\n\n=HYPERLINK(\"x\") = educator\n") == [
        ["LicenseNo", "license_number"], ['=HYPERLINK("x")', "educator"]]
    with pytest.raises(ValidationError):
        services.parse_mapping("no equals sign here")
    from microcred.accounts.models import User

    User.objects.filter(username="earner").update(first_name="=cmd|' /C calc'!A0")
    award(world, published_policy)
    feed = make(world, columns=[['=HYPERLINK("x")', "educator"], ["Credit", "outcome"]])
    run = services.send_due()
    assert run == {"feeds": 1, "sent": 1, "rows": 1, "failed": 0}
    done = LicensureFeedRun.objects.get(feed=feed)
    text = (tmp_path / "licensure-feeds" / done.file_name).read_text()
    header, row = list(csv.reader(io.StringIO(text)))
    assert header == ["'=HYPERLINK(\"x\")", "Credit"] and row[0].startswith("'=cmd")


# --- folder ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("folder", ["../etc", "/etc/cron.d", "a/../../b", "..", ".hidden", "a\\b", "a//b", "", "x" * 201])
def test_folder_traversal_and_bad_folders_are_refused(world, folder):
    with pytest.raises(ValidationError) as exc:
        make(world, folder=folder)
    assert "folder" in exc.value.message_dict


def test_a_symlink_out_of_the_root_made_after_saving_fails_the_run(world, published_policy, tmp_path, settings):  # noqa: F811
    settings.DATA_DIR = tmp_path
    award(world, published_policy)
    feed = make(world, folder="out")
    (tmp_path / "licensure-feeds").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "licensure-feeds" / "out").symlink_to(tmp_path / "elsewhere")
    assert services.send_due()["failed"] == 1
    run = feed.runs.get()
    assert run.state == "failed" and "inside the feeds folder" in run.error
    assert not list((tmp_path / "elsewhere").iterdir())


# --- HTTPS delivery ----------------------------------------------------------------------------------------------

@ALLOW_LOCAL
def test_https_delivery_sends_exactly_the_mapped_columns_then_only_new_awards(world, published_policy, capsys):  # noqa: F811
    from microcred.accounts.models import EducatorProfile

    EducatorProfile.objects.update_or_create(user=world["people"]["earner"], defaults={"license_number": "TN-12345"})
    award(world, published_policy)
    with receiver() as (url, received):
        feed, secret = services.create_feed(recognizer=world["orgs"]["state"], name="Renewal system", columns=COLUMNS,
                                            format="json", destination="https", url=url, sign=True,
                                            by=world["people"]["recognizer"])
        call_command("send_licensure_feeds")
        assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == {"feeds": 1, "sent": 1, "rows": 1, "failed": 0}
        body = json.loads(received[0]["body"])
        assert body["columns"] == ["LicenseNo", "Credit", "Hours"]
        assert body["rows"] == [{"LicenseNo": "TN-12345", "Credit": "Renewal credit", "Hours": "60.00"}]
        assert received[0]["headers"]["content-type"] == "application/json"
        from microcred.interop.webhooks import signing
        assert signing.verify(secret, received[0]["body"], received[0]["headers"])["feed"] == "Renewal system"
        # Not due again yet; "send now" sends only what is new since the acknowledged run.
        call_command("send_licensure_feeds")
        assert json.loads(capsys.readouterr().out.strip())["feeds"] == 0
        award(world, published_policy, who="other_earner")
        services.send_run(services.request_run(feed=feed, by=world["people"]["recognizer"]).pk)
        second = json.loads(received[1]["body"])
        assert len(second["rows"]) == 1 and second["period"]["start"] is not None
    runs = list(feed.runs.order_by("pk"))
    assert [r.state for r in runs] == ["acknowledged", "acknowledged"] and [r.row_count for r in runs] == [1, 1]
    assert runs[0].status_code == 200 and len(runs[0].checksum) == 64
    assert set(AuditEvent.objects.filter(action__startswith="licensure_feed.").values_list("action", flat=True)) == {
        "licensure_feed.created", "licensure_feed.sent", "licensure_feed.send_requested"}


@ALLOW_LOCAL
def test_a_failing_endpoint_is_recorded_and_the_awards_are_sent_again_next_time(world, published_policy):  # noqa: F811
    award(world, published_policy)
    with receiver(status=500) as (url, received):
        feed, _ = services.create_feed(recognizer=world["orgs"]["state"], name="Renewals", columns=COLUMNS,
                                       destination="https", url=url, by=world["people"]["recognizer"])
        assert services.send_due() == {"feeds": 1, "sent": 0, "rows": 0, "failed": 1}
    run = feed.runs.get()
    assert run.state == "failed" and run.status_code == 500 and "receiver is broken" in run.response_excerpt
    assert received[0]["headers"]["content-type"].startswith("text/csv")
    feed.refresh_from_db()
    assert feed.next_due_at > timezone.now() and not feed.sent_awards.exists()
    with receiver() as (url, received):
        feed.url = url
        feed.next_due_at = timezone.now()
        feed.save()
        assert services.send_due()["rows"] == 1


def test_private_endpoints_are_refused_without_the_setting(world):
    with pytest.raises(ValidationError) as exc:
        make(world, destination="https", url="http://127.0.0.1:9/x")
    assert "url" in exc.value.message_dict


# --- permissions -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["issuer_admin", "earner", "other_admin", "assessor"])
def test_others_may_not_manage_a_recognizers_feeds(world, who):
    with pytest.raises(PermissionDenied):
        make(world, by=world["people"][who])


@pytest.mark.parametrize("who", ["issuer_admin", "earner", "city"])
def test_pages_refuse_other_recognizers_issuer_admins_and_earners(world, client, who):
    feed = make(world)
    if who == "city":
        from microcred.accounts.models import User
        from microcred.accounts.services import grant_role

        user = User.objects.create_user(username="city_rec", password="pw-city-123")
        grant_role(user=user, organization=world["orgs"]["other_district"], role="recognizer_admin")
    else:
        user = world["people"][who]
    client.force_login(user)
    detail = client.get(reverse("interop:feed", args=[feed.pk]))
    assert detail.status_code in (403, 404)
    assert client.post(reverse("interop:feed_send", args=[feed.pk])).status_code in (403, 404)
    assert client.post(reverse("interop:feed_edit", args=[feed.pk]), {"name": "x"}).status_code in (403, 404)
    listing = client.get(reverse("interop:feeds"))
    assert listing.status_code == 403 or "Renewals" not in listing.content.decode()
    assert not feed.runs.exists()


def test_the_recognizer_adds_a_feed_on_the_page_sends_now_and_sees_the_run(world, client, published_policy, tmp_path, settings,  # noqa: F811
                                                                          django_capture_on_commit_callbacks):
    settings.DATA_DIR = tmp_path
    award(world, published_policy)
    client.force_login(world["people"]["recognizer"])
    data = {"recognizer": world["orgs"]["state"].pk, "name": "Nightly", "mapping": "Lic = license_number\nCredit = outcome",
            "format": "csv", "schedule": "weekly", "destination": "folder", "folder": "../../etc"}
    bad = client.post(reverse("interop:feed_create"), data)
    assert bad.status_code == 400 and "relative path" in bad.content.decode()
    response = client.post(reverse("interop:feed_create"), {**data, "folder": "nightly"})
    feed = LicensureFeed.objects.get()
    assert response.status_code == 302 and feed.columns == [["Lic", "license_number"], ["Credit", "outcome"]]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("interop:feed_send", args=[feed.pk]))
    page = client.get(reverse("interop:feed", args=[feed.pk])).content.decode()
    assert "Acknowledged" in page and "nightly/" in page
    edit = client.post(reverse("interop:feed_edit", args=[feed.pk]), {**data, "folder": "nightly", "mapping": "A = nope"})
    assert edit.status_code == 400 and "not an award field" in edit.content.decode()
    feed.refresh_from_db()
    assert feed.columns == [["Lic", "license_number"], ["Credit", "outcome"]]  # bad input loses nothing saved


def test_the_feed_page_keeps_a_constant_number_of_queries(world, client, django_assert_max_num_queries):
    feed = make(world)
    client.force_login(world["people"]["recognizer"])
    LicensureFeedRun.objects.create(feed=feed, state="acknowledged", requested_by=world["people"]["recognizer"])
    with django_assert_max_num_queries(30) as one:
        client.get(reverse("interop:feed", args=[feed.pk]))
    LicensureFeedRun.objects.bulk_create([LicensureFeedRun(feed=feed, state="failed", requested_by=world["people"]["recognizer"])
                                          for _ in range(20)])
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("interop:feed", args=[feed.pk]))


def test_demo_feed_is_made_once_with_one_recorded_run(world, published_policy, tmp_path, settings):  # noqa: F811
    from microcred.demo.interop_world import load_licensure_feed_demo

    settings.DATA_DIR = tmp_path
    award(world, published_policy)
    assert load_licensure_feed_demo() == {"demo_feed_created": True}
    assert load_licensure_feed_demo() == {"demo_feed_created": False}
    feed = LicensureFeed.objects.get()
    assert feed.recognizer == world["orgs"]["state"] and feed.runs.get().state == "acknowledged"
