"""Fetching upload URLs without letting them reach what they should not.

``UPLOAD=name,URL`` makes DR a client of whatever the URL names, so the
fetch is where server-side request forgery is stopped: only http(s); the
host resolved here and refused when any of its addresses is loopback,
private, link-local, multicast, reserved or otherwise not globally routable
(unless the configuration allows private hosts); the connection made to
exactly the address that was checked, so a second DNS answer cannot swap it
(rebinding); every redirect hop judged the same way; redirects, total time
and size capped.  Every refusal and failure reaches the client as one text
that does not say why; the reason goes to the log.

Blocking code: it runs in a thread that holds no database connection, or
in a UWS worker process.
"""

from __future__ import annotations

import http.client
import ipaddress
import logging
import socket
import ssl
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from engine.errors import ProtocolError

log = logging.getLogger("dr.fetch")

SCHEMES = {"http": 80, "https": 443}
MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
CHUNK = 65536
# The one text a client sees for any failure, so that a probe learns nothing
# about hosts and ports behind the server.
FAILED = "the upload URL could not be fetched"

IP = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
# Not globally reachable (IANA special-purpose registries), spelled out because
# the ipaddress module's idea of is_global differs between Python versions.
_SPECIAL = tuple(ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24",
    "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
    "224.0.0.0/4", "240.0.0.0/4",
    "::/8", "100::/64", "2001::/23", "2001:db8::/32", "fc00::/7", "fe80::/10",
    "fec0::/10", "ff00::/8"))


class FetchFailed(Exception):
    """Why a fetch failed (for the log; the client sees FAILED)."""


class TooLarge(Exception):
    """The resource is larger than the limit."""


@dataclass(frozen=True)
class FetchPolicy:
    """What one request's fetches may do: size, total seconds, private hosts."""

    limit: int
    timeout: float
    allow_private: bool = False


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, NAT64, 6to4), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if any(ip in net for net in _NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def public_address(address: str | IP) -> bool:
    """Whether ``address`` is a globally routable unicast address (pure).

    Loopback, private, shared (CGN), link-local, multicast, unspecified,
    reserved, documentation and benchmark ranges are not; an IPv6 address that
    carries an IPv4 one (``::ffff:127.0.0.1``, NAT64, 6to4) is judged by that.
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return False
        inner = _embedded_ipv4(ip)
        if inner is not None:
            if not public_address(inner):
                return False
            if ip.ipv4_mapped is not None or any(ip in net for net in _NAT64):
                return True  # only the carried address matters
    if any(ip in net for net in _SPECIAL if net.version == ip.version):
        return False
    return (ip.is_global and not ip.is_multicast and not ip.is_reserved
            and not ip.is_loopback and not ip.is_link_local and not ip.is_private
            and not ip.is_unspecified)


def choose_address(host: str, addresses: Iterable[str], allow_private: bool) -> str:
    """The address to connect to for ``host``, given what it resolved to (pure).

    A host with any non-public address is refused altogether (unless
    ``allow_private``): a name that also points inside is not to be trusted.
    """
    addresses = list(addresses)
    if not addresses:
        raise FetchFailed(f"{host} resolved to no address")
    if not allow_private:
        inside = [a for a in addresses if not public_address(a)]
        if inside:
            raise FetchFailed(f"{host} resolves to non-public {', '.join(inside)}")
    return addresses[0]


def _resolve(host: str, port: int, deadline: _Deadline) -> list[str]:
    """The addresses of ``host``, within the deadline (the resolver's own
    timeouts can be long; a lookup that outlives it is left to finish alone)."""
    found: dict[str, object] = {}

    def lookup() -> None:
        try:
            found["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            found["error"] = exc

    thread = threading.Thread(target=lookup, name="dr-resolve", daemon=True)
    thread.start()
    thread.join(deadline.remaining())
    if "infos" not in found:
        raise FetchFailed(f"cannot resolve {host}: {found.get('error', 'timed out')}")
    return list(dict.fromkeys(info[4][0] for info in found["infos"]))


class _Deadline:
    """Shuts the connection down when the total time is up, however slowly it drips."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds
        self.expired = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(seconds, 0), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0 or self.expired:
            raise FetchFailed("the total fetch time was exceeded")
        return left

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock``'s connection down when the time is up.  A duplicate of it is
        kept: http.client and TLS wrapping let go of the socket object they were given."""
        with self._lock:
            self._close_watched()
            self._sock = sock.dup()
        if self.expired:
            self._shut()

    def _expire(self) -> None:
        self.expired = True
        self._shut()

    def _shut(self) -> None:
        with self._lock:
            if self._sock is not None:
                try:
                    self._sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def _close_watched(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def cancel(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._close_watched()


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP connection to a fixed address; Host (and SNI) stay the URL's host."""

    def __init__(self, host: str, port: int, address: str, tls: bool,
                 deadline: _Deadline) -> None:
        super().__init__(host, port, timeout=deadline.remaining())
        self.address, self.tls, self.deadline = address, tls, deadline

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.deadline.watch(sock)  # before TLS: a dripping handshake is cut off too
        if self.tls:
            context = ssl.create_default_context()
            sock = context.wrap_socket(sock, server_hostname=self.host)
        self.sock = sock


def _open(url: str, policy: FetchPolicy, deadline: _Deadline
          ) -> tuple[_PinnedConnection, http.client.HTTPResponse]:
    """One hop: check the URL and its host's addresses, connect, send the GET."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise FetchFailed(f"scheme {scheme!r} is not fetched")
    try:
        host, port = parts.hostname, parts.port or SCHEMES[scheme]
    except ValueError:
        raise FetchFailed("bad port") from None
    if not host:
        raise FetchFailed("no host")
    address = choose_address(host, _resolve(host, port, deadline), policy.allow_private)
    conn = _PinnedConnection(host, port, address, scheme == "https", deadline)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    try:
        conn.request("GET", target, headers={"User-Agent": "DR TAP upload fetcher",
                                             "Accept-Encoding": "identity"})
        return conn, conn.getresponse()
    except BaseException:
        conn.close()
        raise


def _read(response: http.client.HTTPResponse, policy: FetchPolicy,
          deadline: _Deadline) -> bytes:
    length = response.getheader("Content-Length")
    if length and length.strip().isdigit() and int(length) > policy.limit:
        raise TooLarge()
    chunks, size = [], 0
    while True:
        deadline.remaining()
        chunk = response.read1(CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > policy.limit:
            raise TooLarge()
        chunks.append(chunk)
    deadline.remaining()  # a shutdown by the deadline reads as a short body
    if response.length:
        raise FetchFailed(f"the body ended {response.length} bytes short")
    return b"".join(chunks)


def _get(url: str, policy: FetchPolicy, deadline: _Deadline) -> bytes:
    for _ in range(MAX_REDIRECTS + 1):
        conn, response = _open(url, policy, deadline)
        try:
            if response.status in REDIRECTS:
                location = response.getheader("Location")
                if not location:
                    raise FetchFailed(f"redirect {response.status} without Location")
                url = urljoin(url, location.strip())
                continue
            if response.status != 200:
                raise FetchFailed(f"status {response.status}")
            return _read(response, policy, deadline)
        finally:
            conn.close()
    raise FetchFailed(f"more than {MAX_REDIRECTS} redirects")


def fetch(url: str, policy: FetchPolicy, deadline: _Deadline | None = None) -> bytes:
    """The body ``url`` answers with (blocking; no database connection held).

    Raises TooLarge beyond ``policy.limit`` bytes and FetchFailed for every
    other failure (refused address, scheme, redirects, time, network, status).
    """
    own = deadline is None
    deadline = deadline or _Deadline(policy.timeout)
    try:
        return _get(url, policy, deadline)
    except (TooLarge, FetchFailed):
        raise
    except (OSError, http.client.HTTPException, ValueError) as exc:
        if deadline.expired:
            raise FetchFailed("the total fetch time was exceeded") from None
        raise FetchFailed(f"{type(exc).__name__}: {exc}") from None
    finally:
        if own:
            deadline.cancel()


def _for_log(url: str) -> str:
    """``url`` without any user:password part."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def fetch_all(urls: dict[str, str], policy: FetchPolicy) -> dict[str, bytes]:
    """Fetch ``{upload name: URL}`` within one total time and one size limit.

    Failures become ProtocolErrors: 413 beyond the limit, otherwise one 400
    text that does not say why (the reason is logged).
    """
    deadline = _Deadline(policy.timeout)
    fetched: dict[str, bytes] = {}
    used = 0
    try:
        for name, url in urls.items():
            left = FetchPolicy(policy.limit - used, policy.timeout, policy.allow_private)
            try:
                fetched[name] = data = fetch(url, left, deadline)
            except TooLarge:
                log.info("upload %r from %s: over the limit of %d bytes", name,
                         _for_log(url), policy.limit)
                raise ProtocolError(f"the uploads are larger than this service's limit "
                                    f"of {policy.limit:,} bytes", param="UPLOAD",
                                    status=413) from None
            except FetchFailed as exc:
                log.warning("upload %r from %s not fetched: %s", name, _for_log(url), exc)
                raise ProtocolError(f"upload {name!r}: {FAILED}", param="UPLOAD") from None
            used += len(data)
    finally:
        deadline.cancel()
    return fetched
