"""Turning a service's ValidationError into what a page or an API shows (one helper for web and API views)."""
from __future__ import annotations

from django.core.exceptions import ValidationError


def messages_of(exc: ValidationError) -> list[str]:
    """Every message of the error, field messages included, in order (for a page's message list)."""
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)
