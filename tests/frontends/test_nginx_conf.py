"""``dr nginx-conf`` on its own: what it derives from DR's settings, that nginx accepts
it (with TLS too), its refusals; and which client address DR believes behind a proxy."""

from __future__ import annotations

import subprocess

import pytest

from engine.config import load_config
from engine.web import nginx, proxy
from tests.frontends.farm import nginx_binary
from tests.support import run_dr


def config(tmp_path, web: str = ""):
    path = tmp_path / "gavo.conf"
    path.write_text(f"[general]\nstateDir = {tmp_path / 'state'}\n[web]\n{web}")
    return path


def test_timeouts_and_body_limit_follow_drs_settings(tmp_path):
    path = config(tmp_path, "syncTimeout = 30\nwriteTimeout = 20\nuploadLimit = 5000\n")
    cfg = load_config({"DR_CONFIG": str(path)})
    text = nginx.blocks(cfg, nginx.Proxy(("127.0.0.1:1",), "8080", "x"))
    # A UWS WAIT (60 s) is the longest DR stays silent here.
    assert "proxy_read_timeout 120s;" in text
    assert "send_timeout 20s;" in text and "keepalive_timeout 10s;" in text
    assert "client_max_body_size 5000;" in text
    assert "proxy_buffering off;" in text and "keepalive 32;" in text


def test_nginx_accepts_the_blocks_with_tls(tmp_path):
    nginx_binary()
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-nodes", "-newkey", "rsa:2048",
                    "-subj", "/CN=dr.example.org", "-days", "1",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    path = config(tmp_path, "serverURL = https://dr.example.org\n"
                            "trustedProxies = 127.0.0.1, ::1\n")
    made = run_dr("nginx-conf", "--ports", "8081,10.0.0.2:8081",
                  "--tls-certificate", str(cert), "--tls-key", str(key), config=path)
    assert made.returncode == 0 and made.stderr == "", made.stderr
    assert "listen 443 ssl;" in made.stdout and "server_name dr.example.org;" in made.stdout
    assert "server 10.0.0.2:8081 " in made.stdout
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    (tmp_path / "dr.conf").write_text(made.stdout)
    (tmp_path / "nginx.conf").write_text(
        f"pid {prefix}/nginx.pid;\nevents {{}}\n"
        f"http {{\n    include {tmp_path / 'dr.conf'};\n}}\n")
    checked = subprocess.run(
        [nginx_binary(), "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(prefix),
         "-e", str(prefix / "error.log")], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr


def test_nginx_conf_refuses_a_port_a_frontend_uses_and_says_what_to_set(tmp_path):
    path = config(tmp_path, "serverPort = 8080\nserverURL = http://localhost:8080\n")
    refused = run_dr("nginx-conf", config=path)
    assert refused.returncode == 1
    assert "nginx would listen on port 8080, which the front-end 127.0.0.1:8080" \
        in refused.stderr
    made = run_dr("nginx-conf", "--ports", "8081,8082", "--listen", "8090", config=path)
    assert made.returncode == 0
    assert "serverURL = http://localhost:8080 does not name this nginx" in made.stderr
    assert "trustedProxies does not hold 127.0.0.1" in made.stderr


@pytest.mark.parametrize("peer, header, client", [
    ("127.0.0.1", "203.0.113.7", "203.0.113.7"),
    ("127.0.0.1", "198.51.100.1, 203.0.113.7, 127.0.0.1", "203.0.113.7"),
    ("192.0.2.5", "203.0.113.7", "192.0.2.5"),          # not a trusted proxy
    ("127.0.0.1", "", "127.0.0.1"),
    ("127.0.0.1", "127.0.0.1", "127.0.0.1"),
    ("::ffff:127.0.0.1", "[2001:db8::1]:4711", "2001:db8::1"),
])
def test_x_forwarded_for_counts_only_from_trusted_proxies(peer, header, client):
    trusted = proxy.parse_networks("127.0.0.1, 10.0.0.0/8")
    headers = [header.encode()] if header else []
    assert proxy.forwarded_client(peer, headers, trusted) == client


def test_a_bad_trusted_proxy_is_a_configuration_error(tmp_path):
    result = run_dr("serve", config=config(tmp_path, "trustedProxies = nginx\n"))
    assert result.returncode == 1
    assert "trustedProxies: 'nginx' is not an IP address or network" in result.stderr
