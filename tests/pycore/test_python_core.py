"""pythonCore services written for DaCHS: the reference's example (powers of a
complex number) answered at once by ``api`` and as a UWS 1.1 job by ``uws.xml``;
a core adding a result file of its own, a core querying the database as the
caller (row-level security: a staff-only table), parameter and code errors,
and a ``limitTo`` service."""

from __future__ import annotations

import io
import time

import pytest
import requests
from astropy.io.votable import parse_single_table
from lxml import etree

from tests.servers import add_accounts, start_server, stop_server

UWS_NS = "{http://www.ivoa.net/xml/UWS/v1.0}"
RD = r"""<resource schema="pycore">
  <meta name="title">pythonCore tests</meta>
  <table id="secrets" onDisk="True" adql="True" readGroups="staff">
    <column name="word" type="text"/>
  </table>
  <data id="import">
    <sources pattern="secrets.csv"/>
    <csvGrammar/>
    <make table="secrets"/>
  </data>

  <service id="powers" allowed="api,uws.xml">
    <meta name="title">Powers of a complex number</meta>
    <pythonCore>
      <inputTable>
        <inputKey name="opre" type="real" description="Operand, real part"
          required="True"/>
        <inputKey name="opim" type="real" description="Operand, imaginary part"
          required="True"/>
        <inputKey name="powers" type="integer" description="Powers to compute"
          multiplicity="multiple"/>
      </inputTable>
      <outputTable>
        <outputField name="re" type="double precision" description="Result, real part"/>
        <outputField name="im" type="double precision" description="Result, imaginary part"/>
        <outputField name="log" type="double precision"
          description="real part of logarithm of result"/>
      </outputTable>
      <coreProc>
        <setup imports="cmath"/>
        <code>
          powers = inputTable.args["powers"]
          if not powers:
            powers = [1, 2]
          op = complex(inputTable.args["opre"], inputTable.args["opim"])
          if op == 0:
            raise base.ValidationError("the operand must not be zero", "opre")
          rows = []
          for p in powers:
            val = op**p
            rows.append({"re": val.real, "im": val.imag, "log": cmath.log(val).real})
          return rsc.TableForDef(self.outputTable, rows=rows)
        </code>
      </coreProc>
    </pythonCore>
  </service>

  <service id="files" allowed="uws.xml">
    <pythonCore>
      <inputTable>
        <inputKey name="text" type="text" description="What to write"
          required="True"/>
      </inputTable>
      <coreProc>
        <code>
          with inputTable.job.getWritable() as wjob:
            wjob.addResult(inputTable.args["text"].upper(), "text/plain", "loud.txt")
          return ("text/plain", inputTable.args["text"])
        </code>
      </coreProc>
    </pythonCore>
  </service>

  <service id="words" allowed="api,uws.xml">
    <pythonCore>
      <coreProc>
        <code>
          with base.getTableConn() as conn:
            words = [r[0] for r in conn.query("SELECT word FROM \schema.secrets"
              " ORDER BY word")]
          return ("text/plain", ",".join(words) or "(none)")
        </code>
      </coreProc>
    </pythonCore>
  </service>

  <service id="broken" allowed="api">
    <pythonCore>
      <coreProc>
        <code>
          return 1 / 0
        </code>
      </coreProc>
    </pythonCore>
  </service>

  <service id="staffonly" allowed="api,uws.xml" limitTo="staff">
    <pythonCore>
      <coreProc>
        <code>
          return ("text/plain", "for staff")
        </code>
      </coreProc>
    </pythonCore>
  </service>
</resource>
"""
STAFF = ("alice", "alice-password")


@pytest.fixture(scope="module")
def site(pg_cluster, tmp_path_factory):
    home = tmp_path_factory.mktemp("pycore")
    resdir = home / "inputs" / "pc"
    resdir.mkdir(parents=True)
    (resdir / "q.rd").write_text(RD)
    (resdir / "secrets.csv").write_text("word\nswordfish\nopen-sesame\n")
    server = start_server(pg_cluster.dsn, home, "pycore", inputs=home / "inputs",
                          imports=("pc/q",))
    add_accounts(server, {STAFF[0]: STAFF[1]}, {STAFF[0]: "staff"})
    yield server
    stop_server(server, pg_cluster.dsn, "pycore")


def run_job(site, service: str, params: dict, auth=None) -> tuple[str, str]:
    """Create and run a job; its URL and final phase."""
    base = f"{site.url}/pc/q/{service}/uws.xml"
    created = requests.post(base, data={**params, "PHASE": "RUN"}, auth=auth,
                            allow_redirects=False, timeout=60)
    assert created.status_code == 303, created.text
    url = created.headers["location"]
    for _ in range(300):
        phase = requests.get(url + "/phase", auth=auth, timeout=60).text.strip()
        if phase in ("COMPLETED", "ERROR", "ABORTED"):
            return url, phase
        time.sleep(0.1)
    raise AssertionError(f"the job {url} did not end")


def test_api_answers_the_computation_as_a_votable(site):
    response = requests.get(f"{site.url}/pc/q/powers/api", timeout=60,
                            params={"opre": "1", "opim": "1", "powers": ["2", "3"]})
    assert response.status_code == 200, response.text
    table = parse_single_table(io.BytesIO(response.content)).to_table()
    assert list(table["re"]) == pytest.approx([0.0, -2.0])
    assert list(table["im"]) == pytest.approx([2.0, 2.0])
    csv = requests.get(f"{site.url}/pc/q/powers/api", timeout=60, params={
        "opre": "2", "opim": "0", "RESPONSEFORMAT": "csv"})
    assert csv.text.splitlines()[0] == "re,im,log"


def test_a_uws_job_computes_the_same(site):
    url, phase = run_job(site, "powers", {"opre": "1", "opim": "1", "powers": "2"})
    assert phase == "COMPLETED"
    results = etree.fromstring(requests.get(url + "/results", timeout=60).content)
    hrefs = [r.get("{http://www.w3.org/1999/xlink}href")
             for r in results.iter(UWS_NS + "result")]
    assert len(hrefs) == 1
    table = parse_single_table(io.BytesIO(requests.get(hrefs[0], timeout=60).content))
    assert list(table.array["re"]) == pytest.approx([0.0])
    # The job's parameters are the request's.
    parameters = etree.fromstring(requests.get(url + "/parameters", timeout=60).content)
    assert {p.get("id"): p.text for p in parameters.iter(UWS_NS + "parameter")}["opre"] \
        == "1"


def test_a_job_adds_results_of_its_own(site):
    url, phase = run_job(site, "files", {"text": "hello"})
    assert phase == "COMPLETED"
    assert requests.get(url + "/results/result", timeout=60).text == "hello"
    loud = requests.get(url + "/results/loud.txt", timeout=60)
    assert loud.text == "HELLO" and loud.headers["content-type"].startswith("text/plain")


def test_bad_parameters_are_400_at_once_and_an_error_of_the_job(site):
    missing = requests.get(f"{site.url}/pc/q/powers/api", timeout=60, params={"opre": "1"})
    assert missing.status_code == 400 and "opim is required" in missing.text
    typed = requests.get(f"{site.url}/pc/q/powers/api", timeout=60,
                         params={"opre": "one", "opim": "1"})
    assert typed.status_code == 400 and "opre must be of type real" in typed.text
    zero = requests.get(f"{site.url}/pc/q/powers/api", timeout=60,
                        params={"opre": "0", "opim": "0"})
    assert zero.status_code == 400 and "must not be zero" in zero.text
    url, phase = run_job(site, "powers", {"opre": "1"})
    assert phase == "ERROR"
    error = requests.get(url + "/error", timeout=60).text
    assert "opim is required" in error


def test_a_failing_core_is_reported_without_a_traceback(site):
    response = requests.get(f"{site.url}/pc/q/broken/api", timeout=60)
    assert response.status_code == 500
    assert "the service's code failed" in response.text
    assert "Traceback" not in response.text and "ZeroDivision" not in response.text


def test_the_core_queries_as_the_caller(site):
    api = f"{site.url}/pc/q/words/api"
    assert requests.get(api, timeout=60).text == "(none)"
    assert requests.get(api, auth=STAFF, timeout=60).text == "open-sesame,swordfish"
    _, phase = run_job(site, "words", {})
    url, staff_phase = run_job(site, "words", {}, auth=STAFF)
    assert phase == staff_phase == "COMPLETED"
    assert requests.get(url + "/results/result", auth=STAFF, timeout=60).text == \
        "open-sesame,swordfish"


def test_a_limited_service_asks_for_credentials(site):
    base = f"{site.url}/pc/q/staffonly"
    assert requests.get(base + "/api", timeout=60).status_code == 401
    assert requests.post(base + "/uws.xml", data={}, timeout=60,
                         allow_redirects=False).status_code == 401
    assert requests.get(base + "/api", auth=STAFF, timeout=60).text == "for staff"
    _, phase = run_job(site, "staffonly", {}, auth=STAFF)
    assert phase == "COMPLETED"


def test_the_capabilities_name_the_parameters(site):
    caps = etree.fromstring(requests.get(f"{site.url}/pc/q/powers/capabilities",
                                         timeout=60).content)
    standards = {c.get("standardID") for c in caps.iter("capability")}
    assert "ivo://ivoa.net/std/UWS#async-1.1" in standards
    names = {p.text for p in caps.iter("name")}
    assert {"opre", "opim", "powers"} <= names
