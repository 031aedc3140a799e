"""W3C Bitstring Status Lists: allocating indexes, flipping bits, and the signed status list credential.

Bit ``i`` of a list is the status of the credential with ``statusListIndex`` i; index 0 is the most significant
bit of the first byte (W3C vc-bitstring-status-list). ``encodedList`` is multibase base64url (``u``, no padding)
of the GZIP-compressed bitstring.
"""
from __future__ import annotations

import secrets
from datetime import timezone as dt_timezone

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from microcred.accounts.models import Organization

from . import keys
from .standards import dataintegrity
from .standards.bitstring import MAX_DECODED_LIST_BYTES, decode_list, encode_list, get_bit  # noqa: F401  (public here too)
from .models import STATUS_LIST_SIZE, IssuerKey, StatusList

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"


def suspension_enabled() -> bool:
    """Whether new credentials get a suspension status entry besides the revocation one (setting
    ``MICROCRED_CREDENTIAL_SUSPENSION``, off by default: the OB 3.0.3 JSON Schema allows a single credentialStatus
    object, and two entries make an array; see docs/credentials.md)."""
    return bool(getattr(settings, "MICROCRED_CREDENTIAL_SUSPENSION", False))


def status_list_url(status_list: StatusList) -> str:
    return f"{keys.site_url()}/status/{status_list.organization.slug}/{status_list.purpose}/{status_list.list_id}"


def allocate_index(organization: Organization, purpose: str = StatusList.Purpose.REVOCATION) -> tuple[StatusList, int]:
    """A free index, chosen at random, in the organization's current list for ``purpose`` (a new list when full).

    BitstringStatusList (§ Privacy) asks for indexes that do not reveal issue order, so the index is drawn with
    ``secrets`` among the list's unused ones; ``next_index`` counts the indexes handed out. Call inside the
    issuing transaction: the row lock makes concurrent issues take different indexes (and the database's unique
    constraint on list and index stands behind it)."""
    with transaction.atomic():
        status_list = (StatusList.objects.select_for_update().filter(organization=organization, purpose=purpose)
                       .order_by("-list_id").first())
        if status_list is None or status_list.next_index >= status_list.size:
            status_list = StatusList.objects.create(
                organization=organization, purpose=purpose, size=STATUS_LIST_SIZE, bits=bytes(STATUS_LIST_SIZE // 8),
                list_id=(status_list.list_id + 1) if status_list else 1)
        index = _random_free_index(status_list)
        status_list.next_index += 1
        status_list.save(update_fields=["next_index", "updated_at"])
    return status_list, index


def _holders(status_list: StatusList):
    """The credentials holding an index of ``status_list`` and the name of their index field."""
    from .models import IssuedCredential

    if status_list.purpose == StatusList.Purpose.SUSPENSION:
        return IssuedCredential.objects.filter(suspension_list=status_list), "suspension_index"
    return IssuedCredential.objects.filter(status_list=status_list), "status_index"


RANDOM_PROBES = 32


def _random_free_index(status_list: StatusList) -> int:
    """A crypto-random index of ``status_list`` that no credential holds yet.

    A few random draws, each checked with one indexed query, find a free index while the list is not nearly full;
    after RANDOM_PROBES collisions the used indexes are loaded once and the draw is among the free ones."""
    holders, field = _holders(status_list)
    for _ in range(RANDOM_PROBES):
        index = secrets.randbelow(status_list.size)
        if not holders.filter(**{field: index}).exists():
            return index
    used = set(holders.values_list(field, flat=True))
    free = status_list.size - len(used)
    if free <= 0:
        raise RuntimeError(f"status list {status_list} is full")  # allocate_index rolls over before this
    nth = secrets.randbelow(free)
    for index in range(status_list.size):
        if index not in used:
            if nth == 0:
                return index
            nth -= 1
    raise RuntimeError(f"status list {status_list} is full")


def set_bit(status_list: StatusList, index: int, value: bool = True) -> None:
    """Set (or clear) one credential's bit; takes a row lock so concurrent revocations do not lose each other."""
    with transaction.atomic():
        locked = StatusList.objects.select_for_update().get(pk=status_list.pk)
        bits = bytearray(bytes(locked.bits))
        if value:
            bits[index // 8] |= 0x80 >> (index % 8)
        else:
            bits[index // 8] &= ~(0x80 >> (index % 8)) & 0xFF
        locked.bits = bytes(bits)
        locked.save(update_fields=["bits", "updated_at"])
        status_list.bits = locked.bits


def status_list_credential(status_list: StatusList) -> dict:
    """The BitstringStatusListCredential for ``status_list``, signed now with the organization's Ed25519 key."""
    url = status_list_url(status_list)
    now = timezone.now().astimezone(dt_timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    unsigned = {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": keys.issuer_url(status_list.organization),
        "validFrom": now,
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": str(status_list.purpose),
            "encodedList": encode_list(bytes(status_list.bits)),
        },
    }
    key = keys.active_key(status_list.organization, IssuerKey.Algorithm.ED25519)
    return dataintegrity.sign(unsigned, private_key=keys.private_key(key), verification_method=keys.key_url(key),
                              created=now)


def find_status_list(url: str) -> StatusList | None:
    """Our status list served at ``url``, or None if the URL is not one of ours."""
    prefix = f"{keys.site_url()}/status/"
    if not isinstance(url, str) or not url.startswith(prefix):
        return None
    parts = url[len(prefix):].split("/")
    if len(parts) != 3 or not parts[2].isdigit():
        return None
    return StatusList.objects.select_related("organization").filter(
        organization__slug=parts[0], purpose=parts[1], list_id=int(parts[2])).first()
