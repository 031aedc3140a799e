"""The demo world's onboarding: Cumberland Valley takes registrations with approval, one waits, invitations pend."""
import pytest

from microcred.accounts.models import Invitation, User


@pytest.mark.django_db(transaction=True)
def test_demo_district_admin_sees_invitations_and_a_waiting_registration(client, seeded_demo):
    from microcred.demo.onboarding_world import load_onboarding_demo

    invitations = Invitation.objects.count()
    assert load_onboarding_demo() == {"invitations_created": 0} and Invitation.objects.count() == invitations  # idempotent
    assert "Create an account" in client.get("/accounts/login/").content.decode()
    client.force_login(User.objects.get(username="district_admin"))
    html = client.get("/accounts/invitations/").content.decode()
    assert "h.nguyen@cvschools.example" in html and "s.mercer@cvschools.example" in html
    assert "e.lindqvist@cvschools.example" in client.get("/accounts/registrations/").content.decode()
    assert "cvschools.example" in client.get("/accounts/self-registration/").content.decode()
