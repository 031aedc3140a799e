"""A teacher chooses how notifications reach them, downloads their data (the zip holds their evidence file), and
asks for their account to be deleted — in headless Chromium at desktop (1280 px) and phone (390 px) width, checked
with axe."""
import io
import json
import uuid
import zipfile

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def teacher(world, published):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from microcred.accounts import services as accounts
    from microcred.accounts.models import User
    from microcred.earning import services as earning
    from microcred.earning.models import Evidence, EvidenceFile

    user = User.objects.create_user(username="teacher", password="pw-teacher-123", first_name="Maya", last_name="Holloway",
                                    email="teacher@example.org")
    accounts.grant_role(user=user, organization=world["orgs"]["district"], role="earner")
    attempt = earning.start_attempt(earner=user, micro_credential=published.micro_credential)
    stored = default_storage.save(f"evidence/{uuid.uuid4().hex}", ContentFile(b"Exit tickets, week 3"))
    f = EvidenceFile.objects.create(owner=user, storage_name=stored, original_name="exit-tickets.txt", content_type="text/plain",
                                    kind="document", size=20, sha256="0" * 64)
    Evidence.objects.create(response=attempt.responses.order_by("part__position").first(), kind=Evidence.Kind.FILE, file=f)
    return user


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize("width", [1280, 390])
def test_teacher_manages_notifications_data_and_deletion(page, teacher, width):
    from microcred.accounts import privacy
    from microcred.accounts.models import DeletionRequest, PersonalDataExport
    from microcred.earning import notifications as notices

    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "teacher", "pw-teacher-123")
    expect(page.get_by_role("link", name="Log in")).to_have_count(0)
    page.goto("/accounts/account/")
    page.get_by_role("link", name="Notification choices (e-mail and in the app)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notification choices")
    expect(page.get_by_text("cannot be turned off")).to_be_visible()
    assert_accessible(page, "notification choices")
    page.locator("#email-plan").uncheck()
    page.locator("#in-app-deadline").uncheck()
    page.get_by_role("button", name="Save notification choices").click()
    expect(page.get_by_text("Your notification choices were saved.")).to_be_visible()
    assert "plan" not in notices.emailed_kinds(teacher) and "deadline" not in notices.shown_kinds(teacher)

    # Download my data: prepared in the background (run here), then downloaded.
    page.goto("/accounts/account/")
    page.get_by_role("link", name="Download my data").click()
    assert_accessible(page, "download my data")
    page.get_by_role("button", name="Prepare a download of my data").click()
    expect(page.get_by_text("We are preparing your data.")).to_be_visible()
    export = PersonalDataExport.objects.get(user=teacher)
    privacy.build_export(export.pk)  # the worker's job (a no-op if the test server already ran it)
    page.reload()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download").first.click()
    archive = zipfile.ZipFile(io.BytesIO(open(info.value.path(), "rb").read()))
    assert json.loads(archive.read("data.json"))["apps"]["accounts"]["account"]["username"] == "teacher"
    assert [archive.read(n) for n in archive.namelist() if n.startswith("files/")] == [b"Exit tickets, week 3"]

    # Ask for deletion: the password is asked again.
    page.goto("/accounts/account/")
    page.get_by_role("link", name="Delete my account").click()
    expect(page.get_by_text("Credentials already issued to you stay valid")).to_be_visible()
    assert_accessible(page, "delete my account")
    page.get_by_label("Your current password").fill("not-it")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("That is not your current password.")).to_be_visible()
    page.get_by_label("Your current password").fill("pw-teacher-123")
    page.get_by_label("Why are you leaving? (optional)").fill("Moving to another state.")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("Your request was recorded.")).to_be_visible()
    assert DeletionRequest.objects.get(user=teacher).state == "requested"
    assert_accessible(page, "deletion requested")
    page.get_by_role("button", name="Cancel my deletion request").click()
    expect(page.get_by_text("Your deletion request was cancelled.")).to_be_visible()
