"""The standards code of Open Badges 3.0 / Verifiable Credentials, with no Django in it.

- ``jsonld``: an offline JSON-LD document loader serving only the contexts shipped in ``contexts/``;
- ``fastrdf``: the direct JSON → N-Quads canonicalization path (with pyld's URDNA2015 as the reference);
- ``dataintegrity``: W3C Data Integrity ``eddsa-rdfc-2022`` proofs (sign, verify, Multikey, did:key);
- ``vcjwt``: the credential as a VC-JWT (ES256) and P-256 JWKs;
- ``bitstring``: W3C Bitstring Status List encoding;
- ``verify``: the verification core (parse, schema with the JSON Schemas shipped in ``schemas/``, proof with
  issuer binding, status, validity); what only the platform knows comes in through ``verify.Platform`` callbacks;
- ``ob2``: Open Badges 2.0 assertions (hosted and signed), ``fetch``: the address-checked fetcher it may use;
- ``images``: badge images, and baking/unbaking credentials into PNG and SVG.

Nothing here imports Django or any other part of microcred (an import-linter contract and
``standards/tests/test_no_django.py`` keep it so); the Django app around it is ``microcred.credentials``, whose
``verify.verify_credential`` plugs the database and settings into the core. See docs/decisions/0012.
"""
