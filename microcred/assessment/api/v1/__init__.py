"""Version 1 of the assessment JSON API (URL prefix /api/v1/)."""
