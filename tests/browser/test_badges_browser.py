"""An earner imports a baked Open Badges 2.0 PNG and sees it labelled with what could be verified; then downloads a
baked image of one of their own credentials — at desktop and phone width, with axe."""
import json

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def own_credential(world, published):
    from microcred.credentials import services
    from microcred.credentials.tests.conftest import earn

    return services.issue_for_attempt(earn(world, published))


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize("width, height", [(1280, 900), (390, 844)])
def test_earner_imports_an_ob2_badge_and_downloads_a_baked_credential(page, world, own_credential, tmp_path,
                                                                      width, height):
    from microcred.credentials.standards import images
    from microcred.credentials.tests import ob2_examples as ex

    page.set_viewport_size({"width": width, "height": height})
    earner = world["people"]["earner"]
    badge = tmp_path / "reading-coach.png"
    badge.write_bytes(ex.baked_png(json.dumps(ex.assertion(earner.email))))
    log_in(page, "earner", "pw-earner-123")

    page.goto("/credentials/import/")
    assert_accessible(page)
    page.get_by_label("Credential file").set_input_files(str(badge))
    page.get_by_role("button", name="Verify and import").click()
    imported = page.locator("#imported")
    expect(imported).to_contain_text("Reading Coach")
    expect(imported).to_contain_text("Open Badges 2.0, imported (baked PNG)")
    expect(imported).to_contain_text("not verifiable offline")
    imported.get_by_text("What was and was not verifiable").click()
    expect(imported).to_contain_text("could not be verified offline")
    assert_accessible(page)

    page.goto(f"/credentials/{own_credential.pk}", wait_until="domcontentloaded")
    expect(page.locator("img.badge-image")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Badge image with the credential baked in (PNG)").click()
    baked = images.unbake_png(open(download.value.path(), "rb").read())
    assert baked.standard == "ob3" and json.loads(baked.payload)["id"] == own_credential.credential["id"]
