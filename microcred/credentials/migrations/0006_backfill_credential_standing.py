"""Credentials issued before earning kept a CredentialStanding get one, so "My MCs" shows their real state
(docs/decisions/0020). The credentials app writes earning's table, as its services do: never the other way."""
from django.db import migrations


def backfill(apps, schema_editor):
    IssuedCredential = apps.get_model("credentials", "IssuedCredential")
    CredentialStanding = apps.get_model("earning", "CredentialStanding")
    have = set(CredentialStanding.objects.values_list("attempt_id", flat=True))
    rows = []
    for c in IssuedCredential.objects.exclude(attempt_id__in=have).iterator():
        if c.revoked_at:
            state, at, reason = "revoked", c.revoked_at, c.revocation_reason
        elif c.suspended_at:
            state, at, reason = "suspended", c.suspended_at, c.suspension_reason
        else:
            state, at, reason = "active", c.issued_at, ""
        rows.append(CredentialStanding(attempt_id=c.attempt_id, credential_id=c.pk, url=f"/credentials/{c.pk}",
                                       state=state, changed_at=at, reason=reason or ""))
    CredentialStanding.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("credentials", "0005_known_issuers"), ("earning", "0004_credential_standing")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
