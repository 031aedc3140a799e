"""Open Badges 3.0 credentials, the Django app: issuer keys, issuance, status lists, import, verification pages.

The standards code it builds on (JSON-LD with shipped contexts, canonicalization, Data Integrity, VC-JWT, the
verifier core, OB 2.0, baking) is ``standards/``, which imports no Django; ``verify.py`` plugs this app's keys,
registry, status lists and settings into the verifier core (docs/decisions/0012-standards-subpackage.md).
"""
