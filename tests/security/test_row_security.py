"""Rows and tables the database itself withholds: the query role and row-level security.

The server serves tests/security/rowsec_inputs (observations whose rows are
proprietary until their release date, for the group in their project column,
published into ivoa.obscore) beside tests/web/restricted_inputs (a table only
the group "staff" may read).  ``alice`` is in staff, ``bob`` in no group.
Each test asks through a protocol (TAP sync and async, uploads, cone search,
ivoa.obscore, TAP_SCHEMA) or, to show the database holds the line even if
the translator did not, straight through psycopg2 as the query role.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest
import requests

from engine.db.rowsecurity import QUERY_ROLE
from rd.errors import DRError
from rd.loader import load_rd_file
from tests.servers import Server, add_accounts, start_server, stop_server
from tests.support import run_dr, wait_until

HERE = Path(__file__).parent
PASSWORDS = {"alice": "alice-password", "bob": "bob-password"}
RELEASED = {"RELEASED-OLD", "RELEASED-NODATE"}
EMBARGOED = {"EMBARGOED-ALICE", "EMBARGOED-STAFF", "EMBARGOED-NOBODY"}
# What each caller sees of release.obs.
SEES = {None: RELEASED, "bob": RELEASED,
        "alice": RELEASED | {"EMBARGOED-ALICE", "EMBARGOED-STAFF"}}
SECRET_ROWS = ("Hidden Quasar", "SECRET-TABLE-DESCRIPTION")


@dataclass
class Site:
    server: Server
    inputs: Path


@pytest.fixture(scope="module")
def site(pg_cluster, tmp_path_factory) -> Iterator[Site]:
    home = tmp_path_factory.mktemp("rowsec")
    inputs = home / "inputs"
    shutil.copytree(HERE.parent / "web" / "restricted_inputs", inputs,
                    ignore=shutil.ignore_patterns("README"))
    shutil.copytree(HERE / "rowsec_inputs" / "release", inputs / "release")
    shutil.copytree(HERE / "rowsec_inputs" / "approvals", inputs / "approvals")
    server = start_server(pg_cluster.dsn, home, "security_rowsec",
                          imports=("secret", "release/q", "approvals/q"), inputs=inputs)
    add_accounts(server, PASSWORDS, {"alice": "staff"})
    yield Site(server, inputs)
    stop_server(server, pg_cluster.dsn, "security_rowsec")


def auth(user: str | None) -> dict[str, str]:
    if user is None:
        return {}
    raw = f"{user}:{PASSWORDS[user]}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode("ascii")}


def tap(site: Site, query: str, user: str | None = None, **more) -> requests.Response:
    return requests.post(site.server.url + "/tap/sync",
                         data={"LANG": "ADQL", "QUERY": query,
                               "RESPONSEFORMAT": "csv", **more.pop("data", {})},
                         headers=auth(user), timeout=60, **more)


def csv_rows(response: requests.Response) -> list[list[str]]:
    assert response.status_code == 200, response.text[:500]
    return [line.split(",") for line in response.text.strip().splitlines()[1:]]


@pytest.mark.parametrize("user", [None, "bob", "alice"])
def test_tap_returns_the_rows_under_embargo_only_to_their_owners(site, user):
    rows = csv_rows(tap(site, "SELECT obsid FROM release.obs", user))
    assert {r[0] for r in rows} == SEES[user]
    count = csv_rows(tap(site, "SELECT COUNT(*) FROM release.obs", user))
    assert int(count[0][0]) == len(SEES[user])


@pytest.mark.parametrize("user", [None, "alice"])
def test_ivoa_obscore_shows_the_same_rows(site, user):
    rows = csv_rows(tap(site, "SELECT obs_id FROM ivoa.obscore "
                              "WHERE obs_collection = 'ROWSEC'", user))
    assert {r[0] for r in rows} == SEES[user]


@pytest.mark.parametrize("user", [None, "bob", "alice"])
def test_a_cone_search_and_the_form_filter_the_same_rows(site, user):
    response = requests.get(site.server.url + "/release/q/cone/scs.xml",
                            params={"RA": 150.2, "DEC": 2, "SR": 1,
                                    "RESPONSEFORMAT": "votable/td"},
                            headers=auth(user), timeout=60)
    assert response.status_code == 200
    found = {name for name in RELEASED | EMBARGOED if name in response.text}
    assert found == SEES[user]
    form = requests.get(site.server.url + "/release/q/cone/form",
                        params={"hscs_pos": "150.2 2", "hscs_sr": 60}, headers=auth(user),
                        timeout=60)
    assert form.status_code == 200
    assert {name for name in RELEASED | EMBARGOED if name in form.text} == SEES[user]


def test_an_async_job_runs_with_its_owners_groups(site):
    url = site.server.url + "/tap/async"
    created = requests.post(url, data={"LANG": "ADQL", "RESPONSEFORMAT": "csv",
                                       "QUERY": "SELECT obsid FROM release.obs",
                                       "PHASE": "RUN"},
                            headers=auth("alice"), timeout=60, allow_redirects=False)
    assert created.status_code == 303
    job = created.headers["Location"]
    for _ in range(300):
        phase = requests.get(job + "/phase", headers=auth("alice"), timeout=60).text
        if phase in ("COMPLETED", "ERROR"):
            break
        time.sleep(0.1)
    assert phase == "COMPLETED"
    result = requests.get(job + "/results/result", headers=auth("alice"), timeout=60)
    assert {line for line in result.text.splitlines()[1:]} == SEES["alice"]
    # The job is alice's: bob and anonymous callers get nothing of it.
    for user in (None, "bob"):
        assert requests.get(job, headers=auth(user), timeout=60).status_code in (403, 404)
        assert requests.get(job + "/results/result", headers=auth(user),
                            timeout=60).status_code in (403, 404)
    listed = requests.get(url, headers=auth("bob"), timeout=60).text
    assert job.rsplit("/", 1)[1] not in listed


def test_the_restricted_table_is_in_tap_schema_only_for_its_group(site):
    for query in ("SELECT table_name FROM tap_schema.tables",
                  "SELECT DISTINCT table_name FROM tap_schema.columns",
                  "SELECT schema_name FROM tap_schema.schemas"):
        for user, listed in ((None, False), ("bob", False), ("alice", True)):
            names = {r[0] for r in csv_rows(tap(site, query, user))}
            assert any("secret" in n for n in names) == listed, (query, user, names)
            assert any("release" in n for n in names), (query, user)
    for user, listed in ((None, False), ("bob", False), ("alice", True)):
        tables = requests.get(site.server.url + "/tap/tables", headers=auth(user),
                              timeout=60).text
        assert ("secret.objects" in tables) == listed
        assert "release.obs" in tables


def test_the_restricted_table_answers_its_group_through_tap(site):
    rows = csv_rows(tap(site, "SELECT name FROM secret.objects", "alice"))
    assert "Hidden Quasar" in {r[0] for r in rows}


# Who reads the tables of approvals/q, which their sources' COLAPRV/PUBAPRV decide.
APPROVED_FOR = {None: {"released"}, "bob": {"released"}, "alice": {"released", "internal"}}


def readable_approval_tables(site: Site, user: str | None) -> set[str]:
    found = set()
    for name in ("internal", "released", "pending"):
        response = tap(site, f"SELECT galaxy FROM approvals.{name}", user)
        if response.status_code == 200:
            assert f"APPROVAL-{name.upper()}" in response.text
            found.add(name)
        else:
            assert response.status_code in (400, 401) and "approvals." in response.text
    return found


@pytest.mark.parametrize("user", [None, "bob", "alice"])
def test_the_approvals_in_its_sources_decide_who_reads_a_table(site, user):
    assert readable_approval_tables(site, user) == APPROVED_FOR[user]
    listed = {r[0] for r in csv_rows(tap(site, "SELECT table_name FROM tap_schema.tables "
                                               "WHERE table_name LIKE 'approvals.%'", user))}
    assert listed == {f"approvals.{name}" for name in APPROVED_FOR[user]}


def test_an_async_job_sees_the_approved_tables_of_its_owner(site):
    created = requests.post(site.server.url + "/tap/async",
                            data={"LANG": "ADQL", "RESPONSEFORMAT": "csv", "PHASE": "RUN",
                                  "QUERY": "SELECT galaxy FROM approvals.internal"},
                            headers=auth("alice"), timeout=60, allow_redirects=False)
    job = created.headers["Location"]
    assert wait_until(lambda: requests.get(job + "/phase", headers=auth("alice"),
                                           timeout=60).text in ("COMPLETED", "ERROR"))
    result = requests.get(job + "/results/result", headers=auth("alice"), timeout=60)
    assert "APPROVAL-INTERNAL" in result.text


def test_a_new_approval_takes_effect_with_the_next_import(site):
    source = site.inputs / "approvals" / "data" / "pending.csv"
    original = source.read_text()

    def reimport_and_reload(text: str) -> None:
        source.write_text(text)
        result = run_dr("imp", "approvals/q", "import_pending", config=site.server.config)
        assert result.returncode == 0, result.stderr
        assert run_dr("serve", "reload", config=site.server.config).returncode == 0

    try:
        reimport_and_reload(original.replace("# COLAPRV: None", "# COLAPRV: Board"))
        assert wait_until(lambda: "pending" in readable_approval_tables(site, "alice"))
        assert readable_approval_tables(site, None) == APPROVED_FOR[None]
    finally:
        reimport_and_reload(original)
    assert wait_until(lambda: readable_approval_tables(site, "alice")
                      == APPROVED_FOR["alice"])


def test_an_anonymous_query_of_a_table_it_cannot_see_is_challenged(site):
    """Unknown and restricted tables alike: the 401 names the table, asks for
    credentials and leaks nothing of what exists."""
    answers = [tap(site, f"SELECT * FROM {name}") for name in ("secret.objects",
                                                               "secret.nosuch")]
    for response in answers:
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Basic")
        assert "send your credentials" in response.text
    assert [r.text.replace("nosuch", "objects") for r in answers[1:]] == [answers[0].text]
    assert tap(site, "SELECT * FROM secret.nosuch", "bob").status_code == 400


@pytest.mark.skipif(shutil.which("stilts") is None, reason="needs STILTS (Debian stilts)")
def test_stilts_tapquery_logs_in_with_basic_credentials_when_challenged(site):
    """As TOPCAT does: Java sends the credentials it was given after a 401."""
    def tapquery(*props: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["stilts", *props, "tapquery", f"tapurl={site.server.url}/tap", "sync=true",
             "adql=SELECT name FROM secret.objects", "ofmt=csv"],
            capture_output=True, text=True, timeout=180)

    done = tapquery("-Dstar.basicauth.user=alice",
                    f"-Dstar.basicauth.password={PASSWORDS['alice']}")
    assert done.returncode == 0, done.stderr
    assert "Hidden Quasar" in done.stdout
    done = tapquery("-Dstar.basicauth.user=bob",
                    f"-Dstar.basicauth.password={PASSWORDS['bob']}")
    assert done.returncode != 0 and "Hidden Quasar" not in done.stdout
    assert "unknown table secret.objects" in done.stderr


ATTEMPTS = [
    "SELECT * FROM secret.objects",
    "SELECT o.obsid, s.name FROM release.obs AS o JOIN secret.objects AS s "
    "ON 1 = CONTAINS(POINT('ICRS', o.ra, o.dec), CIRCLE('ICRS', s.ra, s.dec, 10))",
    "SELECT obsid FROM release.obs WHERE obsid IN (SELECT name FROM secret.objects)",
    "SELECT obsid FROM release.obs WHERE EXISTS (SELECT 1 FROM secret.objects)",
    "SELECT obsid FROM release.obs UNION SELECT name FROM secret.objects",
    "SELECT COUNT(*), MAX(name) FROM secret.objects",
    "SELECT * FROM (SELECT name FROM secret.objects) AS t",
    "WITH s AS (SELECT name FROM secret.objects) SELECT * FROM s",
    "SELECT tablename FROM pg_catalog.pg_tables",
    "SELECT table_name FROM information_schema.tables",
    "SELECT name, password_hash FROM dc.users",
    "SELECT table_name, read_groups FROM dc.tables",
    "SELECT * FROM pg_authid",
    "SELECT set_config('dr.groups', 'staff', 1 = 1) FROM release.obs",
    "SELECT current_setting('dr.groups') FROM release.obs",
    "SELECT obsid FROM release.obs WHERE released > '2100-01-01'",
]


@pytest.mark.parametrize("query", ATTEMPTS)
def test_adql_never_reaches_what_the_caller_may_not_read(site, query):
    response = tap(site, query, "bob")
    body = response.text
    assert response.status_code in (200, 400), body[:500]
    assert not [s for s in (*SECRET_ROWS, *EMBARGOED, "argon2") if s in body], \
        (query, body[:500])
    if response.status_code == 200:  # only the last: bob's own rows, none embargoed
        assert "released" in query


def test_an_upload_joins_what_the_caller_may_read_and_nothing_more(site):
    votable = (b'<?xml version="1.0"?><VOTABLE version="1.4" '
               b'xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE><TABLE>'
               b'<FIELD name="want" datatype="char" arraysize="*"/><DATA><TABLEDATA>'
               + b"".join(b"<TR><TD>%s</TD></TR>" % n.encode()
                          for n in sorted(RELEASED | EMBARGOED))
               + b"</TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>")
    query = ("SELECT u.want FROM TAP_UPLOAD.mine AS u JOIN release.obs AS o "
             "ON o.obsid = u.want")
    for user in (None, "alice"):
        response = requests.post(
            site.server.url + "/tap/sync",
            data={"LANG": "ADQL", "QUERY": query, "RESPONSEFORMAT": "csv",
                  "UPLOAD": "mine,param:table"},
            files={"table": ("mine.xml", votable)}, headers=auth(user), timeout=60)
        assert {r[0] for r in csv_rows(response)} == SEES[user]
    response = requests.post(
        site.server.url + "/tap/sync",
        data={"LANG": "ADQL", "RESPONSEFORMAT": "csv", "UPLOAD": "mine,param:table",
              "QUERY": "SELECT u.want FROM TAP_UPLOAD.mine AS u JOIN secret.objects "
                       "AS s ON s.name = u.want"},
        files={"table": ("mine.xml", votable)}, headers=auth("bob"), timeout=60)
    assert response.status_code == 400


# -- the database on its own ------------------------------------------------------------

@pytest.fixture
def as_query_role(site):
    """A psycopg2 cursor in a transaction running as the query role."""
    conn = psycopg2.connect(site.server.dsn)
    with conn.cursor() as cur:
        cur.execute(f"SET ROLE {QUERY_ROLE}")
        yield cur
    conn.rollback()
    conn.close()


@pytest.mark.parametrize("table", ["dc.users", "dc.tokens", "dc.tables", "dc.products",
                                   "uws.jobs", "pg_authid"])
def test_the_query_role_may_not_read_drs_own_tables(as_query_role, table):
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        as_query_role.execute(f"SELECT * FROM {table}")


def test_the_query_role_may_not_write_or_create_anything(as_query_role):
    cur = as_query_role
    for statement in ("DELETE FROM release.obs",
                      "UPDATE release.obs SET released = NULL",
                      "INSERT INTO release.obs (obsid, ra, dec) VALUES ('x', 1, 1)",
                      "CREATE TABLE release.mine (a int)",
                      "CREATE TABLE public.mine (a int)",
                      "TRUNCATE release.obs",
                      "ALTER TABLE release.obs DISABLE ROW LEVEL SECURITY"):
        cur.execute("SAVEPOINT attempt")
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            cur.execute(statement)
        cur.execute("ROLLBACK TO SAVEPOINT attempt")


def test_rows_follow_the_groups_set_in_the_transaction(as_query_role):
    cur = as_query_role

    def seen(groups: str) -> set[str]:
        cur.execute("SELECT set_config('dr.groups', %s, true)", (groups,))
        cur.execute("SELECT obsid FROM release.obs")
        return {row[0] for row in cur.fetchall()}

    assert seen("") == RELEASED
    assert seen("bob") == RELEASED
    assert seen("alice,staff") == SEES["alice"]
    cur.execute("SELECT set_config('dr.groups', '', true)")
    cur.execute("SELECT count(*) FROM secret.objects")
    assert cur.fetchone()[0] == 0  # named anyway: empty for those outside staff
    cur.execute("SELECT count(*) FROM tap_schema.tables WHERE table_name LIKE 'secret.%'")
    assert cur.fetchone()[0] == 0
    cur.execute("SELECT set_config('dr.groups', 'staff', true)")
    cur.execute("SELECT count(*) FROM secret.objects")
    assert cur.fetchone()[0] > 0


@pytest.mark.parametrize("condition", [
    # what cone searches and ADQL CONTAINS(POINT, CIRCLE) emit
    "spoint(radians(ra), radians(dec)) <@ scircle(spoint(radians(10), radians(20)), "
    "radians(0.5))",
    # ADQL CONTAINS(POINT, BOX)
    "spoint(radians(ra), radians(dec)) @ sbox '((0.1,0.2),(0.2,0.3))'",
])
def test_spatial_conditions_use_the_index_under_row_security(as_query_role, condition):
    """pg_sphere's predicates are LEAKPROOF (engine/db/leakproof.py): without that,
    PostgreSQL would not use the position index on a table with a row policy."""
    cur = as_query_role
    cur.execute("SELECT set_config('dr.groups', 'bob', true); "
                "SET LOCAL enable_seqscan = off")
    cur.execute(f"EXPLAIN (FORMAT JSON) SELECT obsid FROM release.obs WHERE {condition}")
    plan = json.dumps(cur.fetchone()[0])
    assert "Index Cond" in plan, plan


# -- declarations ---------------------------------------------------------------------

def _rd(tmp_path: Path, table_attrs: str) -> None:
    path = tmp_path / "q.rd"
    path.write_text(f"""<resource schema="x"><table id="t" onDisk="True" {table_attrs}>
        <column name="released" type="date"/><column name="owner" type="text"/>
        <column name="n" type="integer"/></table></resource>""")
    load_rd_file(path, "x/q")


@pytest.mark.parametrize("attrs, words", [
    ('ownerColumn="owner"', "needs an embargoColumn"),
    ('embargoColumn="nosuch"', "'nosuch' is not a column"),
    ('embargoColumn="n"', "must be of type date or timestamp"),
    ('embargoColumn="released" ownerColumn="n"', "must be of type text"),
])
def test_bad_embargo_declarations_are_named(tmp_path, attrs, words):
    with pytest.raises(DRError, match=words) as caught:
        _rd(tmp_path, attrs)
    assert "q.rd" in str(caught.value)


def test_a_table_has_read_groups_or_an_approval_group_not_both(tmp_path):
    with pytest.raises(DRError, match="readGroups or approvalGroup, not both"):
        _rd(tmp_path, 'readGroups="a" approvalGroup="b"')
