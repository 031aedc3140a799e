"""The outside world: wallet and host APIs (Open Badges 3.0 API with OAuth 2.0), later LTI, rosters, SSO, webhooks.

Sits above credentials and recognition: it may import them; nothing below imports it (docs/interop.md)."""
