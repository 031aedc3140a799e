"""Where the vendored standards data lives: tests/standards/ inside this repository (see its README.md for the
source of every file and SHA256SUMS for its checksum). Nothing in the project reads anything outside the repository."""
from pathlib import Path

STANDARDS = Path(__file__).resolve().parent / "standards"
VECTORS = STANDARDS / "vectors"
SCHEMAS = STANDARDS / "schemas"
CONTEXTS = STANDARDS / "contexts"
# Made here once with another implementation (see tests/standards-extra/digitalbazaar/README.md).
DIGITAL_BAZAAR_CREDENTIAL = STANDARDS.parent / "standards-extra" / "digitalbazaar" / "ob3-did-key-single-proof.json"
