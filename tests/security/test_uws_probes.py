"""TAP's async jobs (UWS) probed through ``dr serve``: whose jobs a client sees,
what the creating POST sets, absurd values and NUL — never a 500."""

from __future__ import annotations

import datetime

import pyvo
import requests
from lxml import etree

ASYNC = "/tap/async"
UWS = {"uws": "http://www.ivoa.net/xml/UWS/v1.0"}
QUERY = "SELECT TOP 1 name FROM califa.main"


def call(server, method: str, path: str, **kwargs) -> requests.Response:
    response = requests.request(method, server.url + path, allow_redirects=False,
                                timeout=90, **kwargs)
    assert response.status_code < 500, (method, path, response.text)
    return response


def create(server, **params: str) -> str:
    response = call(server, "POST", ASYNC, data={"LANG": "ADQL", "QUERY": QUERY, **params})
    assert response.status_code == 303, response.text
    return response.headers["location"].rsplit("/", 1)[1]


def test_no_job_list_reveals_anonymous_jobs(server):
    service = pyvo.dal.TAPService(server.url + "/tap")
    job = service.submit_job(QUERY)
    job.run().wait(timeout=60)
    assert service.get_job_list() == []
    for params in ({}, {"PHASE": "COMPLETED"}, {"LAST": "1"}, {"AFTER": "2000-01-01"}):
        response = call(server, "GET", ASYNC, params=params)
        assert response.status_code == 200
        assert job.job_id not in response.text
    job.delete()


def test_the_creating_post_sets_duration_and_destruction_within_limits(server):
    job = create(server, EXECUTIONDURATION="120", DESTRUCTION="9999-12-31T00:00:00Z",
                 RUNID="probe")
    response = call(server, "GET", f"{ASYNC}/{job}")
    assert response.status_code == 200
    doc = etree.fromstring(response.content)
    assert doc.findtext("uws:executionDuration", namespaces=UWS) == "120"
    assert doc.findtext("uws:runId", namespaces=UWS) == "probe"
    created, destruction = (
        datetime.datetime.fromisoformat(doc.findtext(f"uws:{name}", namespaces=UWS))
        for name in ("creationTime", "destruction"))
    assert destruction - created == datetime.timedelta(days=30)   # maxDestruction
    assert sorted(p.get("id") for p in doc.iterfind("uws:parameters/uws:parameter",
                                                    UWS)) == ["LANG", "QUERY"]
    job_url = f"{ASYNC}/{job}"
    for when in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"):
        call(server, "POST", f"{job_url}/destruction", data={"DESTRUCTION": when})
        call(server, "GET", job_url)
    assert call(server, "DELETE", job_url).status_code in (303, 404)


def test_huge_numbers_and_nul_answer_in_words(server):
    job = create(server)
    call(server, "POST", f"{ASYNC}/{job}/phase", data={"PHASE": "ABORT"})
    for method, path, kwargs, status in [
        ("GET", ASYNC, {"params": {"LAST": str(10**20)}}, 200),
        ("GET", f"{ASYNC}/{job}", {"params": {"WAIT": str(10**20)}}, 200),
        ("POST", f"{ASYNC}/{job}/executionduration",
         {"data": {"EXECUTIONDURATION": str(10**20)}}, 400),     # ABORTED: too late
        ("GET", f"{ASYNC}/%00", {}, 404),
        ("GET", f"{ASYNC}/{job}%00/phase", {}, 404),
        ("DELETE", f"{ASYNC}/%00", {}, 404),
        ("POST", ASYNC, {"data": {"QUERY": QUERY, "RUNID": "a\x00b"}}, 400),
        ("POST", ASYNC, {"data": {"QUERY": QUERY, "x\x00": "1"}}, 400),
        ("GET", f"{ASYNC}/{job}/parameters/{'9' * 5000}", {}, 404),
    ]:
        response = call(server, method, path, **kwargs)
        assert response.status_code == status, (method, path, response.text)
    assert call(server, "GET", f"{ASYNC}/{job}/phase").text == "ABORTED"


def test_tap_declares_the_hard_retention_period(server):
    response = call(server, "GET", "/tap/capabilities")
    doc = etree.fromstring(response.content)
    [retention] = doc.iter("retentionPeriod")
    assert (retention.findtext("default"), retention.findtext("hard")) == (
        "604800", "2592000")
