"""What clients send that no job can mean: absurd times and numbers, NUL, ids that
cannot exist.  Clamped where UWS lets the service choose, 400 or 404 otherwise —
never a 500, and never a job that can no longer be read or destroyed."""

from __future__ import annotations

import contextlib
import datetime
import time

from engine.services.params import Params
from engine.uws import model, params
from tests.uws.conftest import BASE, text

MAX_DESTRUCTION = datetime.timedelta(seconds=2592000)   # [async] maxDestruction default


def shown_time(doc, name: str) -> datetime.datetime:
    raw = text(doc, f"uws:{name}")
    assert len(raw) == len("2024-05-01T12:00:00.123Z") and raw.endswith("Z"), raw
    return datetime.datetime.fromisoformat(raw)


def test_destruction_is_kept_between_now_and_the_hard_limit(uws):
    job = uws.create({"DELAY": "0"})
    for far in ("9999-12-31T00:00:00Z", "9999-12-31T23:59:59-14:00", "2100-01-01"):
        assert uws.post(f"{BASE}/{job}/destruction", {"DESTRUCTION": far}
                        ).status_code == 303
        doc = uws.xml(f"{BASE}/{job}")
        assert shown_time(doc, "destruction") == (
            shown_time(doc, "creationTime") + MAX_DESTRUCTION), far
    before = datetime.datetime.now(datetime.UTC)
    job = uws.create({"DELAY": "0", "DESTRUCTION": "9999-12-31T23:59:59-14:00"})
    doc = uws.xml(f"{BASE}/{job}")
    assert shown_time(doc, "destruction") == (
        shown_time(doc, "creationTime") + MAX_DESTRUCTION)
    assert shown_time(doc, "creationTime") >= before - datetime.timedelta(seconds=5)


def test_times_are_written_with_four_digit_years():
    assert model.format_time(datetime.datetime(1, 1, 2, tzinfo=datetime.UTC)) == (
        "0001-01-02T00:00:00.000Z")
    assert model.format_time(datetime.datetime(987, 6, 5, 4, 3, 2, 1000,
                                               tzinfo=datetime.UTC)) == (
        "0987-06-05T04:03:02.001Z")


def test_jobs_stored_with_absurd_destructions_can_be_read_and_are_swept(uws, db):
    """Jobs from before destruction times were clamped: beyond Python's years."""
    jobs = {"future": "10000-01-01 00:00+00", "endless": "infinity",
            "ancient": "4713-01-01 00:00+00 BC"}
    with contextlib.closing(db.connect()) as conn, contextlib.closing(db.connect()) as other:
        with conn, conn.cursor() as cur:
            for job_id in jobs:
                cur.execute("INSERT INTO uws.jobs (job_id, kind, execution_duration,"
                            " destruction) VALUES (%s, 'sleep', 60, 'infinity')", (job_id,))
        # The sweep skips rows others hold: hold the ancient job while reading it.
        with other.cursor() as cur:
            cur.execute("SELECT 1 FROM uws.jobs WHERE job_id = 'ancient' FOR KEY SHARE")
        with conn, conn.cursor() as cur:
            for job_id, when in jobs.items():
                cur.execute("UPDATE uws.jobs SET destruction = %s WHERE job_id = %s",
                            (when, job_id))
        for job_id, shown in [("future", "9999-12-30T00:00:00.000Z"),
                              ("endless", "9999-12-30T00:00:00.000Z"),
                              ("ancient", "0001-01-02T00:00:00.000Z")]:
            assert text(uws.xml(f"{BASE}/{job_id}"), "uws:destruction") == shown
            assert uws.get(f"{BASE}/{job_id}/destruction").text == shown
        other.rollback()
        # Older than the hard limit: the sweep destroys them whatever they say.
        with conn, conn.cursor() as cur:
            cur.execute("UPDATE uws.jobs SET creation_time = now() - interval '31 days'")
    deadline = time.monotonic() + 10
    while any(uws.get(f"{BASE}/{job_id}").status_code != 404 for job_id in jobs):
        assert time.monotonic() < deadline, "the sweep left a job"
        time.sleep(0.2)


def test_huge_numbers_are_clamped_or_refused(uws):
    job = uws.create({"DELAY": "0"})
    huge = "9" * 5000
    for asked in (str(10**20), "9" * 4000, huge):
        assert uws.post(f"{BASE}/{job}/executionduration", {"EXECUTIONDURATION": asked}
                        ).status_code == 303
        assert uws.get(f"{BASE}/{job}/executionduration").text == "3600"
    assert uws.post(BASE, {"EXECUTIONDURATION": huge}).status_code == 303
    response = uws.post(f"{BASE}/{job}/executionduration", {"EXECUTIONDURATION": "-" + huge})
    assert (response.status_code, "EXECUTIONDURATION" in response.text) == (400, True)
    for query in ({"LAST": huge}, {"LAST": "0"}, {"AFTER": "+10000-01-01"}):
        assert uws.get(BASE, params=query).status_code == 400, query
    response = uws.get(f"{BASE}/{job}", params={"WAIT": huge})
    assert (response.status_code, "WAIT" in response.text) == (400, True)
    assert uws.get(BASE, params={"LAST": str(10**20)}).status_code == 200


def test_without_a_maximum_an_endless_duration_means_no_limit():
    asked = Params([("EXECUTIONDURATION", str(10**20))])
    assert params.execution_duration(asked, 0) == 0
    assert params.execution_duration(Params([("EXECUTIONDURATION", "5")]), 0) == 5


def test_ids_that_cannot_be_jobs_answer_404(uws):
    job = uws.create({"DELAY": "0"})
    for method, path in [("GET", f"{BASE}/%00"), ("GET", f"{BASE}/ab%00cd/phase"),
                         ("DELETE", f"{BASE}/%00"), ("POST", f"{BASE}/%00/phase"),
                         ("GET", f"{BASE}/%FF%FE"), ("GET", f"{BASE}/..%2F..%2Fetc"),
                         ("GET", f"{BASE}/{'a' * 65}"),
                         ("GET", f"{BASE}/{job}/parameters/%C2%B2"),
                         ("GET", f"{BASE}/{job}/parameters/{'9' * 5000}"),
                         ("GET", f"{BASE}/{job}/parameters/%00"),
                         ("GET", f"{BASE}/{job}/results/%00")]:
        response = uws.request(method, path, data={"PHASE": "RUN"} if method == "POST"
                               else None)
        assert response.status_code == 404, (method, path, response.text)
        assert response.headers["content-type"].startswith("text/plain")
    assert uws.phase(job) == "PENDING"


def test_nul_in_parameters_is_refused_or_kept_as_bytes(uws):
    job = uws.create({"DELAY": "0"})
    for path, data, words in [
        (BASE, {"RUNID": "a\x00b"}, "RUNID must not contain NUL"),
        (BASE, {"na\x00me": "x"}, "must not contain NUL"),
        (f"{BASE}/{job}/parameters", {"na\x00me": "x"}, "must not contain NUL"),
        (f"{BASE}/{job}", {"RUNID": "\x00"}, "RUNID must not contain NUL"),
        (f"{BASE}/{job}/destruction", {"DESTRUCTION": "2030\x00"}, "DESTRUCTION must be"),
        (f"{BASE}/{job}/executionduration", {"EXECUTIONDURATION": "1\x00"},
         "EXECUTIONDURATION must be"),
    ]:
        response = uws.post(path, data)
        assert response.status_code == 400, (path, data, response.text)
        assert words in response.text
    for query in ({"PHASE": "PEN\x00DING"}, {"AFTER": "2020\x00"}, {"LAST": "1\x00"}):
        assert uws.get(BASE, params=query).status_code == 400, query
    assert uws.get(f"{BASE}/{job}", params={"WAIT": "\x00"}).status_code == 400
    job = uws.create({"DELAY": "0", "echo": "a\x00b"})
    ref = uws.xml(f"{BASE}/{job}/parameters").find("uws:parameter[@id='echo']",
                                                   {"uws": "http://www.ivoa.net/xml/UWS/v1.0"})
    assert ref.get("byReference") == "true"
    assert uws.get(ref.text[len(uws.url):]).content == b"a\x00b"

