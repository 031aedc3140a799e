"""Vouchers created by sponsors, fee obligations, the CSV export and who may see them."""
import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from microcred.core.models import AuditEvent
from microcred.earning import services
from microcred.earning.fees import create_voucher, fee_obligations, write_fee_csv
from microcred.earning.models import Voucher
from microcred.earning.sponsorship import redeem_voucher

HOSTILE = '<script>alert("pwned")</script>'


@pytest.fixture
def paid(publish_mc):
    return publish_mc(title="Paid MC", cost="fee", fee_amount="45.00").micro_credential


def test_admins_create_vouchers_with_valid_unique_codes(world, paid):
    district, recognizer = world["orgs"]["district"], world["people"]["recognizer"]
    state = world["orgs"]["state"]
    voucher = create_voucher(sponsor=state, by=recognizer, code=" tn-fall-2026 ", micro_credentials=[paid], max_uses=5)
    assert voucher.code == "TN-FALL-2026" and list(voucher.micro_credentials.all()) == [paid] and voucher.max_uses == 5
    assert AuditEvent.objects.filter(action="voucher.created").exists()
    generated = create_voucher(sponsor=state, by=recognizer)
    assert generated.code and len(generated.code) == 14 and generated.code.replace("-", "").isalnum()
    automatic = create_voucher(sponsor=world["orgs"]["issuer"], by=world["people"]["issuer_admin"], automatic_for_members=True)
    assert automatic.code is None and automatic.automatic_for_members
    create_voucher(sponsor=district, by=world["people"]["platform_admin"], code="RURAL-1")

    for bad in ("AB", "HAS SPACE", "ÜBER-CODE", "X" * 41, "semi;colon", HOSTILE):
        with pytest.raises(ValidationError) as exc:
            create_voucher(sponsor=state, by=recognizer, code=bad)
        assert "4 to 40 letters, digits or hyphens" in exc.value.message_dict["code"][0]
    with pytest.raises(ValidationError) as exc:
        create_voucher(sponsor=state, by=recognizer, code="tn-fall-2026")
    assert "already in use" in exc.value.message_dict["code"][0]
    with pytest.raises(ValidationError):
        create_voucher(sponsor=state, by=recognizer, max_uses=0)
    with pytest.raises(ValidationError):
        create_voucher(sponsor=state, by=recognizer, expires_at=timezone.now() - dt.timedelta(days=1))
    assert Voucher.objects.count() == 4


def test_only_admins_of_the_sponsor_create_vouchers(world):
    state = world["orgs"]["state"]
    for person in ("earner", "author", "assessor", "issuer_admin"):  # the issuer admin administers the issuer, not the state
        with pytest.raises(PermissionDenied):
            create_voucher(sponsor=state, by=world["people"][person], code="NOPE-1")
    assert not Voucher.objects.exists()


def test_fee_obligations_name_the_payer(world, paid, publish_mc):
    earner, other = world["people"]["earner"], world["people"]["other_earner"]
    create_voucher(sponsor=world["orgs"]["district"], by=world["people"]["platform_admin"], code="RURAL-2026")
    sponsored = services.start_attempt(earner=earner, micro_credential=paid)
    redeem_voucher(attempt=sponsored, code="rural-2026", by=earner)
    self_paid = services.start_attempt(earner=other, micro_credential=paid)
    services.start_attempt(earner=earner, micro_credential=publish_mc(title="Free MC").micro_credential)  # no fee: no row

    rows = {r["attempt_id"]: r for r in fee_obligations()}
    assert set(rows) == {sponsored.pk, self_paid.pk}
    assert rows[sponsored.pk]["payer"] == "Rural District" and rows[sponsored.pk]["voucher"] == "RURAL-2026"
    assert rows[self_paid.pk]["payer"] == "earner" and rows[self_paid.pk]["voucher"] == ""
    assert str(rows[self_paid.pk]["fee"]) == "45.00" and rows[self_paid.pk]["earner"] == "other_earner"
    assert rows[self_paid.pk]["micro_credential"] == "Paid MC" and rows[self_paid.pk]["version"] == 1
    # A sponsor sees what it pays for; the issuer sees everything owed for its MCs.
    assert [r["attempt_id"] for r in fee_obligations(organization=world["orgs"]["district"])] == [sponsored.pk]
    assert len(fee_obligations(organization=world["orgs"]["issuer"])) == 2
    assert fee_obligations(organization=world["orgs"]["other_issuer"]) == []


def test_csv_neutralises_formulas(world):
    out = io.StringIO()
    n = write_fee_csv([{"attempt_id": 1, "earner": "=HYPERLINK(\"x\")", "micro_credential": "@SUM(A1)", "version": 1, "fee": "10.00",
                        "payer": "earner", "voucher": "", "state": "draft", "submitted_at": None, "issuer": "Issuer"}], out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert n == 1 and rows[0][:3] == ["attempt_id", "earner", "micro_credential"]
    assert rows[1][1].startswith("'=") and rows[1][2].startswith("'@")


def test_export_fees_command(world, paid, tmp_path):
    services.start_attempt(earner=world["people"]["earner"], micro_credential=paid)
    target = tmp_path / "fees.csv"
    call_command("export_fees", str(target), "--organization", "issuer-one")
    rows = list(csv.reader(target.open()))
    assert len(rows) == 2 and rows[1][1] == "earner" and rows[1][5] == "earner"
    call_command("export_fees", str(target), "--organization", "city-district")
    assert len(list(csv.reader(target.open()))) == 1
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No organization"):
        call_command("export_fees", str(target), "--organization", "nowhere")


# --- Pages -----------------------------------------------------------------------------------

def test_sponsorship_pages_are_for_admins_only(client, world):
    for person in ("earner", "author", "assessor"):
        client.force_login(world["people"][person])
        assert client.get(reverse("earning:sponsorship")).status_code == 403
        assert client.get(reverse("earning:fees_csv")).status_code == 403
    client.logout()
    assert client.get(reverse("earning:sponsorship")).status_code == 302


def test_sponsorship_page_creates_vouchers_and_lists_fees(client, world, paid):
    earner = world["people"]["earner"]
    client.force_login(world["people"]["recognizer"])
    url = reverse("earning:sponsorship")
    assert client.get(url).status_code == 200
    response = client.post(url, {"sponsor": "state-agency", "code": "tn-2026", "max_uses": "10",
                                 "micro_credentials": [paid.slug]}, follow=True)
    assert "Created the code TN-2026 for State Agency" in response.content.decode()
    response = client.post(url, {"sponsor": "state-agency", "code": HOSTILE})
    body = response.content.decode()
    assert response.status_code == 200 and "errorlist" in body and HOSTILE not in body
    response = client.post(url, {"sponsor": "issuer-one", "code": "NOT-MINE"})  # not an organization of theirs
    assert "errorlist" in response.content.decode() and not Voucher.objects.filter(code="NOT-MINE").exists()

    attempt = services.start_attempt(earner=earner, micro_credential=paid)
    redeem_voucher(attempt=attempt, code="TN-2026", by=earner)
    body = client.get(url).content.decode()
    assert "TN-2026" in body and "1 of 10" in body and "$45.00" in body
    csv_response = client.get(reverse("earning:fees_csv"))
    assert csv_response.status_code == 200 and csv_response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(csv_response.content.decode())))
    assert rows[1][0] == str(attempt.pk) and rows[1][5] == "State Agency" and rows[1][6] == "TN-2026"
    assert client.get(reverse("earning:fees_csv") + "?organization=issuer-one").status_code == 404


def test_an_issuer_admin_sees_fees_owed_for_its_mcs(client, world, paid):
    services.start_attempt(earner=world["people"]["other_earner"], micro_credential=paid)
    client.force_login(world["people"]["issuer_admin"])
    rows = list(csv.reader(io.StringIO(client.get(reverse("earning:fees_csv")).content.decode())))
    assert len(rows) == 2 and rows[1][1] == "other_earner" and rows[1][5] == "earner"
    client.force_login(world["people"]["other_admin"])
    assert len(list(csv.reader(io.StringIO(client.get(reverse("earning:fees_csv")).content.decode())))) == 1
