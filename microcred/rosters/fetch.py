"""Download a roster bundle for a scheduled sync: HTTPS only, to a public address (checked after DNS and pinned
for the connection), no redirects, a timeout and a size cap; streamed to a file, never held in memory."""
from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit


class FetchError(Exception):
    """The bundle could not be downloaded; the message says why."""


def _public_address(host: str, port: int) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError(f"the host {host!r} cannot be resolved") from None
    addresses = sorted({info[4][0] for info in infos})
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global or ip.is_multicast:
            raise FetchError(f"the host {host!r} is on a private or reserved network: not fetched")
    return addresses[0]


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, address, **kw):
        super().__init__(host, port, context=ssl.create_default_context(), **kw)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or parts.username or parts.password:
        raise FetchError("only https:// addresses (without a user name or password in them) are fetched")


def download(url: str, target, *, max_bytes: int, timeout: float) -> int:
    """Write the body at ``url`` into the open binary file ``target``; returns its size."""
    check_url(url)
    parts = urlsplit(url)
    port = parts.port or 443
    connection = _PinnedHTTPS(parts.hostname, port, _public_address(parts.hostname, port), timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    size = 0
    try:
        connection.request("GET", path, headers={"User-Agent": "microcred-roster-sync"})
        response = connection.getresponse()
        if 300 <= response.status < 400:
            raise FetchError(f"{parts.hostname} answered a redirect: redirects are not followed (give the final address)")
        if response.status != 200:
            raise FetchError(f"{parts.hostname} answered HTTP {response.status}")
        while chunk := response.read(1024 * 1024):
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(f"the bundle is larger than {max_bytes:,} bytes")
            target.write(chunk)
    except (OSError, http.client.HTTPException) as error:
        raise FetchError(f"{parts.hostname} could not be reached ({error.__class__.__name__})") from None
    finally:
        connection.close()
    return size
