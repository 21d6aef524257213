"""Fuzzing every service's parameters over HTTP: for each endpoint the demo site serves
(cone, form, api, SIA 1 and 2, SSA, DataLink dlmeta/dlget/dlasync, UWS, TAP,
OAI-PMH, qp), hypothesis sends values of the parameters it declares — numbers
out of range, positions and intervals half right, identifiers of real and
imagined datasets, ADQL — and the answer must be a well-formed status below
500 without a traceback.

The endpoints and their parameters are read from the site itself
(tests/fuzz/endpoints.py), so a new service is fuzzed without a change here.
tests/security/test_fuzz.py sends raw, malformed requests to a fixed list of
paths; this sends well-formed requests with ill-formed values.
"""

from __future__ import annotations

import urllib.parse

import pytest
import requests
from hypothesis import example, given
from hypothesis import strategies as st

from tests.fuzz.budget import answered, fuzz, tried
from tests.fuzz.endpoints import Endpoint, endpoints
from tests.fuzz.mutations import NASTY_TEXT

TIMEOUT = 60


@pytest.fixture(scope="module")
def dataset_ids(demo_server) -> list[str]:
    """Publisher DIDs of the demo's datasets (from ivoa.obscore, through TAP)."""
    response = requests.get(demo_server.url + "/tap/sync", params={
        "LANG": "ADQL", "RESPONSEFORMAT": "csv",
        "QUERY": "SELECT obs_publisher_did FROM ivoa.obscore ORDER BY obs_publisher_did"},
        timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    ids = response.text.splitlines()[1:]
    assert ids, "the demo publishes no datasets"
    return ids[::max(1, len(ids) // 12)]


@pytest.fixture(scope="module")
def site_endpoints(demo_server, dataset_ids) -> list[Endpoint]:
    found = endpoints(demo_server.get, dataset_ids)
    renderers = {e.renderer for e in found}
    # The demo must still offer what this test claims to cover.
    assert {"form", "api", "scs.xml", "siap.xml", "siap2.xml", "ssap.xml", "dlmeta",
            "dlget", "dlasync", "uws.xml", "qp", "/tap/sync", "/oai.xml"} <= renderers
    return found


finite = st.floats(-400, 400, allow_nan=False).map(lambda f: f"{f:.6g}")
numbers = st.one_of(finite, st.floats().map(repr), st.integers().map(str),
                    st.sampled_from(["0", "-0", "1e309", "-1e309", "NaN", "inf", "-Inf",
                                     "+Inf", "1e-400", "9" * 40, "0x10", "1_000", "٣"]))
words = st.lists(numbers, min_size=1, max_size=8).map(" ".join)
shapes = st.tuples(st.sampled_from(["CIRCLE", "RANGE", "POLYGON", "BOX", "POINT", "circle",
                                    "", "Circle ICRS"]), words).map(" ".join)
intervals = st.tuples(numbers, st.sampled_from([" ", "/", ",", " / ", ""]), numbers).map(
    "".join)
times = st.sampled_from(["2020-01-01", "2020-01-01T00:00:00", "2020-13-45T25:61:61Z",
                         "0001-01-01", "9999-12-31T23:59:59.999999Z", "55000", "55000/56000",
                         "2020-01-01/2019-01-01", "J2000", "now", "-4713-01-01"])
queries = st.sampled_from(["SELECT TOP 3 * FROM califa.main", "SELECT * FROM ivoa.obscore",
                           "SELECT TOP 1 * FROM tap_schema.columns", "SELECT",
                           "SELECT TOP 1 * FROM TAP_UPLOAD.t", "SELECT 1/0 FROM califa.main",
                           "SELECT TOP 5 COUNT(*) FROM jplus.main GROUP BY class_star"])
keywords = st.sampled_from(["queryData", "getData", "getTargetNames", "ListRecords",
                            "Identify", "GetRecord", "ListSets", "ListMetadataFormats",
                            "ListIdentifiers", "ivo_vor", "oai_dc", "ADQL", "RUN", "ABORT",
                            "SUSPEND", "DELETE", "csv", "fits", "votable", "votable/td",
                            "application/x-votable+xml", "text/html", "json", "tsv",
                            "image/fits", "ALL", "COVERS", "ENCLOSED", "CENTER", "OVERLAPS",
                            "True", "false", "1", "I", "Q", "U", "V", "RR", "LL", "desc",
                            "asc", "tiny", "huge", "max"])


def values(ids: list[str]) -> st.SearchStrategy[str]:
    """Values for any parameter: plausible, nearly right or hostile."""
    known = st.sampled_from(ids)
    return st.one_of(numbers, words, shapes, intervals, times, queries, keywords, known,
                     known.map(lambda i: i + "x"), known.map(lambda i: i[:len(i) // 2]),
                     st.sampled_from(NASTY_TEXT).filter(lambda t: "\udcff" not in t),
                     st.text(max_size=30).filter(lambda t: t.isprintable()))


# A valid request of each kind, which the drawn parameters change or add to: without
# it, hardly a request would get past the check for the required parameters.
BASELINES = {
    "scs.xml": [("RA", "230"), ("DEC", "40"), ("SR", "2")],
    "siap.xml": [("POS", "230,40"), ("SIZE", "1")],
    "siap2.xml": [("POS", "CIRCLE 230 40 2")],
    "ssap.xml": [("REQUEST", "queryData"), ("POS", "230,40"), ("SIZE", "2")],
    "/tap/sync": [("REQUEST", "doQuery"), ("LANG", "ADQL"),
                  ("QUERY", "SELECT TOP 3 * FROM califa.main")],
    "/tap/async": [("LANG", "ADQL"), ("QUERY", "SELECT TOP 3 * FROM califa.main")],
    "/oai.xml": [("verb", "ListRecords"), ("metadataPrefix", "ivo_vor")],
    "form": [("_run", "1")],
}
DATASET_RENDERERS = ("dlget", "dlmeta", "dlasync", "/datalink/dlmeta")


def baseline(draw, endpoint: Endpoint, ids: list[str]) -> list[tuple[str, str]]:
    if endpoint.renderer in DATASET_RENDERERS:
        return [("ID", draw(st.sampled_from(ids)))]
    return list(BASELINES.get(endpoint.renderer, []))


@st.composite
def requests_to(draw, site: list[Endpoint], ids: list[str]) -> tuple:
    """(endpoint, method, path, parameters) for one endpoint of ``site``: mostly a
    valid request with some parameters changed or added, else random ones."""
    endpoint = draw(st.sampled_from(site))
    path = endpoint.path
    if endpoint.renderer == "qp":
        path += "/" + urllib.parse.quote(draw(values(ids)), safe="")
    names = st.one_of(st.sampled_from(endpoint.params or ("x",)),
                      st.sampled_from(endpoint.params or ("x",)).map(str.swapcase),
                      st.text(alphabet="abcXYZ_", min_size=1, max_size=6))
    params = draw(st.lists(st.tuples(names, values(ids)), max_size=5))
    if draw(st.integers(0, 3)):
        changed = {name.upper() for name, _ in params}
        params = [(k, v) for k, v in baseline(draw, endpoint, ids)
                  if k.upper() not in changed] + params
    method = draw(st.sampled_from(["GET", "GET", "POST", "POST-multipart"]))
    return endpoint, method, path, params


def send(server, method: str, path: str, params: list) -> requests.Response:
    tried("http")
    url = server.url + path
    if method == "GET":
        return requests.get(url, params=params, timeout=TIMEOUT, allow_redirects=False)
    if method == "POST":
        return requests.post(url, data=params, timeout=TIMEOUT, allow_redirects=False)
    files = [(name, (None, value.encode("utf-8", "surrogatepass"))) for name, value in params]
    return requests.post(url, files=files or {"x": (None, b"")}, timeout=TIMEOUT,
                         allow_redirects=False)


def assert_well_answered(response: requests.Response, request) -> None:
    assert response.status_code < 500, (request, response.status_code, response.text[:800])
    assert b"Traceback" not in response.content, (request, response.text[:800])


@fuzz(300)
@given(data=st.data())
@example(data=None)
def test_any_parameter_values_get_an_answer_below_500(demo_server, site_endpoints,
                                                      dataset_ids, data):
    if data is None:  # the explicit example: every endpoint without parameters
        answers = {e.path: send(demo_server, "GET", e.path, []) for e in site_endpoints}
        failed = {path: answer.status_code for path, answer in answers.items()
                  if answer.status_code >= 500 or b"Traceback" in answer.content}
        assert not failed
        return
    endpoint, *request = data.draw(requests_to(site_endpoints, dataset_ids))
    response = send(demo_server, *request)
    answered(endpoint.renderer, response.status_code)
    assert_well_answered(response, request)


# Requests the fuzzing found answered with a 500, each since fixed.
FOUND = [
    ("GET", "/cta/q/run/qp", []),  # qp over a table not imported: UndefinedTable
    ("GET", "/cta/q/run/qp/x", []),
    ("GET", "/califa/q/galaxy/qp/", [("_OFFSET", "9" * 40)]),  # OFFSET beyond a bigint
]


@pytest.mark.parametrize("request_", FOUND, ids=[f"{m} {p}" for m, p, _ in FOUND])
def test_requests_that_once_failed_get_an_answer_below_500(demo_server, request_):
    assert_well_answered(send(demo_server, *request_), request_)


JOB_RESOURCES = ["phase", "executionduration", "destruction", "parameters", "runId",
                 "quote", "owner", "error", "results", ""]


@fuzz(40)
@given(data=st.data())
def test_uws_jobs_take_any_parameter_values_without_a_500(demo_server, site_endpoints,
                                                          dataset_ids, data):
    """A job is created with random parameters, then its resources are sent more."""
    job_lists = [e for e in site_endpoints if e.renderer in ("/tap/async", "dlasync",
                                                             "uws.xml")]
    endpoint = data.draw(st.sampled_from(job_lists))
    params = data.draw(st.lists(st.tuples(st.sampled_from(endpoint.params),
                                          values(dataset_ids)), max_size=4))
    params = [(k, v) for k, v in params if k.upper() not in ("PHASE", "WAIT")]
    created = send(demo_server, "POST", endpoint.path, params)
    assert_well_answered(created, (endpoint.path, params))
    location = created.headers.get("Location")
    if created.status_code != 303 or not location:
        return
    job = urllib.parse.urlsplit(location).path
    for _ in range(data.draw(st.integers(1, 3))):
        resource = data.draw(st.sampled_from(JOB_RESOURCES))
        name = data.draw(st.sampled_from(["PHASE", "EXECUTIONDURATION", "DESTRUCTION",
                                          "RUNID", "x", "QUERY", "ID"]))
        value = data.draw(values(dataset_ids))
        if name == "PHASE" and value.upper() == "RUN":
            value = "ABORT"  # running jobs would make the test slow, not stronger
        method = data.draw(st.sampled_from(["GET", "POST"]))
        request = (method, f"{job}/{resource}".rstrip("/"), [(name, value)])
        assert_well_answered(send(demo_server, *request), request)
    assert_well_answered(send(demo_server, "POST", job, [("ACTION", "DELETE")]), job)
