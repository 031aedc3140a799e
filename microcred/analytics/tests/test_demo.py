import csv
import io
from io import StringIO

import pytest
from django.core.management import call_command

from microcred.analytics.models import EducatorDemographics, Findability, SchoolProfile


@pytest.mark.django_db(transaction=True)
def test_the_demo_shows_the_dashboards_off(client, seeded_demo):
    from microcred.accounts.models import User

    assert SchoolProfile.objects.filter(organization__slug="cumberland-valley-elementary", title_i=True,
                                        locale="rural").exists()
    assert EducatorDemographics.objects.count() >= 20 and Findability.objects.filter(findable=True).exists()
    client.force_login(User.objects.get(username="district_admin"))
    response = client.get("/analytics/", follow=True)
    assert response.redirect_chain[-1][0] == "/analytics/district/cumberland-valley-schools/"
    body = client.get("/analytics/district/cumberland-valley-schools/funnel.csv").content.decode()
    started = {r["label"]: r["value"] for r in csv.DictReader(io.StringIO(body))}["Started"]
    assert started.isdigit() and int(started) >= 10
    assert client.get("/analytics/district/riverbend-city-schools/").status_code == 404
    html = client.get("/analytics/expertise/", {"stack": ""}).content.decode()
    assert client.get("/analytics/expertise/").status_code == 200
    from microcred.analytics.expertise import find_holders
    from microcred.catalog.models import MicroCredential
    found = find_holders(User.objects.get(username="district_admin"), micro_credentials=list(MicroCredential.objects.all()))
    assert found and all(r["person"].findability.findable for r in found)
    call_command("seed_demo", stdout=StringIO())  # idempotent
    assert User.objects.filter(username__startswith="demo-educator-").count() == 40


@pytest.mark.django_db(transaction=True)
def test_the_demo_shows_impact_funding_by_program_and_pre_aggregated_figures(client, seeded_demo):
    from microcred.accounts.models import User
    from microcred.analytics.models import DashboardSnapshot, ImpactOptIn, ImpactRating

    assert ImpactOptIn.objects.filter(organization__slug="cumberland-valley-schools").exists()
    ratings = ImpactRating.objects.count()
    assert ratings >= 20
    assert DashboardSnapshot.objects.filter(key="district:cumberland-valley-schools|en", state="ready").exists()
    client.force_login(User.objects.get(username="district_admin"))
    html = client.get("/analytics/district/cumberland-valley-schools/").content.decode()
    assert "Figures as of" in html and 'id="impact"' in html and 'id="close"' in html
    body = client.get("/analytics/district/cumberland-valley-schools/cost_programs.csv").content.decode()
    assert "Teacher Leader Academy 2026" in body
    call_command("seed_demo", stdout=StringIO())  # idempotent
    assert ImpactRating.objects.count() == ratings and DashboardSnapshot.objects.filter(filters="").count() == \
        DashboardSnapshot.objects.filter(filters="").values("key").distinct().count()
