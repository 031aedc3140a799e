"""Fetch a public JSON document for online verification: off unless the operator turns it on (a setting).

Only http(s); the host's addresses are resolved first and the connection goes to a checked address (no request to
loopback, private, link-local, reserved or multicast networks, also after DNS tricks); a timeout; a size limit;
at most three redirects (by default), each checked the same way. No Django here: the caller passes the switch.
"""
from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import ssl
from urllib.parse import urljoin, urlsplit

MAX_DOCUMENT_BYTES = 1024 * 1024
TIMEOUT_SECONDS = 5
MAX_REDIRECTS = 3


class FetchError(Exception):
    """The document could not be fetched; the message says why (shown to the person importing)."""


class Gone(FetchError):
    """HTTP 410: for an Open Badges 2.0 hosted assertion, the issuer's way of saying it is revoked."""


def _public_address(host: str, port: int) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError(f"the host {host!r} cannot be resolved") from None
    addresses = {info[4][0] for info in infos}
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global or ip.is_multicast:
            raise FetchError(f"the host {host!r} is on a private or reserved network: not fetched")
    return sorted(addresses)[0]


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, address, **kw):
        super().__init__(host, port, context=ssl.create_default_context(), **kw)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host, port, address, **kw):
        super().__init__(host, port, **kw)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def fetch_json(url: str, *, timeout: float = TIMEOUT_SECONDS, max_bytes: int = MAX_DOCUMENT_BYTES,
               schemes: tuple[str, ...] = ("https", "http"), max_redirects: int = MAX_REDIRECTS,
               accept: str = "application/ld+json, application/json") -> dict:
    """The JSON object at ``url``. Raises FetchError (Gone for HTTP 410) with the reason."""
    for _ in range(max_redirects + 1):
        parts = urlsplit(url)
        if parts.scheme not in schemes or not parts.hostname:
            raise FetchError(f"only {' or '.join(schemes)} addresses are fetched, not {url[:200]!r}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = _public_address(parts.hostname, port)
        kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
        connection = kind(parts.hostname, port, address, timeout=timeout)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request("GET", path, headers={"Accept": accept, "User-Agent": "microcred-verifier"})
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
                url = urljoin(url, response.getheader("Location"))
                continue
            body = response.read(max_bytes + 1)
        except (OSError, http.client.HTTPException) as error:
            raise FetchError(f"{parts.hostname} could not be reached ({error.__class__.__name__})") from None
        finally:
            connection.close()
        if response.status == 410:
            raise Gone(f"{url[:200]} answers 410 Gone")
        if response.status != 200:
            raise FetchError(f"{url[:200]} answered HTTP {response.status}")
        if len(body) > max_bytes:
            raise FetchError(f"{url[:200]} is larger than {max_bytes:,} bytes")
        try:
            document = json.loads(body.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise FetchError(f"{url[:200]} is not JSON") from None
        if not isinstance(document, dict):
            raise FetchError(f"{url[:200]} is not a JSON object")
        return document
    raise FetchError(f"{url[:200]} redirects (at most {max_redirects} redirects are followed)")
