"""W3C Bitstring Status List: the bitstring of a status list credential (vc-bitstring-status-list).

Index 0 is the most significant bit of the first byte. ``encodedList`` is multibase base64url (``u``, no padding)
of the GZIP-compressed bitstring. The lists themselves (stored, signed, served) live in ``credentials/status.py``.
"""
from __future__ import annotations

import base64
import gzip
import io

MAX_DECODED_LIST_BYTES = 16 * 1024 * 1024  # a hostile encodedList must not inflate without bound


def get_bit(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def encode_list(bits: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).rstrip(b"=").decode("ascii")


def decode_list(encoded: str) -> bytes:
    """The bitstring of an ``encodedList``; raises ValueError on bad encoding or an oversized list."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (starting with 'u')")
    body = encoded[1:]
    compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    with gzip.GzipFile(fileobj=io.BytesIO(compressed)) as stream:
        data = stream.read(MAX_DECODED_LIST_BYTES + 1)
    if len(data) > MAX_DECODED_LIST_BYTES:
        raise ValueError("encodedList decompresses to more than 16 MB")
    return data
