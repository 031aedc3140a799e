"""Encryption at rest of small secrets (issuer private keys, and later an integration's client secrets).

A public service of ``core`` so every app that keeps a secret, and the backup that moves them between
installations, use one implementation. The Fernet key is derived with HKDF from the installation's secret
(``MICROCRED_KEY_ENCRYPTION_KEY``, else ``SECRET_KEY``) and a ``purpose`` string, so each kind of secret has its
own key: a token made for one purpose does not open under another.
"""
from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.dispatch import Signal

__all__ = ["InvalidToken", "UndecryptableSecret", "decrypt_secret", "encrypt_secret", "encryption_secret",
           "reencrypt_all", "secret_reencryption_requested"]


class UndecryptableSecret(Exception):
    """A stored secret does not open under the secret it is said to be encrypted with."""


# Sent (synchronously, inside the caller's transaction) when rows encrypted under ``old_secret`` must be
# re-encrypted under this installation's secret, e.g. after restoring a backup made elsewhere. Each app that
# stores secrets subscribes in its handlers.py, re-encrypts its rows with decrypt_secret/encrypt_secret and
# returns how many it changed; it raises UndecryptableSecret when a row does not open.
secret_reencryption_requested = Signal()


def encryption_secret() -> tuple[str, str]:
    """The installation's key-encryption secret, and the setting it comes from."""
    if getattr(settings, "MICROCRED_KEY_ENCRYPTION_KEY", ""):
        return settings.MICROCRED_KEY_ENCRYPTION_KEY, "MICROCRED_KEY_ENCRYPTION_KEY"
    return settings.SECRET_KEY, "SECRET_KEY"


def _fernet(purpose: str, secret: str | None) -> Fernet:
    secret = secret or encryption_secret()[0]
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=purpose.encode("utf-8"),
                   info=b"fernet-v1").derive(secret.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt_secret(data: bytes, *, purpose: str, secret: str | None = None) -> str:
    """A printable token holding ``data``, readable only with the same secret and purpose."""
    return _fernet(purpose, secret).encrypt(data).decode("ascii")


def decrypt_secret(token: str, *, purpose: str, secret: str | None = None) -> bytes:
    """The bytes inside ``token``; raises cryptography's InvalidToken when secret or purpose differ."""
    return _fernet(purpose, secret).decrypt(token.encode("ascii"))


def reencrypt_all(old_secret: str) -> int:
    """Ask every app to re-encrypt what it stored under ``old_secret`` with the current secret; how many rows
    changed. Nothing happens when both secrets are the same (the usual case: the setting kept stable)."""
    if not old_secret or old_secret == encryption_secret()[0]:
        return 0
    return sum(n or 0 for _, n in secret_reencryption_requested.send(sender=None, old_secret=old_secret))
