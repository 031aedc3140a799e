"""Version 1 of the recognition JSON API (URL prefix /api/v1/)."""
