"""The client behind a reverse proxy: X-Forwarded-For, believed from trusted proxies only.

Behind nginx (``dr nginx-conf``) every connection comes from the proxy, so
the access log and the login backoff (one failing guesser must not slow
everybody's logins) need the address the proxy forwards.  Anyone can send an
X-Forwarded-For header, so DR reads it only when the connection comes from
an address in ``[web] trustedProxies``; it then takes the rightmost address
of the header that is not itself a trusted proxy (each proxy appends the
address it saw, so that one is the first the proxies vouch for).

Absolute URLs do not depend on any of this: DR builds them from ``[web]
serverURL`` alone, whatever Host or X-Forwarded-Proto a request carries.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from twisted.internet.address import IPv4Address, IPv6Address

from engine.errors import ConfigError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` (a name or an address, IPv6 possibly in brackets) is this
    machine's loopback."""
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_networks(text: str) -> tuple[Network, ...]:
    """``[web] trustedProxies``: addresses or CIDR networks, separated by commas or
    blanks; a ConfigError names a bad one."""
    networks = []
    for item in text.replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ConfigError(f"[web] trustedProxies: {item!r} is not an IP address or "
                              "network (e.g. 127.0.0.1 or 10.0.0.0/8)") from None
    return tuple(networks)


def is_trusted(host: str, networks: Sequence[Network]) -> bool:
    """Whether ``host`` (an address) lies in one of ``networks``."""
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in networks)


def forwarded_client(peer: str, headers: Sequence[bytes],
                     networks: Sequence[Network]) -> str:
    """The client's address: ``peer`` unless it is a trusted proxy, else the
    rightmost untrusted address of the X-Forwarded-For ``headers`` (in order)."""
    if not networks or not headers or not is_trusted(peer, networks):
        return peer
    hops = [_plain(h.strip()) for header in headers
            for h in header.decode("latin-1").split(",") if h.strip()]
    for hop in reversed(hops):
        if not is_trusted(hop, networks):
            return hop
    return hops[0] if hops else peer


def _plain(hop: str) -> str:
    """An address as proxies write it, without brackets or a port."""
    if hop.startswith("["):
        return hop[1:].split("]", 1)[0]
    if hop.count(":") == 1:
        return hop.split(":", 1)[0]
    return hop


def client_address(peer: object, headers: Sequence[bytes],
                   networks: Sequence[Network]) -> object:
    """``peer`` (a Twisted address) or the client a trusted proxy forwards for."""
    host = getattr(peer, "host", None)
    if host is None or not networks:
        return peer
    client = forwarded_client(host, headers, networks)
    if client == host:
        return peer
    kind = IPv6Address if ":" in client else IPv4Address
    return kind("TCP", client, 0)
