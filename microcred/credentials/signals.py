"""Events the credentials app emits, always after commit, for recognition (and anything above) to react to."""
from django.dispatch import Signal

# A credential was issued: kwargs credential_id (uuid str), earner_id.
credential_issued = Signal()
# An issued credential was revoked: kwargs credential_id, earner_id, reason.
credential_revoked = Signal()
# An issued credential was suspended, or its suspension lifted: kwargs credential_id, earner_id.
credential_suspended = Signal()
credential_reinstated = Signal()
# An external credential was imported and verified: kwargs external_id, earner_id.
credential_imported = Signal()


def send_after_commit(signal: Signal, **kwargs) -> None:
    """Receivers enqueue background work that reads the new rows, so they must only run once those rows are
    committed (and never for a rolled-back write)."""
    from django.db import transaction

    transaction.on_commit(lambda: signal.send(sender=None, **kwargs))
