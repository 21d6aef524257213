"""Arbitrary requests to every endpoint get a well-formed answer that is not a 500,
and the server lives on (hypothesis, raw bytes over a socket)."""

from __future__ import annotations

import os
import socket
import urllib.parse

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

ENDPOINTS = [
    "/", "/static", "/static/dr.css", "/tableinfo/califa.main", "/califa/q/cone/form",
    "/califa/q/cone/scs.xml", "/califa/q/cone/api", "/califa/q/cone/capabilities",
    "/califa/q/cone/availability", "/califa/q/cone/tables", "/califa/q/cone",
    "/jplus/q/cone/form", "/tap", "/tap/sync", "/tap/async", "/tap/async/nosuchjob",
    "/tap/async/nosuchjob/phase", "/tap/async/nosuchjob/results/result",
    "/tap/async/nosuchjob/parameters/1", "/tap/capabilities", "/tap/availability",
    "/tap/tables", "/tap/tables/califa.main", "/tap/examples", "/datalink/dlmeta",
    "/oai.xml", "/registry", "/nowhere",
]
PARAMETERS = ["LANG", "QUERY", "REQUEST", "RESPONSEFORMAT", "FORMAT", "MAXREC", "UPLOAD",
              "RA", "DEC", "SR", "VERB", "hscs_pos", "hscs_sr", "redshift", "_SORT", "_DIR",
              "_OFFSET", "PHASE", "WAIT", "LAST", "AFTER", "RUNID", "EXECUTIONDURATION",
              "DESTRUCTION", "ACTION", "detail", "ID", "verb", "metadataPrefix",
              "identifier", "set", "from", "until", "resumptionToken", "ivoid"]
NASTY = ["", "0", "-1", "1e309", "nan", "9" * 5000, "10^20", "\x00", "%00", "ADQL",
         "SELECT TOP 1 * FROM califa.main", "t,param:t", "t,http://127.0.0.1:1/x",
         "RUN", "ABORT", "DELETE", "csv", "fits", "votable/td", "0001-01-01T00:00:00Z",
         "9999-12-31T23:59:59Z", "' OR 1=1 --", "<script>", "café 東京 𝄞", "../../etc/passwd",
         "232.65 42.72", "name", "desc", "min", "120", "180", "ListRecords",
         "GetRecord", "ivo_vor", "oai_dc", "ivo_managed", "ivo://x/y", "2020-01-01"]

parameter_values = st.one_of(st.sampled_from(NASTY), st.text(max_size=40))
pairs = st.lists(st.tuples(st.one_of(st.sampled_from(PARAMETERS), st.text(max_size=10)),
                           parameter_values), max_size=6)
paths = st.one_of(
    st.sampled_from(ENDPOINTS),
    st.sampled_from(ENDPOINTS),
    st.builds(lambda base, extra: base.rstrip("/") + "/" + extra,
              st.sampled_from(ENDPOINTS),
              st.sampled_from(["%00", "%FF", "..", "%2e%2e/x", "x" * 300, "a/b/c/d/e",
                               "results", "phase", "owner", "error", "quote"])))


def encode(pairs: list[tuple[str, str]]) -> bytes:
    return urllib.parse.urlencode(pairs).encode()


def multipart(pairs: list[tuple[str, str]], boundary: str) -> bytes:
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
             .encode() + value.encode("utf-8", "surrogatepass") + b"\r\n"
             for name, value in pairs]
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


@st.composite
def requests_(draw) -> bytes:
    method = draw(st.sampled_from(["GET"] * 4 + ["POST"] * 4 + [
        "HEAD", "DELETE", "PUT", "OPTIONS", "PATCH", "get", "BREW"]))
    path = draw(paths)
    query = draw(pairs)
    if query:
        path += "?" + encode(query).decode()
    headers = [("Host", "127.0.0.1")]
    body = b""
    kind = draw(st.sampled_from(["none", "urlencoded", "multipart", "raw"]))
    if kind == "urlencoded":
        body = encode(draw(pairs))
        headers.append(("Content-Type", "application/x-www-form-urlencoded"))
    elif kind == "multipart":
        boundary = draw(st.sampled_from(["xyz", "<<<---dr--->>>", "", "a b"]))
        body = multipart(draw(pairs), boundary or "x")
        headers.append(("Content-Type", f"multipart/form-data; boundary={boundary}"))
    elif kind == "raw":
        body = draw(st.binary(max_size=300))
        headers.append(("Content-Type", draw(st.sampled_from(
            ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain",
             "application/x-votable+xml", "multipart/form-data; boundary=\"\""]))))
    for name, value in draw(st.lists(st.tuples(
            st.sampled_from(["Accept", "Accept-Encoding", "Cookie", "Range", "Expect",
                             "X-Forwarded-For", "Authorization", "User-Agent"]),
            st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126),
                    max_size=60)), max_size=3)):
        headers.append((name, value))
    headers += [("Content-Length", str(len(body))), ("Connection", "close")]
    head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
    return head.encode("utf-8", "surrogatepass") + b"\r\n" + body


def exchange(server, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


EXAMPLES = int(os.environ.get("DR_FUZZ_EXAMPLES", "250"))


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(request=requests_())
@example(request=b"GET /static/%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
@example(request=b"GET /tap/async/%00/phase HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
@example(request=b"POST /tap/sync HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
         b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 26\r\n\r\n"
         b"LANG=ADQL&QUERY=SELECT%20\xe9")
def test_any_request_gets_a_well_formed_answer_that_is_not_a_500(server, request):
    answer = exchange(server, request)
    assert answer.startswith(b"HTTP/1.1 "), (request[:300], answer[:300])
    status = int(answer[9:12])
    assert 100 <= status < 600
    assert status != 500, (request[:500], answer[:800])
    assert b"Traceback" not in answer


def test_the_server_lives_on_after_the_fuzzing(server):
    assert server.alive()
