"""The vendored standards data (tests/standards/) is byte for byte what its README says it is."""
import hashlib

from tests.standards_data import STANDARDS


def _recorded():
    lines = (STANDARDS / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    return {name.strip().lstrip("*"): digest for digest, name in (line.split(None, 1) for line in lines if line.strip())}


def test_every_vendored_file_matches_its_recorded_checksum():
    recorded = _recorded()
    assert len(recorded) >= 40  # schemas, contexts and vectors
    for name, digest in recorded.items():
        assert hashlib.sha256((STANDARDS / name).read_bytes()).hexdigest() == digest, name


def test_every_vendored_file_is_recorded():
    on_disk = {str(p.relative_to(STANDARDS)) for p in STANDARDS.rglob("*") if p.is_file()}
    assert on_disk - {"README.md", "SHA256SUMS"} == set(_recorded())


def test_the_demo_copies_of_external_credentials_are_the_vendored_ones():
    from microcred.demo.credentials_world import EXTERNAL_VECTOR, UNKNOWN_ISSUER_CREDENTIAL

    recorded = _recorded()["vectors/1edtech-ob3-eddsa-rdfc-2022/signed-credential.json"]
    assert hashlib.sha256(EXTERNAL_VECTOR.read_bytes()).hexdigest() == recorded
    vendored = STANDARDS.parent / "standards-extra" / "digitalbazaar" / "ob3-did-key-single-proof.json"
    assert UNKNOWN_ISSUER_CREDENTIAL.read_bytes() == vendored.read_bytes()
