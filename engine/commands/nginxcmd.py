"""``dr nginx-conf``: print an nginx configuration for several ``dr serve`` front-ends."""

from __future__ import annotations

import argparse
import sys
import urllib.parse
from pathlib import Path

from engine.config import Config
from engine.web import nginx, proxy
from rd.errors import DRError

DESCRIPTION = """\
Print an nginx configuration that spreads requests over several dr serve
front-ends sharing this gavo.conf, its database and job queue.  Without --full
it prints an upstream and a server block, for inside nginx's http {} (e.g.
/etc/nginx/sites-enabled/dr on Debian); with --full a whole nginx.conf whose
pid file, logs and temporary files live under --prefix, to run as
"nginx -c FILE".  Start each front-end on its port with "dr serve --port N";
"dr serve reload" reloads them all.  In gavo.conf set [web] serverURL to the
address users reach nginx at, and [web] trustedProxies to nginx's address
(127.0.0.1 when the front-ends run on nginx's machine).  Job results live in
the state directory: front-ends on several machines need it on a shared
filesystem mount.
"""


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise DRError(f"{text!r} is not a port number") from None
    if not 0 < port < 65536:
        raise DRError(f"{port} is not a port number (1 to 65535)")
    return port


def _local_host(bind_address: str) -> str:
    """Where nginx reaches a front-end bound to ``bind_address`` on its own machine."""
    if bind_address in ("", "0.0.0.0"):
        return "127.0.0.1"
    if bind_address == "::":
        return "[::1]"
    return f"[{bind_address}]" if ":" in bind_address else bind_address


def backends(cfg: Config, ports: str | None) -> tuple[str, ...]:
    """``--ports``: ports (on [web] bindAddress) or host:port items, comma-separated."""
    items = [i.strip() for i in (ports or str(cfg.web.server_port)).split(",") if i.strip()]
    if not items:
        raise DRError("--ports names no front-end")
    out = []
    for item in items:
        host, sep, port = item.rpartition(":")
        out.append(f"{host if sep else _local_host(cfg.web.bind_address)}:{_port(port)}")
    return tuple(dict.fromkeys(out))


def default_listen(cfg: Config) -> str:
    """The port of [web] serverURL (80 or 443 by its scheme) on every interface."""
    url = urllib.parse.urlsplit(cfg.web.server_url)
    return str(url.port or (443 if url.scheme == "https" else 80))


def make_proxy(cfg: Config, args: argparse.Namespace) -> nginx.Proxy:
    listen = args.listen or default_listen(cfg)
    listen_port = _port(listen.rpartition(":")[2])
    found = backends(cfg, args.ports)
    for backend in found:
        host, _, port = backend.rpartition(":")
        here = proxy.is_loopback_host(host) or host == cfg.web.bind_address
        if int(port) == listen_port and here:
            raise DRError(f"nginx would listen on port {listen_port}, which the "
                          f"front-end {backend} uses",
                          hint="give the front-ends other ports (--ports) or nginx "
                               "another one (--listen)")
    if bool(args.tls_certificate) != bool(args.tls_key):
        raise DRError("--tls-certificate and --tls-key go together")
    name = args.server_name or urllib.parse.urlsplit(cfg.web.server_url).hostname or "_"
    return nginx.Proxy(found, listen, name, args.tls_certificate, args.tls_key)


def advice(cfg: Config, site: nginx.Proxy) -> list[str]:
    """What in gavo.conf does not fit this proxy (printed to stderr)."""
    notes = []
    url = urllib.parse.urlsplit(cfg.web.server_url)
    port = url.port or (443 if url.scheme == "https" else 80)
    if url.scheme != site.scheme or str(port) != site.listen.rpartition(":")[2]:
        notes.append(f"[web] serverURL = {cfg.web.server_url} does not name this nginx "
                     f"({site.scheme}, port {site.listen.rpartition(':')[2]}); DR's links "
                     "use serverURL, so set it to the address users reach nginx at")
    local = all(proxy.is_loopback_host(b.rpartition(":")[0]) for b in site.backends)
    trusted = proxy.parse_networks(cfg.web.trusted_proxies)
    if local and not proxy.is_trusted("127.0.0.1", trusted):
        notes.append("[web] trustedProxies does not hold 127.0.0.1: DR will log nginx, "
                     "not the clients, and login backoff will treat all clients as one")
    return notes


def cmd_nginx_conf(cfg: Config, args: argparse.Namespace) -> int:
    site = make_proxy(cfg, args)
    if args.full:
        prefix = Path(args.prefix or cfg.state_dir / "nginx").expanduser().resolve()
        prefix.mkdir(parents=True, exist_ok=True)
        text = nginx.full_config(cfg, site, prefix, args.user)
    else:
        text = nginx.blocks(cfg, site)
    head = (f"# nginx in front of DR: made by dr nginx-conf from "
            f"{cfg.source or 'the default configuration'}.\n"
            f"# Front-ends: " + ", ".join(site.backends) + "; each runs "
            "\"dr serve --port N\".\n\n")
    sys.stdout.write(head + text)
    for note in advice(cfg, site):
        print(f"dr nginx-conf: note: {note}", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("nginx-conf", help="print an nginx configuration for several "
                       "dr serve front-ends", description=DESCRIPTION,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ports", metavar="LIST",
                   help="the front-ends: ports on [web] bindAddress or HOST:PORT, "
                        "comma-separated, e.g. 8081,8082,8083 (default: serverPort)")
    p.add_argument("--listen", metavar="[HOST:]PORT",
                   help="where nginx listens (default: the port of [web] serverURL)")
    p.add_argument("--server-name", metavar="NAME",
                   help="nginx's server_name (default: the host of [web] serverURL)")
    p.add_argument("--tls-certificate", metavar="FILE",
                   help="serve https with this certificate (and --tls-key)")
    p.add_argument("--tls-key", metavar="FILE", help="the certificate's private key")
    p.add_argument("--full", action="store_true",
                   help="print a whole nginx.conf rather than the two blocks")
    p.add_argument("--prefix", metavar="DIR",
                   help="with --full: where nginx keeps its pid, logs and temporary "
                        "files (made if missing; default: <stateDir>/nginx)")
    p.add_argument("--user", help="with --full: the user nginx's workers run as "
                                   "(when started as root; default: nginx's, nobody)")
    p.set_defaults(func=cmd_nginx_conf)
