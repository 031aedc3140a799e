"""Issue 15, findings 5, 7 (comment box), 8 (dashboard height) and 9, checked in the markup and the style sheet, so
each regression fails fast without a browser (tests/browser/test_layout_browser.py checks the rendered pages)."""
import re
from pathlib import Path

import pytest
from django.contrib import messages
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
CSS = (ROOT / "microcred/core/static/microcred/site.css").read_text()
TEMPLATES = sorted(ROOT.glob("microcred/*/templates/**/*.html"))


def _luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    h = "".join(c * 2 for c in h) if len(h) == 3 else h
    channels = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _variables() -> dict[str, str]:
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{3,6})", CSS))


def test_every_state_badge_has_at_least_4_5_to_1_contrast():
    """Finding 9: state badges were 4.39:1."""
    variables = _variables()
    rules = re.findall(r"\.(state-[a-z_]+)\s*\{([^}]*)\}", CSS)
    assert len(rules) >= 4
    for name, body in rules:
        background = re.search(r"background:\s*(#[0-9a-fA-F]{3,6})", body).group(1)
        colour = re.search(r"(?<![-a-z])color:\s*(#[0-9a-fA-F]{3,6}|var\(--[a-z-]+\))", body).group(1)
        colour = variables[colour[6:-1]] if colour.startswith("var(") else colour
        assert contrast(colour, background) >= 4.5, f"{name}: {colour} on {background} is {contrast(colour, background):.2f}:1"


def test_muted_and_link_text_keep_4_5_to_1_on_the_page_and_cards():
    v = _variables()
    for colour in ("muted", "brand", "ink", "bad"):
        for background in ("#ffffff", v["bg"], "#f0f3f9"):
            assert contrast(v[colour], background) >= 4.5, (colour, background)


def test_no_word_splitting_and_anywhere_breaks_only_for_tokens():
    """Finding 5: table words were split ("Mic ro-cre den tial") by overflow-wrap:anywhere on every card."""
    assert "break-all" not in CSS
    for selectors, _ in re.findall(r"([^{}]+)\{([^}]*overflow-wrap:\s*anywhere[^}]*)\}", CSS):
        for selector in selectors.split(","):
            selector = selector.strip()
            assert re.search(r"a\[href|code|\.token|td a|^pre$", selector), f"overflow-wrap:anywhere on {selector!r}"


def test_focus_is_visible_with_a_3px_outline():
    rule = re.search(r":focus-visible\s*\{([^}]*)\}", CSS).group(1)
    width, colour = re.search(r"outline:\s*(\d+)px solid (#[0-9a-fA-F]{6})", rule).groups()
    assert int(width) >= 2 and contrast(colour, "#ffffff") >= 3 and contrast(colour, _variables()["bg"]) >= 3
    assert "outline:none" not in CSS.replace("main:focus { outline:none; }", "").replace(" ", "")


def test_rubric_comment_box_keeps_a_usable_width():
    """Finding 7: the rubric's comment box was about 50 px wide."""
    assert re.search(r"table\.rubric td:last-child textarea\s*\{\s*min-width:\s*1[2-9]rem", CSS)


def test_every_progress_bar_has_a_name():
    """Finding 9: an unnamed progress bar."""
    unnamed = []
    for path in TEMPLATES:
        for tag in re.findall(r"<(?:div|span)[^>]*role=\"progressbar\"[^>]*>", path.read_text()):
            if "aria-label" not in tag:
                unnamed.append(f"{path.relative_to(ROOT)}: {tag}")
    assert not unnamed, unnamed


@pytest.fixture
def rendered(rf_user):
    def render(user=None, flash=(), language="en"):
        from django.contrib.auth.models import AnonymousUser
        from django.contrib.messages.storage.fallback import FallbackStorage
        from django.contrib.sessions.backends.db import SessionStore

        from microcred.core.menu import menu

        request = RequestFactory().get("/")
        request.user = user or AnonymousUser()
        request.session = SessionStore()
        request._messages = FallbackStorage(request)
        for level, text in flash:
            messages.add_message(request, level, text)
        with translation.override(language):
            return render_to_string("core/base.html", {**menu(request), "messages": messages.get_messages(request)}, request=request)
    return render


@pytest.fixture
def rf_user(db):
    return None


def test_html_lang_follows_the_active_language(rendered):
    assert '<html lang="en">' in rendered(language="en")
    assert '<html lang="es">' in rendered(language="es")


def test_skip_link_leads_to_main_content(rendered):
    page = rendered()
    assert re.search(r'<a class="skip" href="#main">', page) and '<main id="main"' in page
    assert page.index('class="skip"') < page.index("<header")


def test_flash_messages_are_a_live_region_and_errors_an_alert(rendered):
    """Finding 9: flash messages were <li role=status>."""
    page = rendered(flash=[(messages.SUCCESS, "Saved it."), (messages.ERROR, "Could not do it.")])
    status = re.search(r'<div class="messages-region" role="status" aria-live="polite">(.*?)</div>', page, re.S).group(1)
    alert = re.search(r'<div class="messages-region" role="alert">(.*?)</div>', page, re.S).group(1)
    assert "Saved it." in status and "Could not do it." not in status
    assert "Could not do it." in alert
    assert "<li role" not in page
    assert "role=" not in rendered()[rendered().index("<main"):rendered().index("</main>")]  # no empty regions


def test_the_menu_folds_behind_a_disclosure_button_and_groups_admin_pages(rendered, world):
    """Finding 5: a platform admin's menu ran off the screen; on a phone every page was 734 px wide."""
    page = rendered(user=world["people"]["platform_admin"])
    nav = page[page.index("<nav"):page.index("</nav>")]
    button = re.search(r'<button type="button" class="nav-toggle" aria-expanded="false" aria-controls="([^"]+)">', nav)
    assert button and f'id="{button.group(1)}"' in nav
    group = re.search(r'<div class="nav-group" role="group" aria-labelledby="([^"]+)">.*?</div>', nav, re.S)
    assert group and f'id="{group.group(1)}"' in nav
    for label in ("Authoring", "Audit trail", "People", "Assessment"):
        assert f">{label}</a>" in group.group(0), label
    assert "Log out" in nav
    # The folding is CSS the script switches on; without it the whole menu stays open (reachable).
    assert re.search(r"html\.js header\.site nav:not\(\.open\) \.nav-menu\s*\{\s*display:none", CSS)
    assert re.search(r"\.nav-toggle\s*\{\s*display:none", CSS)


def test_issuer_dashboard_overview_is_compact(client, world, publish_mc):
    """Finding 8: the issuer dashboard was 26,500 px tall — the overview is one line per MC linking to its own page
    (issue 18: and a constant number of queries however many MCs)."""
    publish_mc()
    client.force_login(world["people"]["issuer_admin"])
    page = client.get("/assess/issuer/").content.decode()
    assert page.count('<section class="mc"') == 1 and "Waiting 0 · Overdue 0" in page and "Queue health</h3>" not in page
    single = client.get(f"/assess/issuer/mc/{world['orgs']['issuer'].owned_micro_credentials.first().slug}/").content.decode()
    assert "glance" not in single and "Queue health" in single
    publish_mc(slug="second-mc", title="A second MC")
    page = client.get("/assess/issuer/").content.decode()
    assert page.count('<section class="mc"') == 2
