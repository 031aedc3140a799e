"""The demo world's people: the district's people admin sees a useful list (a cohort, a coach assignment)."""
import pytest

from microcred.accounts.models import User


@pytest.mark.django_db(transaction=True)
def test_demo_district_admin_manages_the_districts_people(client, seeded_demo):
    from microcred.demo.people_world import load_people_demo

    people = User.objects.count()
    assert load_people_demo() == {"people_created": 0}  # idempotent
    assert User.objects.count() == people
    client.force_login(User.objects.get(username="district_admin"))
    for name in ("Holloway", "Whitaker", "Bellamy", "Diaz", "Harper"):  # searched: the roster demo fills page 1 too
        assert name in client.get("/people/", {"q": name}).content.decode()
    assert "Darnell" not in client.get("/people/", {"q": "Ortiz"}).content.decode()  # the city district's teacher (Darnell Ortiz)
    patel = User.objects.get(username="tpatel")
    html = client.get(f"/people/{patel.pk}/").content.decode()
    assert "Alicia Harper" in html and "new-teacher cohort" in html and "Provisional" in html
    diaz = User.objects.get(username="rdiaz")
    html = client.get(f"/people/{diaz.pk}/deactivate/").content.decode()
    assert "also belongs to organizations you do not manage" in html
    assert "National Education Association" not in client.get(f"/people/{diaz.pk}/").content.decode()
