"""The one HTTP request of a webhook attempt, refused for addresses inside the platform's network.

Server-side request forgery guard: the host is resolved, EVERY address it resolves to must be public (not private,
loopback, link-local, shared, reserved, multicast or unspecified; IPv4-mapped IPv6 addresses are judged by their
IPv4 address), and the connection is made to the address that was checked (never a second look-up the DNS could
answer differently: rebinding), with TLS verified against the URL's host name. Redirects are not followed.
``allow_private`` (a setting, for tests and closed installations) lets private addresses and plain http to them
through. No Django here."""
from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_URL_LENGTH = 500
EXCERPT_BYTES = 500
_CONTROL = re.compile(r"[\x00-\x20\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


def gettext_noop(message: str) -> str:
    """Marks a message for translation (makemessages finds it) without importing Django; the caller translates."""
    return message


class Refused(ValueError):
    """A URL or address webhooks may not reach. ``message`` (an untranslated msgid) % ``params`` says why; the
    Django side shows it translated (``gettext(exc.message) % exc.params``)."""

    def __init__(self, message: str, **params):
        self.message, self.params = message, params
        super().__init__(message % params if params else message)


@dataclass
class Target:
    scheme: str
    host: str
    port: int
    path: str  # path and query, never empty


@dataclass
class Outcome:
    status_code: int | None
    excerpt: str
    error: str
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def _allowed_when_private(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return not (ip.is_multicast or ip.is_unspecified)


def check_address(address: str, *, allow_private: bool) -> None:
    if not (is_public(address) or (allow_private and _allowed_when_private(address))):
        raise Refused(gettext_noop("%(address)s is a private, loopback or link-local address; webhooks are not sent there."), address=address)


def parse_url(url: str, *, allow_private: bool) -> Target:
    """The parts of a subscriber's URL, or Refused: https only (plain http only to a private address when allowed),
    no user name or password, no fragment, no spaces or control characters, at most 500 characters. An IP literal
    or a local name is checked here; names are checked again, resolved, at every delivery."""
    if not isinstance(url, str) or not url:
        raise Refused(gettext_noop("Give the endpoint's https:// address."))
    if len(url) > MAX_URL_LENGTH:
        raise Refused(gettext_noop("The address is longer than %(max)s characters."), max=MAX_URL_LENGTH)
    if _CONTROL.search(url):
        raise Refused(gettext_noop("The address contains spaces or control characters."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Refused(gettext_noop("This is not a valid web address.")) from exc
    host = (parts.hostname or "").rstrip(".").lower()
    if parts.scheme not in ("https", "http") or not host:
        raise Refused(gettext_noop("Give the endpoint's https:// address."))
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise Refused(gettext_noop("The address may not contain a user name or password."))
    if parts.fragment or url.endswith("#"):
        raise Refused(gettext_noop("The address may not contain a fragment (#…)."))
    literal = _ip_literal(host)
    if host in _LOCAL_NAMES or host.endswith(".localhost"):
        literal = literal or "127.0.0.1"
    if literal:
        check_address(literal, allow_private=allow_private)
    if parts.scheme == "http" and not (allow_private and literal and not is_public(literal)):
        raise Refused(gettext_noop("Webhooks are sent over https only."))
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, host, port or (443 if parts.scheme == "https" else 80), path)


def _ip_literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def resolve(target: Target, *, allow_private: bool) -> str:
    """The address to connect to: the host's first address, once every address it resolves to was checked."""
    literal = _ip_literal(target.host)
    if literal:
        addresses = [literal]
    else:
        try:
            infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise Refused(gettext_noop("The host name %(host)s does not resolve."), host=target.host) from exc
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise Refused(gettext_noop("The host name %(host)s does not resolve."), host=target.host)
    for address in addresses:
        check_address(address, allow_private=allow_private)
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address; the Host header stays the URL's host."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the checked address, verified against the URL's host name (SNI and certificate)."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], *, allow_private: bool, timeout: float = 10.0,
         content_type: str = "application/json", user_agent: str = "microcred-webhooks/1") -> Outcome:
    """POST ``body`` once; never raises for the network's or the receiver's faults (they are the Outcome's error).
    Refused (address not allowed) is raised: the caller records it like any failure."""
    target = parse_url(url, allow_private=allow_private)
    address = resolve(target, allow_private=allow_private)
    cls = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    started = time.monotonic()
    connection = cls(target.host, target.port, address, timeout)
    try:
        connection.request("POST", target.path, body=body, headers={**headers, "Content-Type": content_type,
                                                                     "User-Agent": user_agent})
        response = connection.getresponse()
        excerpt = response.read(EXCERPT_BYTES).decode("utf-8", "replace")
        return Outcome(response.status, _CONTROL.sub(" ", excerpt).strip(), "", _ms(started))
    except ssl.SSLError as exc:
        return Outcome(None, "", f"TLS failed: {exc.reason or exc}"[:300], _ms(started))
    except (OSError, http.client.HTTPException) as exc:
        return Outcome(None, "", f"{type(exc).__name__}: {exc}"[:300], _ms(started))
    finally:
        connection.close()


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
