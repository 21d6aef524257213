"""Fuzzing TAP uploads: whatever bytes come as an upload, DR makes a table of them or
refuses them with the upload's own error (ProtocolError on UPLOAD, a 4xx over
HTTP) — never another exception, a 500 or a traceback.

The inputs are good VOTables (tests/fuzz/votables.py) with their FIELDs,
cells and BINARY streams edited, or their bytes damaged.  In Python they go
through ``create_upload`` on a real database, each in a transaction rolled
back; over HTTP through a TAP sync query on the demo server.
tests/security/test_uploads.py holds the hand-picked bad uploads.
"""

from __future__ import annotations

import contextlib
import re
import time

import pytest
import requests
from hypothesis import example, given
from hypothesis import strategies as st

from engine.errors import ProtocolError
from engine.tap.uploads import UploadSpec, create_upload
from tests.fuzz.budget import fuzz, tried
from tests.fuzz.mutations import damaged_bytes, edited_xml
from tests.fuzz.votables import SEEDS, VALUES

TIME_LIMIT = 10.0
NAMESPACE = "{http://www.ivoa.net/xml/VOTable/v1.3}"
TAGS = sorted({NAMESPACE + tag.decode() for seed in SEEDS
               for tag in re.findall(rb"<([A-Z0-9]+)[ />]", seed)})
SPEC = UploadSpec("t", "param:t")

uploads = st.one_of(
    st.sampled_from(range(len(SEEDS))).flatmap(lambda i: edited_xml(SEEDS[i], VALUES, TAGS)),
    damaged_bytes(SEEDS),
)


@pytest.fixture
def connection(db):
    with contextlib.closing(db.connect()) as conn:
        yield conn


def upload_or_refuse(conn, data: bytes) -> None:
    """Load ``data`` as upload ``t`` and roll back; a ProtocolError on UPLOAD is the
    only refusal allowed."""
    tried("upload")
    started = time.monotonic()
    try:
        with conn.cursor() as cur:
            create_upload(cur, SPEC, data)
    except ProtocolError as exc:
        assert exc.param == "UPLOAD" and 400 <= exc.status < 500, exc
    finally:
        conn.rollback()
        elapsed = time.monotonic() - started
        assert elapsed < TIME_LIMIT, f"{elapsed:.1f} s for {data[:300]!r}"


@fuzz(80)
@given(data=uploads)
@example(data=SEEDS[3].replace(b'datatype="float" arraysize="*"',
                               b'datatype="float" arraysize="2x*"'))
def test_damaged_votables_load_or_raise_the_upload_error(connection, data):
    upload_or_refuse(connection, data)


def test_the_seeds_themselves_load(connection):
    for seed in SEEDS:
        with connection.cursor() as cur:
            table = create_upload(cur, SPEC, seed)
        connection.rollback()
        assert table.columns


def sync_upload(server, data: bytes) -> requests.Response:
    tried("upload-http")
    return requests.post(server.url + "/tap/sync",
                         data={"LANG": "ADQL", "QUERY": "SELECT * FROM TAP_UPLOAD.t",
                               "UPLOAD": "t,param:t"},
                         files={"t": ("t.vot", data, "application/x-votable+xml")},
                         timeout=60)


@fuzz(60)
@given(data=uploads)
def test_damaged_votables_uploaded_to_tap_get_no_500(demo_server, data):
    response = sync_upload(demo_server, data)
    assert response.status_code in (200, 400, 413), (data[:300], response.text[:500])
    assert b"Traceback" not in response.content


def test_the_server_still_answers_after_the_uploads(demo_server):
    response = sync_upload(demo_server, SEEDS[0])
    assert response.status_code == 200, response.text[:500]

