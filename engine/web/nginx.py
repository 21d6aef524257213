"""nginx in front of several ``dr serve`` front-ends: the configuration of ``dr nginx-conf``.

Pure text from DR's configuration: an ``upstream`` of the front-ends (with
keepalive connections) and a ``server`` passing every request to one of
them, or (:func:`full_config`) a whole nginx.conf around the two, with its
pid, logs and temporary files under one directory.  Its limits follow
DR's: request bodies up to ``[web] uploadLimit``, reads as patient as a
synchronous query (``syncTimeout``) or a UWS WAIT, client stalls cut off
after ``writeTimeout``, and idle upstream connections closed by nginx
before DR closes them.  Results stream (no response buffering), uploads
too (no request buffering).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

from engine.config import Config
from engine.uws.params import MAX_WAIT_SECONDS

UPSTREAM = "dr_frontends"
READ_SLACK = 60        # seconds beyond DR's own longest silence before nginx gives up
CONNECT_TIMEOUT = 5    # seconds; a front-end that does not accept is skipped
KEEPALIVE = 32         # idle connections kept to the front-ends, per nginx worker


@dataclass(frozen=True)
class Proxy:
    """What the proxy is: its front-ends ("host:port"), where it listens, its name."""

    backends: tuple[str, ...]
    listen: str
    server_name: str
    tls_certificate: str | None = None
    tls_key: str | None = None

    @property
    def scheme(self) -> str:
        return "https" if self.tls_certificate else "http"


@dataclass(frozen=True)
class Timeouts:
    read: int          # nginx waiting for a front-end's next bytes
    client: int        # a client stalling while sending or reading
    keepalive: int     # an idle connection to a front-end is kept this long


def timeouts(cfg: Config) -> Timeouts:
    """nginx's timeouts from DR's: DR, not nginx, ends slow queries and stalled
    clients, so nginx waits a little longer than DR would."""
    web = cfg.web
    silence = max(web.sync_timeout, MAX_WAIT_SECONDS, web.db_wait)
    return Timeouts(read=silence + READ_SLACK, client=web.write_timeout,
                    keepalive=max(1, min(60, web.write_timeout // 2)))


def upstream_block(cfg: Config, proxy: Proxy) -> str:
    t = timeouts(cfg)
    servers = "".join(f"    server {b} max_fails=1 fail_timeout=10s;\n"
                      for b in proxy.backends)
    return (
        f"upstream {UPSTREAM} {{\n"
        "    # Any front-end answers any request: they share the database, the UWS\n"
        "    # job table and the state directory holding the jobs' results.\n"
        f"{servers}"
        "    # nginx's workers share the turns and which front-ends are down.\n"
        f"    zone {UPSTREAM} 64k;\n"
        f"    keepalive {KEEPALIVE};\n"
        f"    # Shorter than DR's idle timeout ([web] writeTimeout = "
        f"{cfg.web.write_timeout} s),\n"
        "    # so DR never closes a connection nginx is about to reuse.\n"
        f"    keepalive_timeout {t.keepalive}s;\n"
        "}\n")


def _tls_lines(proxy: Proxy) -> str:
    if not proxy.tls_certificate:
        return ""
    return (f"    ssl_certificate {proxy.tls_certificate};\n"
            f"    ssl_certificate_key {proxy.tls_key};\n")


def server_block(cfg: Config, proxy: Proxy) -> str:
    t = timeouts(cfg)
    ssl = " ssl" if proxy.tls_certificate else ""
    return (
        "server {\n"
        f"    listen {proxy.listen}{ssl};\n"
        f"    server_name {proxy.server_name};\n"
        f"{_tls_lines(proxy)}"
        "    # TAP uploads up to [web] uploadLimit, passed on as they arrive; DR\n"
        "    # refuses (413) bodies above its own limit for the endpoint.\n"
        f"    client_max_body_size {cfg.web.upload_limit};\n"
        "    proxy_request_buffering off;\n"
        f"    client_body_timeout {t.client}s;\n"
        f"    send_timeout {t.client}s;\n"
        "\n"
        "    location / {\n"
        f"        proxy_pass http://{UPSTREAM};\n"
        "        proxy_http_version 1.1;\n"
        "        proxy_set_header Connection \"\";\n"
        "        proxy_set_header Host $http_host;\n"
        "        # DR believes these only from [web] trustedProxies; it builds its\n"
        "        # URLs from [web] serverURL, never from Host or X-Forwarded-Proto.\n"
        "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
        "        proxy_set_header X-Forwarded-Proto $scheme;\n"
        "        proxy_set_header X-Forwarded-Host $host;\n"
        "        # Results stream row batch by row batch: pass them on at once.\n"
        "        proxy_buffering off;\n"
        f"        proxy_connect_timeout {CONNECT_TIMEOUT}s;\n"
        f"        # A sync query may say nothing until its first row ([web] syncTimeout\n"
        f"        # = {cfg.web.sync_timeout} s); a UWS WAIT blocks up to "
        f"{MAX_WAIT_SECONDS} s.\n"
        f"        proxy_read_timeout {t.read}s;\n"
        f"        proxy_send_timeout {t.client}s;\n"
        "        # A front-end that is down: the next one (a POST only while it was\n"
        "        # not yet sent, so no job is created twice).\n"
        "        proxy_next_upstream error timeout;\n"
        "        proxy_redirect off;\n"
        "    }\n"
        "}\n")


def blocks(cfg: Config, proxy: Proxy) -> str:
    """The upstream and server blocks, for an ``http {}`` context (e.g. a file in
    Debian's /etc/nginx/sites-enabled/)."""
    return upstream_block(cfg, proxy) + "\n" + server_block(cfg, proxy)


def full_config(cfg: Config, proxy: Proxy, prefix: Path, user: str | None = None) -> str:
    """A whole nginx.conf: pid, logs (with the front-end that answered) and
    temporary files under ``prefix``; run it as ``nginx -c FILE``."""
    temp = "".join(f"    {kind}_temp_path {prefix / (kind + '_temp')};\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user_line = f"user {user};\n" if user else ""
    return (
        f"{user_line}"
        "worker_processes auto;\n"
        f"pid {prefix / 'nginx.pid'};\n"
        f"error_log {prefix / 'error.log'} warn;\n"
        "\n"
        "events {\n    worker_connections 1024;\n}\n"
        "\n"
        "http {\n"
        "    default_type application/octet-stream;\n"
        "    server_tokens off;\n"
        "    log_format dr '$remote_addr [$time_local] \"$request\" $status '\n"
        "                  '$body_bytes_sent $request_time upstream=$upstream_addr';\n"
        f"    access_log {prefix / 'access.log'} dr;\n"
        f"{temp}"
        "\n"
        + textwrap.indent(blocks(cfg, proxy), "    ", lambda line: bool(line.strip()))
        + "}\n")
