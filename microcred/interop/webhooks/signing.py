"""Standard Webhooks signatures (https://www.standardwebhooks.com/): ``webhook-id``, ``webhook-timestamp`` and
``webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">``, with a ``whsec_``-prefixed base64 secret.

The reference library ``standardwebhooks`` (no dependencies) does the HMAC, so our signatures are the ones every
Standard Webhooks verifier accepts. No Django here."""
from __future__ import annotations

import base64
import datetime as dt
import secrets as _random

from standardwebhooks import Webhook, WebhookVerificationError

__all__ = ["SECRET_PREFIX", "new_secret", "signature", "signed_headers", "verify", "WebhookVerificationError"]

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the standard asks for 24 to 64 random bytes


def new_secret() -> str:
    """A fresh signing secret, ``whsec_`` + base64 of 32 random bytes (shown to its owner once)."""
    return SECRET_PREFIX + base64.b64encode(_random.token_bytes(SECRET_BYTES)).decode("ascii")


def signature(secret: str, *, message_id: str, timestamp: int, body: str) -> str:
    """``v1,<base64 HMAC-SHA256(key, f"{message_id}.{timestamp}.{body}")>``."""
    when = dt.datetime.fromtimestamp(timestamp, tz=dt.timezone.utc)
    return Webhook(secret).sign(msg_id=message_id, timestamp=when, data=body)


def signed_headers(secret: str, *, message_id: str, timestamp: int, body: str) -> dict[str, str]:
    """The three Standard Webhooks headers for ``body`` sent at ``timestamp`` (seconds since the epoch)."""
    return {"webhook-id": message_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": signature(secret, message_id=message_id, timestamp=timestamp, body=body)}


def verify(secret: str, body: bytes | str, headers: dict[str, str]):
    """What a receiver does: check the signature and the timestamp (5 minutes' tolerance); returns the parsed JSON
    body or raises WebhookVerificationError."""
    return Webhook(secret).verify(body, headers)
