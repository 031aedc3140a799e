"""Version 1 of the credentials JSON API (URL prefix /api/v1/)."""
