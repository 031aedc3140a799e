"""Rosters: organizations, people, roles and educator facts imported in bulk (OneRoster 1.2 CSV, a simple CSV)."""
