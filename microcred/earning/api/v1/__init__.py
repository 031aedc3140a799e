"""Version 1 of the earning JSON API (URL prefix /api/v1/)."""
