"""The credentials demo on top of the demo world: issued, public, revoked, expired, imported; idempotent."""
import pytest

from microcred.credentials.models import ExternalCredential, IssuedCredential
from microcred.credentials.verify import verify_credential
from microcred.earning.models import Attempt


@pytest.mark.django_db
def test_credentials_demo_sets_up_every_showcase_state_once(seeded_demo):
    from microcred.demo.credentials_world import load_credentials_demo

    first = load_credentials_demo()
    assert IssuedCredential.objects.count() == Attempt.objects.filter(state="earned").count()
    assert IssuedCredential.objects.get(pk=first["public"]).visibility == "public"
    revoked = IssuedCredential.objects.get(pk=first["revoked"])
    assert revoked.revoked_at and revoked.revocation_reason
    assert verify_credential(revoked.credential).failed("status")
    expired = IssuedCredential.objects.get(pk=first["expired"])
    report = verify_credential(expired.credential)
    assert report.failed("validity") and "expired" in report.get("validity").message
    assert verify_credential(IssuedCredential.objects.get(pk=first["public"]).credential).verified
    # One external credential from the registered known issuer, one from an issuer nobody registered.
    known = ExternalCredential.objects.get(pk=first["imported"])
    assert known.earner.username == "teacher" and known.issuer_known and known.status == "external, verified"
    unknown = ExternalCredential.objects.get(pk=first["imported_unknown"])
    assert not unknown.issuer_known and unknown.status == "external, unknown issuer"
    assert first["known_issuer"] == "https://example.edu/issuers/565049"
    ob2 = ExternalCredential.objects.get(pk=first["imported_ob2"])
    assert ob2.earner.username == "teacher" and ob2.standard == "ob2" and ob2.format == "png"
    assert ob2.format_label == "Open Badges 2.0, imported (baked PNG)" and not ob2.issuer_confirmed
    assert IssuedCredential.objects.get(pk=first["public"]).credential["credentialSubject"]["achievement"]["image"]
    counts = (IssuedCredential.objects.count(), ExternalCredential.objects.count())
    assert load_credentials_demo() == first
    assert (IssuedCredential.objects.count(), ExternalCredential.objects.count()) == counts
