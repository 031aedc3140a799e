"""An educator with more earned MCs than "My MCs" shows follows "See all earned micro-credentials" to the paginated
list, pages through it and opens one — at desktop and phone width, with axe-core finding no critical or serious
violation."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def many_earned(seeded_demo):
    """The demo teacher holds a page and a bit of earned MCs (an educator may hold hundreds)."""
    from django.utils import timezone

    from microcred.accounts.models import User
    from microcred.catalog.models import MicroCredentialVersion
    from microcred.earning import selectors
    from microcred.earning.models import Attempt

    teacher = User.objects.get(username="teacher")
    version = MicroCredentialVersion.objects.filter(state="published").order_by("pk").first()
    now = timezone.now()
    made = Attempt.objects.bulk_create([Attempt(earner=teacher, version=version, micro_credential=version.micro_credential,
                                                state=Attempt.State.EARNED, decided_at=now - timedelta(days=400 + i))
                                        for i in range(selectors.EARNED_PAGE_SIZE + 3)])
    for i, attempt in enumerate(made):  # the oldest of them last (updated_at is auto_now)
        Attempt.objects.filter(pk=attempt.pk).update(updated_at=now - timedelta(days=400 + i))
    return {"total": Attempt.objects.filter(earner=teacher, state=Attempt.State.EARNED).count(), "title": version.title,
            "oldest": made[-1].pk}


@pytest.mark.parametrize("width", [1280, 390])
def test_an_educator_pages_through_every_earned_mc(page, many_earned, width):
    from microcred.demo.content import PEOPLE

    password = {p["username"]: p["password"] for p in PEOPLE}["teacher"]
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("teacher")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.goto("/earn/")
    expect(page.locator("#earned")).to_contain_text(f"of {many_earned['total']} earned micro-credentials")
    page.get_by_role("link", name="See all earned micro-credentials").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Earned micro-credentials")
    expect(page.locator("#earned-total")).to_have_text(f"{many_earned['total']} earned micro-credentials, most recent first.")
    expect(page.locator("ul.earned-list > li")).to_have_count(50)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page, f"the earned list, page 1 @{width}px")

    page.locator("a[href='?page=2']").first.click()
    expect(page.locator("ul.earned-list > li")).to_have_count(many_earned["total"] - 50)
    oldest = page.locator(f"#earned-{many_earned['oldest']}")
    expect(oldest).to_contain_text(many_earned["title"])
    assert_accessible(page, f"the earned list, page 2 @{width}px")
    oldest.get_by_role("link", name=many_earned["title"]).click()
    expect(page).to_have_url(re.compile(rf"/earn/attempts/{many_earned['oldest']}/$"))
