"""Optional online mode of the verifier (``MICROCRED_VERIFY_ONLINE``, off by default): fetch an issuer's own
did:web or https document, or a status list, with a cache, a timeout, a response size limit, HTTPS only, no
redirects, and never to a private, loopback, link-local or otherwise non-public address (checked on the address
actually connected to, so DNS cannot swap in an internal host after the check)."""
from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache

from .standards.verify import document_url

TIMEOUT_SECONDS = 5
MAX_RESPONSE_BYTES = 256 * 1024
CACHE_SECONDS = 3600
ACCEPT = "application/did+ld+json, application/ld+json, application/json;q=0.9"


class FetchRefused(LookupError):
    """The document could not or may not be fetched; the message says why."""


def issuer_document(issuer_id: str) -> dict:
    return fetch_json(document_url(issuer_id))


def _public_address(host: str, port: int) -> str:
    """The first address of ``host``; FetchRefused if any address it resolves to is not a public one."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchRefused(f"cannot resolve {host}: {error}") from None
    addresses = [info[4][0] for info in infos]
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global or ip.is_multicast:
            raise FetchRefused(f"refused: {host} resolves to a private or reserved address ({ip})")
    if not addresses:
        raise FetchRefused(f"cannot resolve {host}")
    return addresses[0]


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to an address already checked, with the certificate checked against the host name."""

    def __init__(self, host: str, address: str, **kwargs):
        super().__init__(host, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), timeout=TIMEOUT_SECONDS)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def fetch_json(url: str) -> dict:
    """The JSON object at ``url`` (cached); FetchRefused with the reason otherwise."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise FetchRefused(f"refused: only https URLs are fetched, not {url[:200]!r}")
    key = "microcred.verify.online:" + url[:500]
    cached = cache.get(key)
    if cached is not None:
        return cached
    address = _public_address(parts.hostname, parts.port or 443)
    connection = _PinnedHTTPSConnection(parts.hostname, address, port=parts.port or 443)
    try:
        connection.request("GET", (parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
                           headers={"Accept": ACCEPT, "User-Agent": "microcred-verifier"})
        response = connection.getresponse()
        if response.status != 200:
            raise FetchRefused(f"{url} answered HTTP {response.status} (redirects are not followed)")
        body = response.read(MAX_RESPONSE_BYTES + 1)
    except (OSError, http.client.HTTPException) as error:
        raise FetchRefused(f"could not fetch {url}: {error}") from None
    finally:
        connection.close()
    if len(body) > MAX_RESPONSE_BYTES:
        raise FetchRefused(f"{url} is larger than {MAX_RESPONSE_BYTES:,} bytes")
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise FetchRefused(f"{url} did not answer JSON") from None
    if not isinstance(document, dict):
        raise FetchRefused(f"{url} did not answer a JSON object")
    cache.set(key, document, getattr(settings, "MICROCRED_VERIFY_ONLINE_CACHE_SECONDS", CACHE_SECONDS))
    return document
