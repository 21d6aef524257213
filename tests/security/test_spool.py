"""Results spooled on the server — FITS, async job files — stop at [web] spoolLimit
and say so in the result, instead of filling the disk."""

from __future__ import annotations

import io
import time

import requests
from astropy.io import fits
from astropy.io.votable import parse

from tests.security.conftest import SPOOL_LIMIT

BIG = {"LANG": "ADQL", "QUERY": "SELECT * FROM jplus.main", "MAXREC": "100000"}


def test_a_fits_result_over_the_spool_limit_ends_with_an_error_saying_so(server):
    response = requests.get(f"{server.url}/tap/sync", timeout=120,
                            params={**BIG, "RESPONSEFORMAT": "fits"})
    assert response.status_code == 200
    assert len(response.content) <= SPOOL_LIMIT + 2880 * 2
    with fits.open(io.BytesIO(response.content)) as hdus:
        header = hdus[1].header
        assert header["QSTATUS"] == "ERROR"
        assert str(SPOOL_LIMIT) in header["QMESSAGE"].replace(",", "")
        assert "VOTable" in header["QMESSAGE"]
        assert len(hdus[1].data) < 100_000


def test_an_async_result_over_the_spool_limit_is_cut_off_with_an_error(server):
    created = requests.post(f"{server.url}/tap/async", timeout=30, allow_redirects=False,
                            data={**BIG, "PHASE": "RUN"})
    assert created.status_code == 303
    job = created.headers["location"]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        phase = requests.get(f"{job}/phase", timeout=30).text.strip()
        if phase not in ("PENDING", "QUEUED", "EXECUTING"):
            break
        time.sleep(0.5)
    assert phase == "COMPLETED"
    result = requests.get(f"{job}/results/result", timeout=60)
    # The whole result is about 20 MB; the job stops within a batch of the limit.
    assert len(result.content) < 3 * SPOOL_LIMIT
    infos = [i for i in parse(io.BytesIO(result.content)).resources[0].infos
             if i.name == "QUERY_STATUS"]
    assert infos[-1].value == "ERROR"
    assert f"{SPOOL_LIMIT:,} bytes" in infos[-1].content
    requests.delete(job, timeout=30)
