"""dr serve reload (SIGHUP): RDs are re-read without dropping the server."""

from __future__ import annotations

from tests.support import run_dr, wait_until


def test_reload_rereads_rds_and_keeps_serving(server):
    log = server.state / "log" / "error.log"
    before = log.read_text().count("loaded ") if log.exists() else 0
    result = run_dr("serve", "reload", config=server.config)
    assert result.returncode == 0, result.stderr
    assert "asked dr serve" in result.stdout
    assert wait_until(lambda: log.read_text().count("loaded ") > before)
    status, _, body = server.get(
        "/califa/q/cone/scs.xml?RA=232.65&DEC=42.72&SR=0.2&RESPONSEFORMAT=votable/td")
    assert status == 200 and b"NGC 5947" in body


def test_reload_without_a_server_says_so(tmp_path):
    conf = tmp_path / "gavo.conf"
    conf.write_text(f"[general]\nstateDir = {tmp_path}\n")
    result = run_dr("serve", "reload", config=conf)
    assert result.returncode == 1 and "no running dr serve found" in result.stderr
