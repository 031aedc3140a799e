"""Tests for the credentials signing core (no database needed)."""
