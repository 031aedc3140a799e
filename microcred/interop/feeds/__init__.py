"""Licensure feeds (docs/licensure-feeds.md): a recognizer's scheduled export of its awards in its licensure
system's layout, to a folder on the server or an HTTPS endpoint."""
