"""Open Badges 3.0 credentials: offline JSON-LD processing and eddsa-rdfc-2022 Data Integrity proofs.

``jsonld`` canonicalizes documents against the contexts shipped in ``contexts/`` and never touches the network;
``dataintegrity`` signs and verifies ``DataIntegrityProof``s. Plain Python: no models, no Django imports.
"""
