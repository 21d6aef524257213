"""The provenance schema through TAP (ProvTAP draft tables over DR's import records,
engine/provenance): an import is an activity that used its source files (with
their SHA-256) and generated its tables, associated with its operator and DR;
a table is derived from the files its rows come from; what a caller may not
see of the data — a staff-only table, the file of a cube under embargo — is
not in the provenance either, for them.  pyvo queries it as anonymous, as a
user outside the group and as one in it."""

from __future__ import annotations

import hashlib
import shutil

import pytest
import pyvo
import requests

from tests.servers import INPUTS, add_accounts, ensure_demo_data, start_server, stop_server

RESTRICTED = INPUTS.parent / "tests" / "web" / "restricted_inputs"
PI = ("pi", "jcmt-demo")
OTHER = ("bob", "bob-password")
DR21 = "jcmt_20150108_00017_DR21_reduced.fits"


@pytest.fixture(scope="module")
def site(pg_cluster, tmp_path_factory):
    """jcmt (a proprietary DR21 cube), secret (a staff-only table) and
    archive/open (public), imported from copies."""
    ensure_demo_data()
    home = tmp_path_factory.mktemp("provenance")
    inputs = home / "inputs"
    shutil.copytree(RESTRICTED, inputs, ignore=shutil.ignore_patterns("README"))
    jcmt = inputs / "jcmt"
    for path in (INPUTS / "jcmt" / "data").glob("*/*_reduced.fits"):
        (jcmt / "data" / path.parent.name).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, jcmt / "data" / path.parent.name)
    shutil.copy(INPUTS / "jcmt" / "q.rd", jcmt)
    server = start_server(pg_cluster.dsn, home, "provenance_tap", inputs=inputs,
                          imports=("archive/open", "secret", "jcmt"))
    add_accounts(server, {PI[0]: PI[1], OTHER[0]: OTHER[1], "alice": "alice-pw"},
                 {PI[0]: "m15bp042", "alice": "staff"})
    server.inputs = inputs
    yield server
    stop_server(server, pg_cluster.dsn, "provenance_tap")


def tap(site, auth=None) -> pyvo.dal.TAPService:
    session = requests.Session()
    if auth:
        session.auth = auth
    return pyvo.dal.TAPService(site.url + "/tap", session=session)


def rows(site, query: str, auth=None) -> list[dict]:
    table = tap(site, auth).run_sync(query).to_table()
    return [dict(zip(table.colnames, row)) for row in table]


def test_the_provenance_tables_are_in_tap(site):
    names = {r["table_name"] for r in rows(
        site, "SELECT table_name FROM tap_schema.tables WHERE schema_name = 'provenance'")}
    assert names == {f"provenance.{n}" for n in (
        "activity", "entity", "agent", "used", "wasgeneratedby", "wasderivedfrom",
        "wasassociatedwith", "parameter")}


def test_an_import_used_its_files_and_generated_its_table(site):
    generated = rows(site, "SELECT g.activity_id, a.name, a.start_time, a.end_time "
                     "FROM provenance.wasgeneratedby AS g JOIN provenance.activity AS a "
                     "ON a.id = g.activity_id WHERE g.entity_id = 'dr:table_openstars.main'")
    assert len(generated) == 1
    activity = generated[0]["activity_id"]
    assert generated[0]["name"] == "dr imp archive/open/q"
    used = rows(site, "SELECT e.name, e.content_sha256, e.content_size FROM "
                "provenance.used AS u JOIN provenance.entity AS e ON e.id = u.entity_id "
                f"WHERE u.activity_id = '{activity}'")
    source = site.inputs / "archive" / "open" / "data" / "stars.csv"
    assert used == [{"name": "data/stars.csv",
                     "content_sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
                     "content_size": source.stat().st_size}]
    derived = rows(site, "SELECT progenitor_id FROM provenance.wasderivedfrom "
                   "WHERE entity_id = 'dr:table_openstars.main'")
    assert len(derived) == 1
    agents = rows(site, "SELECT w.role, g.type, g.name FROM provenance.wasassociatedwith "
                  "AS w JOIN provenance.agent AS g ON g.id = w.agent_id "
                  f"WHERE w.activity_id = '{activity}' ORDER BY w.role")
    assert [(a["role"], a["type"]) for a in agents] == [("operator", "Person"),
                                                        ("software", "SoftwareAgent")]
    assert agents[1]["name"].startswith("DR ")


def test_a_staff_only_table_has_provenance_for_staff_only(site):
    query = ("SELECT id FROM provenance.entity WHERE id = 'dr:table_secret.objects' "
             "OR name LIKE '%secret%'")
    activities = "SELECT id FROM provenance.activity WHERE rd_id = 'secret/q'"
    for auth in (None, OTHER):
        assert rows(site, query, auth) == [] and rows(site, activities, auth) == []
    assert [r["id"] for r in rows(site, query, ("alice", "alice-pw"))] == \
        ["dr:table_secret.objects"]
    assert len(rows(site, activities, ("alice", "alice-pw"))) == 1


def test_the_file_of_an_embargoed_cube_is_its_projects(site):
    query = ("SELECT e.name FROM provenance.wasderivedfrom AS d JOIN provenance.entity "
             "AS e ON e.id = d.progenitor_id WHERE d.entity_id = 'dr:table_jcmt.cubes'")
    public = {r["name"].split("/")[-1] for r in rows(site, query)}
    assert len(public) == 5 and DR21 not in public
    assert DR21 not in {r["name"].split("/")[-1] for r in rows(
        site, "SELECT name FROM provenance.entity", OTHER)}
    assert {r["name"].split("/")[-1] for r in rows(site, query, PI)} == public | {DR21}


def document(site, ident: str, fmt: str = "json", auth=None) -> requests.Response:
    return requests.get(site.url + "/provenance", timeout=60, auth=auth,
                        params={"ID": ident, "RESPONSEFORMAT": fmt})


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_prov_document_of_a_table_reads_with_a_prov_library(site, fmt):
    from prov.model import ProvDocument

    response = document(site, "dr:table_openstars.main", fmt)
    assert response.status_code == 200, response.text
    doc = ProvDocument.deserialize(content=response.text, format=fmt)
    kinds = {}
    for record in doc.get_records():
        if record.identifier is not None:
            kinds.setdefault(record.get_type().localpart, set()).add(
                record.identifier.uri)
        else:
            kinds.setdefault(record.get_type().localpart, set())
    namespace = site.url + "/provenance?ID=dr:"
    assert namespace + "table_openstars.main" in kinds["Entity"]
    assert any(i.startswith(namespace + "import_") for i in kinds["Activity"])
    assert len(kinds["Agent"]) == 2
    for relation in ("Usage", "Generation", "Derivation", "Association"):
        assert relation in kinds, relation
    # Every identifier is the URL of its own document.
    entity = next(i for i in kinds["Entity"] if "source_" in i)
    assert requests.get(entity, timeout=60).status_code == 200


def test_a_products_provenance_is_its_projects_while_embargoed(site):
    from prov.model import ProvDocument

    accref = f"jcmt/data/20150108/{DR21}"
    assert document(site, accref).status_code == 404
    assert document(site, accref, auth=OTHER).status_code == 404
    response = document(site, accref, auth=PI)
    assert response.status_code == 200
    doc = ProvDocument.deserialize(content=response.text, format="json")
    labels = {str(v) for r in doc.get_records() for k, v in r.attributes
              if k.localpart == "label"}
    assert f"data/20150108/{DR21}" in labels and "dr imp jcmt/q" in labels


def test_datalink_links_a_product_to_its_provenance(site):
    did = "ivo://dr.example.org/~?jcmt/data/20150106/jcmt_20150106_00014_NGC1333_reduced.fits"
    links = pyvo.dal.adhoc.DatalinkResults.from_result_url(
        site.url + "/datalink/dlmeta?ID=" + requests.utils.quote(did, safe=""))
    progenitor = [r for r in links if r.semantics == "#progenitor"]
    assert len(progenitor) == 1
    response = requests.get(progenitor[0].access_url, timeout=60)
    assert response.status_code == 200
    assert "jcmt_20150106_00014_NGC1333_reduced.fits" in response.text


@pytest.mark.parametrize("query, status", [
    ("", 400), ("ID=dr:table_openstars.main&RESPONSEFORMAT=votable", 400),
    ("ID=dr:table_openstars.main&DEPTH=9", 400), ("ID=dr:table_nothing.here", 404),
    ("ID=dr:table_secret.objects", 404),
])
def test_bad_requests_are_answered_in_words(site, query, status):
    response = requests.get(f"{site.url}/provenance?{query}", timeout=60)
    assert response.status_code == status and "Traceback" not in response.text


def test_a_uws_job_is_its_owners_activity(site):
    query = "SELECT TOP 2 name FROM openstars.main"
    job = tap(site, OTHER).submit_job(query, language="ADQL")
    job.run()
    job.wait(phases=["COMPLETED", "ERROR"], timeout=60)
    assert job.phase == "COMPLETED"
    activity = f"dr:job_{job.job_id}"
    mine = rows(site, "SELECT id, name, type FROM provenance.activity WHERE type = 'job'",
                OTHER)
    assert {"id": activity, "name": "tap", "type": "job"} in mine
    parameters = {r["name"].upper(): r["param_value"] for r in rows(
        site, f"SELECT name, param_value FROM provenance.parameter WHERE activity_id = "
              f"'{activity}'", OTHER)}
    assert parameters["QUERY"] == query
    made = rows(site, "SELECT e.name, e.type FROM provenance.wasgeneratedby AS g JOIN "
                "provenance.entity AS e ON e.id = g.entity_id WHERE g.activity_id = "
                f"'{activity}'", OTHER)
    assert made == [{"name": "result", "type": "result"}]
    owner = rows(site, "SELECT agent_id FROM provenance.wasassociatedwith WHERE "
                 f"activity_id = '{activity}'", OTHER)
    assert owner == [{"agent_id": "dr:account_bob"}]
    # Nobody else knows of it, in TAP or as a PROV document.
    for auth in (None, PI):
        assert rows(site, "SELECT id FROM provenance.activity WHERE type = 'job'",
                    auth) == []
        assert rows(site, "SELECT activity_id FROM provenance.parameter", auth) == []
        assert document(site, activity, auth=auth).status_code == 404
    assert document(site, activity, auth=OTHER).status_code == 200


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_jobs_prov_document_has_its_parameters(site, fmt):
    from prov.model import ProvDocument

    query = "SELECT TOP 1 name FROM openstars.main"
    job = tap(site, OTHER).submit_job(query, language="ADQL", maxrec=5)
    job.run()
    job.wait(phases=["COMPLETED", "ERROR"], timeout=60)
    response = document(site, f"dr:job_{job.job_id}", fmt, auth=OTHER)
    assert response.status_code == 200, response.text
    doc = ProvDocument.deserialize(content=response.text, format=fmt)
    activity = next(r for r in doc.get_records()
                    if r.identifier is not None and r.identifier.localpart.endswith(
                        f"job_{job.job_id}"))
    given = {k.localpart.lower(): str(v) for k, v in activity.attributes
             if k.localpart.startswith("param_")}
    assert given["param_query"] == query
    assert given["param_lang"] == "ADQL" and given["param_maxrec"] == "5"
