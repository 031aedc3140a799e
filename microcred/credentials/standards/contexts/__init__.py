"""JSON-LD contexts shipped as package data; SOURCES.json says which URL each file serves.

A package (not a plain folder) so that the project's ``"*.json"`` package-data rule ships these files.
"""
