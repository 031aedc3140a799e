"""An earner connects a wallet through the Open Badges 3.0 API consent page, sees it on the connected-apps page and
revokes its access — in headless Chromium at desktop (1280 px) and phone (390 px) width, checked with axe."""
import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def wallet(db):
    from microcred.interop import services
    from microcred.interop.tests.helpers import metadata

    registration, secret = services.register_client(metadata=metadata(client_name="Classroom Wallet"))
    return registration.application, secret


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize("width", [1280, 390])
def test_earner_approves_a_wallet_then_revokes_it(page, world, wallet, width):
    from django.test import Client

    from microcred.interop.tests.helpers import REDIRECT, authorize_query, basic, pkce, query_of

    wallet, secret = wallet
    verifier, challenge = pkce()
    page.set_viewport_size({"width": width, "height": 900})
    blocked = []  # a Content-Security-Policy form-action that forgot the wallet's origin would stop the redirect
    page.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None)
    log_in(page, "earner", "pw-earner-123")
    expect(page.get_by_role("link", name="Log in")).to_have_count(0)
    page.goto("/oauth/authorize?" + authorize_query(wallet.client_id, challenge))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Classroom Wallet")
    expect(page.locator("#requested-scopes")).to_contain_text("Read your credentials")
    expect(page.locator("#requested-scopes")).to_contain_text("Change your name")
    expect(page.get_by_role("button", name="Deny")).to_be_visible()
    assert_accessible(page)
    # The wallet's callback is another site (unreachable from here): the answer is the redirect to it.
    with page.expect_response(lambda r: "/oauth/authorize" in r.url and r.request.method == "POST") as answer:
        page.get_by_role("button", name="Allow").click()
    location = answer.value.headers["location"]
    assert answer.value.status == 302 and location.startswith("https://wallet.example/callback?")
    assert "code=" in location and "state=st-123" in location
    page.wait_for_timeout(500)
    assert blocked == []
    # The wallet's server exchanges the code for tokens (not a browser step).
    tokens = Client().post("/oauth/token", {"grant_type": "authorization_code", "code": query_of(location)["code"],
                                            "redirect_uri": REDIRECT, "code_verifier": verifier},
                           HTTP_AUTHORIZATION=basic(wallet.client_id, secret))
    assert tokens.status_code == 200, tokens.content

    page.goto("/connected-apps/")
    card = page.get_by_role("region", name="Classroom Wallet")
    expect(card).to_contain_text("Read your credentials")
    assert_accessible(page)
    card.get_by_role("button", name="Revoke access for Classroom Wallet").click()
    expect(page.get_by_text("Access revoked")).to_be_visible()
    expect(page.get_by_text("No app is connected to your account.")).to_be_visible()
    assert_accessible(page)
