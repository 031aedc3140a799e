"""Outbound webhooks: organizations subscribe HTTPS endpoints to platform events, delivered signed (Standard
Webhooks) by background tasks with retries. See docs/webhooks.md and docs/decisions/0028-outbound-webhooks.md.

``signing`` and ``transport`` import nothing from Django: they are the standard's few lines and the guarded HTTP
request, testable on their own."""
