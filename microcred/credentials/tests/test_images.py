"""Badge images: every issued credential names one; served per version; baked PNG/SVG downloads carry the credential."""
import json
import zlib

import pytest

from microcred.credentials import services
from microcred.credentials.standards import images
from microcred.credentials.verify import verify_credential

HTML = {"HTTP_ACCEPT": "text/html"}


def badge_path(version, ext="svg"):
    return f"/credentials/badges/{version.micro_credential.slug}/v{version.number}.{ext}"


def test_issued_credential_names_its_badge_image_and_still_verifies(client, issued):
    image = issued.credential["credentialSubject"]["achievement"]["image"]
    assert image["type"] == "Image" and image["id"].endswith(badge_path(issued.version))
    assert verify_credential(issued.credential).verified
    svg = client.get(badge_path(issued.version))
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert issued.version.title.split()[0] in svg.content.decode() and "<script" not in svg.content.decode()
    png = client.get(badge_path(issued.version, "png"))
    assert png.status_code == 200 and png.content.startswith(images.PNG_SIGNATURE)
    assert client.get(badge_path(issued.version, "gif")).status_code == 404


def test_badges_are_deterministic_and_escape_hostile_titles():
    kwargs = {"title": '<script>alert(1)</script> & "quotes"', "issuer": "Org <b>", "seed": "mc"}
    assert images.badge_svg(**kwargs) == images.badge_svg(**kwargs)
    assert images.badge_png(**kwargs) == images.badge_png(**kwargs)
    svg = images.badge_svg(**kwargs)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    long = images.badge_svg(title="word " * 200, issuer="x" * 300, seed="s")
    assert long.count("<tspan") == 4


def test_draft_badge_is_hidden(client, world):
    from microcred.catalog import services as catalog
    from microcred.catalog.tests.factories import make_definition

    draft = catalog.create_micro_credential(owner=world["orgs"]["issuer"], definition=make_definition(),
                                           by=world["people"]["author"])
    assert client.get(badge_path(draft)).status_code == 404
    assert client.get("/credentials/badges/no-such-mc/v1.svg").status_code == 404


def test_baked_png_and_svg_carry_the_credential(client, issued):
    page = client.get(f"/credentials/{issued.pk}", **HTML).content.decode()
    assert "?format=baked-png" in page and "?format=baked-svg" in page
    png = client.get(f"/credentials/{issued.pk}?format=baked-png")
    assert png["Content-Type"] == "image/png" and "attachment" in png["Content-Disposition"]
    baked = images.unbake_png(png.content)
    assert baked.standard == "ob3" and json.loads(baked.payload) == issued.credential
    assert verify_credential(baked.payload).verified
    svg = client.get(f"/credentials/{issued.pk}?format=baked-svg")
    baked = images.unbake_svg(svg.content)
    assert baked.standard == "ob3" and json.loads(baked.payload) == issued.credential
    assert 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in svg.content.decode()


def test_private_credential_baked_image_only_for_its_earner(client, world, issued):
    services.set_visibility(issued, by=world["people"]["earner"], visibility="private")
    for suffix in ("?format=baked-png", "?format=baked-svg"):
        assert client.get(f"/credentials/{issued.pk}{suffix}").status_code == 404
    client.force_login(world["people"]["other_earner"])
    assert client.get(f"/credentials/{issued.pk}?format=baked-png").status_code == 404
    client.force_login(world["people"]["earner"])
    assert client.get(f"/credentials/{issued.pk}?format=baked-png").status_code == 200


def test_rebaking_replaces_and_damage_is_detected():
    png = images.badge_png(title="T", issuer="I", seed="s")
    twice = images.bake_png(images.bake_png(png, payload="first"), payload="second")
    assert images.unbake_png(twice).payload == "second" and twice.count(b"openbadgecredential") == 1
    damaged = bytearray(twice)
    damaged[-20] ^= 0xFF  # inside a chunk: its CRC no longer matches
    with pytest.raises(images.BakingError, match="checksum"):
        images.unbake_png(bytes(damaged))
    with pytest.raises(images.BakingError, match="truncated"):
        images.unbake_png(twice[:60])
    with pytest.raises(images.BakingError, match="not a PNG"):
        images.unbake_png(b"GIF89a" + b"\x00" * 40)
    with pytest.raises(images.BakingError, match="no badge"):
        images.unbake_png(png)


def test_compressed_chunk_bomb_is_refused():
    png = images.badge_png(title="T", issuer="I", seed="s")
    bomb = zlib.compress(b"a" * (images.MAX_TEXT_BYTES + 10), 9)
    chunk = images._chunk(b"iTXt", b"openbadges\x00\x01\x00\x00\x00" + bomb)
    hostile = png[:33] + chunk + png[33:]
    assert len(hostile) < 100_000
    with pytest.raises(images.BakingError, match="expands beyond"):
        images.unbake_png(hostile)


def test_hostile_svg_is_refused():
    entity = ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">'
              '&a;</svg>').encode()
    with pytest.raises(images.BakingError, match="DTD"):
        images.unbake_svg(entity)
    with pytest.raises(images.BakingError, match="well-formed"):
        images.unbake_svg(b"<svg><unclosed></svg>")
    with pytest.raises(images.BakingError, match="larger"):
        images.unbake_svg(b"<svg>" + b" " * (images.MAX_IMAGE_BYTES + 1))
