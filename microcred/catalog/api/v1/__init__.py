"""Version 1 of the catalog JSON API (URL prefix /api/v1/)."""
