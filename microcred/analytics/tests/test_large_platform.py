"""At state scale a dashboard without a snapshot is never computed in the request (docs/decisions/0043): the page,
the CSV and the API answer at once with every table "not computed", in a number of queries that does not grow with
the data, and "Refresh the figures" computes them in the background."""
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from microcred.analytics import selectors, tables

URL = "/analytics/district/rural-district/"


@pytest.fixture
def large(settings):
    """The world as a platform above the live limit (the limit lowered rather than a million attempts seeded)."""
    settings.MICROCRED_ANALYTICS_LIVE_LIMIT = 0
    cache.delete("analytics:platform-size")
    yield
    cache.delete("analytics:platform-size")


def test_small_platform_is_computed_now(analytics_world, as_user, settings):
    settings.MICROCRED_ANALYTICS_LIVE_LIMIT = 10**9
    cache.delete("analytics:platform-size")
    html = as_user(analytics_world["people"]["district_admin"]).get(URL).content.decode()
    assert "Figures computed now" in html and "too large to compute" not in html
    assert "<td>11</td>" in html.split('id="equity_locale"')[1].split("</section>")[0]


def test_large_platform_defers_page_csv_and_api(analytics_world, as_user, large):
    admin = analytics_world["people"]["district_admin"]
    c = as_user(admin)
    assert selectors.platform_size() > 0 and not tables.computed_now()
    html = c.get(URL).content.decode()
    assert "too large to compute these figures while you wait" in html
    locale = html.split('id="equity_locale"')[1].split("</section>")[0]
    assert "Not computed yet for these filters" in locale and "<td>11</td>" not in locale
    times = html.split('id="times"')[1].split("</section>")[0]
    assert "Not computed yet for these filters" in times
    # the CSV has its header and no rows; the API says which tables are not computed
    body = c.get(URL + "equity_locale.csv").content.decode().strip().splitlines()
    assert len(body) == 1 and body[0].startswith("label,")
    api = APIClient()
    api.force_authenticate(admin)
    answer = api.get("/api/v1/analytics/district/rural-district/").json()
    assert answer["tables"] and all(t["computed"] is False and t["rows"] == [] for t in answer["tables"])


def test_large_platform_page_queries_do_not_grow_with_attempts(analytics_world, as_user, large):
    c = as_user(analytics_world["people"]["district_admin"])
    c.get(URL)  # warm the session and the cached platform size
    with CaptureQueriesContext(connection) as before:
        assert c.get(URL + "?period=12m").status_code == 200
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from microcred.accounts.models import Membership

    from .conftest import _attempt

    school = analytics_world["schools"]["city-school"] if isinstance(analytics_world["schools"], dict) else None
    for i in range(6):
        teacher = get_user_model().objects.create_user(username=f"more-{i}", password="pw-more-123456")
        if school is not None:
            Membership.objects.create(user=teacher, organization=school, role="earner")
        _attempt(teacher, analytics_world["mc"], state="earned", now=timezone.now(), days=3)
    c.get(URL + "?period=12m")  # the menu is kept per person and retired by the writes above (decision 0050)
    with CaptureQueriesContext(connection) as after:
        assert c.get(URL + "?period=12m").status_code == 200
    assert len(after) == len(before)


def test_refresh_computes_the_deferred_figures(analytics_world, as_user, large, django_capture_on_commit_callbacks):
    c = as_user(analytics_world["people"]["district_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        assert c.post(URL + "refresh/").status_code == 302
    html = c.get(URL).content.decode()
    assert "computed in the background" in html and "too large to compute" not in html
    locale = html.split('id="equity_locale"')[1].split("</section>")[0]
    assert "<td>11</td>" in locale and "<td>9</td>" not in locale


def test_teachers_still_see_no_deferred_dashboard(analytics_world, as_user, large):
    c = as_user(analytics_world["people"]["earner"])
    assert c.get(URL).status_code == 404
    assert c.get(URL + "equity_locale.csv").status_code == 404
