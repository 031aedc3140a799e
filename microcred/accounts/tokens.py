"""Link tokens of invitations and e-mail verification: 256 random bits, of which only the SHA-256 hash is stored."""
import hashlib
import secrets


def token_hash(token: str) -> str:
    return hashlib.sha256((token or "").encode("utf-8", "replace")).hexdigest()


def new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)
