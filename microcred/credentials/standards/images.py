"""Badge images and baking: an SVG and a PNG per micro-credential version, and credentials baked into them.

No Django here: every function takes plain values, so the formats can be tested on their own.

Baking (what is written, what is read back):
- Open Badges 3.0 (§5.3): PNG ``iTXt`` chunk, keyword ``openbadgecredential``, uncompressed, text = the credential
  JSON (embedded proof) or its compact JWS (VC-JWT); SVG ``<openbadges:credential>`` right after ``<svg>``,
  namespace ``https://purl.imsglobal.org/ob/v3p0``, the JSON in CDATA or the JWS in a ``verify`` attribute.
- Open Badges 2.0 (baking spec 2.0): PNG ``iTXt`` (or legacy ``tEXt``) keyword ``openbadges``, text = assertion
  JSON, compact JWS or the assertion's URL; SVG ``<openbadges:assertion verify="…">``, namespace
  ``http://openbadges.org``, optionally with the assertion JSON in CDATA.

Reading is defensive: the PNG must be well formed (signature, chunk lengths, CRCs), at most ``MAX_IMAGE_BYTES``;
a compressed text chunk is inflated with a hard output limit (no zip bomb); SVG is parsed with defusedxml
(no entities, no external references).
"""
from __future__ import annotations

import hashlib
import io
import re
import struct
import textwrap
import zlib
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

MAX_IMAGE_BYTES = 2 * 1024 * 1024  # the verifier's own input limit: a baked badge is never larger in practice
MAX_TEXT_BYTES = 2 * 1024 * 1024
MAX_CHUNKS = 10_000

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OB3_KEYWORD = "openbadgecredential"
OB2_KEYWORD = "openbadges"
OB3_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
OB2_NAMESPACE = "http://openbadges.org"

PALETTES = [  # (background, ring, text) — every pair passes WCAG AA contrast for the text drawn on it
    ("#1f4e79", "#9cc3e6", "#ffffff"),
    ("#2e6b30", "#b5dfb6", "#ffffff"),
    ("#7a2e0e", "#f2c3a7", "#ffffff"),
    ("#5b2a86", "#d4bff0", "#ffffff"),
    ("#0f5e63", "#a6e0e3", "#ffffff"),
    ("#8a1c3c", "#f3b6c8", "#ffffff"),
]


class BakingError(ValueError):
    """The image cannot be read as a baked badge; the message says why, for the person who uploaded it."""


@dataclass(frozen=True)
class Baked:
    standard: str   # "ob3" or "ob2"
    container: str  # "png" or "svg"
    payload: str    # JSON text, a compact JWS, or (OB 2.0 only) the assertion's URL


# --- Drawing -------------------------------------------------------------------------------------------------------

def _palette(seed: str):
    return PALETTES[int(hashlib.sha256(seed.encode("utf-8")).hexdigest(), 16) % len(PALETTES)]


def _lines(text: str, width: int, limit: int) -> list[str]:
    lines = textwrap.wrap(" ".join(text.split()), width=width) or [""]
    if len(lines) > limit:
        lines = lines[:limit]
        lines[-1] = lines[-1][: max(0, width - 1)].rstrip() + "…"
    return lines


def badge_svg(*, title: str, issuer: str, seed: str) -> str:
    """The badge of a micro-credential version as SVG: deterministic for the same title, issuer and seed."""
    background, ring, ink = _palette(seed)
    title_lines = _lines(title, 18, 4)
    first_y = 200 - (len(title_lines) - 1) * 16
    title_svg = "".join(
        f'<tspan x="200" y="{first_y + 32 * i}">{escape(line)}</tspan>' for i, line in enumerate(title_lines))
    issuer_line = escape(_lines(issuer, 30, 1)[0])
    label = escape(f"{title} — {issuer}")
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400" role="img" '
        f'aria-labelledby="badge-title"><title id="badge-title">{label}</title>'
        f'<circle cx="200" cy="200" r="192" fill="{ring}"/>'
        f'<circle cx="200" cy="200" r="172" fill="{background}"/>'
        f'<text font-family="DejaVu Sans, Arial, sans-serif" font-size="26" font-weight="bold" fill="{ink}" '
        f'text-anchor="middle">{title_svg}</text>'
        f'<text x="200" y="330" font-family="DejaVu Sans, Arial, sans-serif" font-size="15" fill="{ink}" '
        f'text-anchor="middle">{issuer_line}</text>'
        '<text x="200" y="84" font-family="DejaVu Sans, Arial, sans-serif" font-size="14" '
        f'letter-spacing="3" fill="{ink}" text-anchor="middle">MICRO-CREDENTIAL</text>'
        "</svg>"
    )


def badge_png(*, title: str, issuer: str, seed: str) -> bytes:
    """The same badge as a 400×400 PNG (Pillow, its built-in font): deterministic for the same input."""
    from PIL import Image, ImageDraw, ImageFont

    background, ring, ink = _palette(seed)
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 392, 392), fill=ring)
    draw.ellipse((28, 28, 372, 372), fill=background)
    big, small = ImageFont.load_default(size=24), ImageFont.load_default(size=14)
    lines = _lines(title, 18, 4)
    first_y = 200 - (len(lines) - 1) * 16
    for i, line in enumerate(lines):
        draw.text((200, first_y + 32 * i), line, font=big, fill=ink, anchor="mm")
    draw.text((200, 325), _lines(issuer, 30, 1)[0], font=small, fill=ink, anchor="mm")
    draw.text((200, 80), "MICRO-CREDENTIAL", font=small, fill=ink, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


# --- PNG chunks ----------------------------------------------------------------------------------------------------

def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _png_chunks(png: bytes):
    """(type, data, start, end) of every chunk; BakingError if the PNG is not well formed."""
    if not isinstance(png, (bytes, bytearray)) or not png.startswith(PNG_SIGNATURE):
        raise BakingError("The file is not a PNG image.")
    if len(png) > MAX_IMAGE_BYTES:
        raise BakingError(f"The image is larger than {MAX_IMAGE_BYTES:,} bytes (2 MB).")
    position, count = len(PNG_SIGNATURE), 0
    while position < len(png):
        count += 1
        if count > MAX_CHUNKS:
            raise BakingError("The PNG has too many chunks to be a badge image.")
        if position + 12 > len(png):
            raise BakingError("The PNG is truncated (a chunk is cut off).")
        (length,) = struct.unpack(">I", png[position:position + 4])
        kind = bytes(png[position + 4:position + 8])
        end = position + 12 + length
        if length > MAX_IMAGE_BYTES or end > len(png):
            raise BakingError("The PNG is truncated or damaged (a chunk is longer than the file).")
        data = bytes(png[position + 8:position + 8 + length])
        (crc,) = struct.unpack(">I", png[end - 4:end])
        if zlib.crc32(kind + data) & 0xFFFFFFFF != crc:
            raise BakingError("The PNG is damaged: a chunk's checksum does not match (was it edited?).")
        yield kind, data, position, end
        position = end
        if kind == b"IEND":
            return
    raise BakingError("The PNG has no end (IEND) chunk.")


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_TEXT_BYTES + 1)
    except zlib.error:
        raise BakingError("The badge data in the PNG is compressed and cannot be read.") from None
    if len(out) > MAX_TEXT_BYTES or inflater.unconsumed_tail:
        raise BakingError(f"The badge data in the PNG expands beyond {MAX_TEXT_BYTES:,} bytes: refused.")
    return out


def _text_chunk(kind: bytes, data: bytes) -> tuple[str, str] | None:
    """(keyword, text) of a tEXt/iTXt/zTXt chunk, or None for other chunks."""
    keyword, sep, rest = data.partition(b"\x00")
    if not sep or kind not in (b"tEXt", b"iTXt", b"zTXt"):
        return None
    keyword = keyword.decode("latin-1")
    if kind == b"tEXt":
        return keyword, rest.decode("latin-1")
    if kind == b"zTXt":
        return keyword, _inflate(rest[1:]).decode("latin-1")
    if len(rest) < 2:
        raise BakingError("The PNG's iTXt chunk is malformed.")
    compressed, rest = rest[0], rest[2:]
    _language, _, rest = rest.partition(b"\x00")
    _translated, _, text = rest.partition(b"\x00")
    if compressed:
        text = _inflate(text)
    try:
        return keyword, text.decode("utf-8")
    except UnicodeDecodeError:
        raise BakingError("The badge data in the PNG is not UTF-8 text.") from None


def bake_png(png: bytes, *, payload: str, keyword: str = OB3_KEYWORD) -> bytes:
    """``png`` with one uncompressed iTXt chunk ``keyword`` holding ``payload`` (replacing an earlier one)."""
    chunks, ihdr_end = [], None
    for kind, data, start, end in _png_chunks(png):
        found = _text_chunk(kind, data) if kind in (b"tEXt", b"iTXt", b"zTXt") else None
        if found and found[0] == keyword:
            continue  # baking again replaces the earlier assertion (the spec allows one)
        chunks.append(bytes(png[start:end]))
        if kind == b"IHDR":
            ihdr_end = len(chunks)
    if ihdr_end is None:
        raise BakingError("The PNG has no header (IHDR) chunk.")
    itxt = _chunk(b"iTXt", keyword.encode("latin-1") + b"\x00\x00\x00" + b"\x00" + b"\x00" + payload.encode("utf-8"))
    return PNG_SIGNATURE + b"".join(chunks[:ihdr_end]) + itxt + b"".join(chunks[ihdr_end:])


def unbake_png(png: bytes) -> Baked:
    """The badge data baked in ``png`` (OB 3.0 ``openbadgecredential`` first, else OB 2.0 ``openbadges``)."""
    found: dict[str, str] = {}
    saw_header = False
    for kind, data, _start, _end in _png_chunks(png):
        if kind == b"IHDR":
            saw_header = True
        text = _text_chunk(kind, data)
        if text and text[0] in (OB3_KEYWORD, OB2_KEYWORD) and text[0] not in found:
            found[text[0]] = text[1]
    if not saw_header:
        raise BakingError("The PNG has no header (IHDR) chunk.")
    if OB3_KEYWORD in found:
        return Baked("ob3", "png", found[OB3_KEYWORD].strip())
    if OB2_KEYWORD in found:
        return Baked("ob2", "png", found[OB2_KEYWORD].strip())
    raise BakingError("This PNG holds no badge: it has no “openbadgecredential” (Open Badges 3.0) or "
                      "“openbadges” (Open Badges 2.0) data.")


# --- SVG -----------------------------------------------------------------------------------------------------------

_SVG_OPEN = re.compile(r"<svg\b[^>]*>", re.IGNORECASE)


def bake_svg(svg: str, *, payload: str, as_jws: bool) -> str:
    """``svg`` with an OB 3.0 ``<openbadges:credential>`` right after the ``<svg>`` tag: a JWS in ``verify``, or
    the credential JSON in CDATA."""
    match = _SVG_OPEN.search(svg)
    if match is None:
        raise BakingError("The image is not an SVG.")
    tag = match.group(0)
    if "xmlns:openbadges" not in tag:
        tag = tag[:-1].rstrip("/") + f' xmlns:openbadges="{OB3_NAMESPACE}">'
    if as_jws:
        element = f"<openbadges:credential verify={quoteattr(payload)}/>"
    else:
        element = "<openbadges:credential><![CDATA[" + payload.replace("]]>", "]]]]><![CDATA[>") + "]]></openbadges:credential>"
    return svg[:match.start()] + tag + element + svg[match.end():]


def unbake_svg(svg: bytes | str) -> Baked:
    """The badge data baked in an SVG: OB 3.0 ``openbadges:credential`` or OB 2.0 ``openbadges:assertion``."""
    if isinstance(svg, (bytes, bytearray)):
        if len(svg) > MAX_IMAGE_BYTES:
            raise BakingError(f"The image is larger than {MAX_IMAGE_BYTES:,} bytes (2 MB).")
        try:
            svg = bytes(svg).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise BakingError("The SVG is not UTF-8 text.") from None
    try:
        root = SafeET.fromstring(svg, forbid_dtd=True)
    except DefusedXmlException:
        raise BakingError("The SVG declares entities or a DTD; such files are refused.") from None
    except (SafeET.ParseError, ValueError):
        raise BakingError("The SVG is not well-formed XML.") from None
    if not root.tag.endswith("svg"):
        raise BakingError("The file is XML but not an SVG image.")
    for namespace, name, standard in ((OB3_NAMESPACE, "credential", "ob3"), (OB2_NAMESPACE, "assertion", "ob2")):
        element = root.find(f"{{{namespace}}}{name}")
        if element is None:
            element = next(iter(root.iter(f"{{{namespace}}}{name}")), None)
        if element is None:
            continue
        body = (element.text or "").strip()
        verify = (element.get("verify") or "").strip()
        # A JSON body is the assertion itself; ``verify`` alone is a JWS (or, OB 2.0, the hosted URL).
        payload = body if body.startswith("{") else verify
        if not payload:
            raise BakingError("The SVG's badge element is empty.")
        return Baked(standard, "svg", payload)
    raise BakingError("This SVG holds no badge: it has no <openbadges:credential> (Open Badges 3.0) or "
                      "<openbadges:assertion> (Open Badges 2.0) element.")


def unbake(data: bytes) -> Baked | None:
    """The baked data if ``data`` is a PNG or SVG image; None if it is neither (JSON or a JWS, say)."""
    if data.startswith(PNG_SIGNATURE):
        return unbake_png(data)
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<") and (b"<svg" in head or head.startswith(b"<?xml")):
        return unbake_svg(data)
    return None
