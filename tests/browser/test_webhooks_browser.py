"""An issuer admin subscribes the organization's system to credential events, copies the signing secret shown once,
sends a test event to a real receiver (http.server on 127.0.0.1, allowed by the setting), reads the delivery log,
replays the delivery and turns the subscription off — in headless Chromium at desktop (1280 px) and phone (390 px)
width, checked with axe."""
import json

import pytest
from playwright.sync_api import expect

from microcred.interop.tests.webhook_receiver import receiver
from microcred.interop.webhooks import signing
from tests.browser.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(f"pw-{username}-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.mark.parametrize("width", [1280, 390])
def test_subscribe_test_replay_and_turn_off(page, world, settings, width):
    settings.MICROCRED_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    page.set_viewport_size({"width": width, "height": 900})
    with receiver() as (url, received):
        log_in(page, "issuer_admin")
        page.goto("/interop/webhooks/")
        expect(page.get_by_text("No subscription yet.")).to_be_visible()
        assert_accessible(page, "the webhook subscriptions")
        page.get_by_role("link", name="Add a subscription").click()
        assert_accessible(page, "the subscription form")
        page.get_by_label("Endpoint address").fill("http://hooks.example.org/x")
        page.get_by_label("A credential was issued").check()
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("Webhooks are sent over https only.")).to_be_visible()
        assert_accessible(page, "the subscription form with an error")
        page.get_by_label("Endpoint address").fill(url)
        page.get_by_label("Description").fill("Student information system")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("Copy this secret now: it is shown only once.")).to_be_visible()
        secret = page.get_by_label("Signing secret").input_value()
        assert secret.startswith("whsec_")
        assert_accessible(page, "the secret, shown once")
        page.get_by_role("link", name="Done").click()

        page.get_by_role("button", name="Send a test event").click()
        expect(page.get_by_text("A test event is on its way")).to_be_visible()
        page.reload()
        expect(page.get_by_text("HTTP 200").first).to_be_visible()
        assert_accessible(page, "the delivery log")
        assert json.loads(received[0]["body"])["type"] == "webhook.test"
        signing.verify(secret, received[0]["body"], received[0]["headers"])

        page.get_by_role("button", name="Replay").first.click()
        expect(page.get_by_text("The event is being sent again with the same webhook-id.")).to_be_visible()
        assert len(received) == 2 and received[0]["headers"]["webhook-id"] == received[1]["headers"]["webhook-id"]

        page.get_by_role("button", name="Turn off").click()
        expect(page.get_by_text("The subscription is off: nothing more is sent to it.")).to_be_visible()
        expect(page.get_by_role("button", name="Turn on")).to_be_visible()
        assert_accessible(page, "a disabled subscription")
