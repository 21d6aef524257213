"""Who gets what restricted thing, in every protocol DR serves: the access matrix.

The cells are made from the router's own lists (SERVICE_RENDERERS,
TAP_ENDPOINTS, SITE_PAGES), so a renderer or page added later without a cell
here fails :func:`test_every_endpoint_has_a_cell`.  Each cell probes a
restricted table, service or product anonymously, as ``bob`` (not in the
group ``staff``) and as ``alice`` (in it), and names the status each gets and
a marker string of the restricted data that only those allowed may see; its
public counterpart is probed anonymously and must never ask for credentials.
Protocols that do not honour accounts yet (access.HONOURS_ACCOUNTS) withhold
from alice too.

The server serves tests/security/access_inputs (vault: restricted images and
services over them), tests/web/restricted_inputs (a restricted table, a
limitTo service, public neighbours) and the demo's jplus/images (public files
in ivoa.obscore), on loopback.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest
import requests
from astropy.io import fits

from engine import accounts
from engine.web import access
from engine.web.routes import SERVICE_RENDERERS, SITE_PAGES, TAP_ENDPOINTS
from tests.servers import INPUTS, Server, ensure_demo_data, start_server, stop_server

HERE = Path(__file__).parent
RESTRICTED_INPUTS = HERE.parent / "web" / "restricted_inputs"
PASSWORDS = {"alice": "alice-pässword", "bob": "bob-password"}
DID = "ivo://dr.example.org/~?"
VOTABLE = "application/x-votable+xml"


@dataclass
class Site:
    server: Server
    images: list[str]           # accrefs of the restricted images
    public_image: str           # accref of a public one
    pos: str                    # SIA 1 POS of the first restricted image
    tokens: dict[str, str]      # user -> bearer token


@pytest.fixture(scope="module")
def matrix_site(pg_cluster, tmp_path_factory) -> Iterator[Site]:
    ensure_demo_data()
    home = tmp_path_factory.mktemp("access")
    inputs = home / "inputs"
    shutil.copytree(RESTRICTED_INPUTS, inputs, ignore=shutil.ignore_patterns("README"))
    shutil.copytree(HERE / "access_inputs" / "vault", inputs / "vault")
    (inputs / "jplus").mkdir()
    shutil.copy(INPUTS / "jplus" / "images.rd", inputs / "jplus" / "images.rd")
    originals = sorted((INPUTS / "jplus" / "data" / "images").glob("*.fits.gz"))[:3]
    for where, files in (("jplus/data/images", originals), ("vault/data", originals[:2])):
        (inputs / where).mkdir(parents=True)
        for original in files:
            shutil.copy(original, inputs / where / original.name)
    header = fits.getheader(originals[0])
    server = start_server(pg_cluster.dsn, home, "security_access",
                          imports=("archive/open", "secret", "jplus/images", "vault",
                                   "vault/spectra"),
                          inputs=inputs)
    conn = psycopg2.connect(server.dsn)
    with conn.cursor() as cur:
        for user, password in PASSWORDS.items():
            accounts.add_user(cur, user, password)
        accounts.add_to_group(cur, "alice", "staff")
        tokens = {user: accounts.make_token(cur, user, "matrix").secret
                  for user in PASSWORDS}
    conn.commit()
    conn.close()
    yield Site(server, [f"vault/data/{o.name}" for o in originals[:2]],
               f"jplus/data/images/{originals[2].name}",
               f"{header['CRVAL1']},{header['CRVAL2']}", tokens)
    stop_server(server, pg_cluster.dsn, "security_access")


@pytest.fixture
def site(matrix_site) -> Site:
    """The module's site, with the wrong passwords of earlier tests forgotten.

    After failed checks from an address the server delays its next ones (up to
    4 s, engine/accounts/backoff.py); every test asks from 127.0.0.1, so each
    would otherwise wait for failures not its own.  A successful check forgets
    them: a token made just now, which the server cannot have remembered.
    """
    conn = psycopg2.connect(matrix_site.server.dsn)
    with conn.cursor() as cur:
        secret = accounts.make_token(cur, "bob", "forgetting failures").secret
    conn.commit()
    conn.close()
    assert get(matrix_site, "/", {"Authorization": f"Bearer {secret}"}).status_code == 200
    return matrix_site


def basic(user: str, password: str | None = None) -> dict[str, str]:
    raw = f"{user}:{password or PASSWORDS[user]}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode("ascii")}


def get(site: Site, path: str, headers: dict | None = None,
        method: str = "GET") -> requests.Response:
    return requests.request(method, site.server.url + path, headers=headers or {},
                            timeout=60, allow_redirects=False)


@dataclass(frozen=True)
class Cell:
    """One endpoint: the restricted probe, what each caller gets, the marker only
    the allowed may see; the public probe (anonymous, never a 401)."""

    restricted: str | None      # a path (formatted with the Site), None: nothing to hide
    anonymous: int
    wrong: int
    right: int
    marker: str | None          # in the body for alice where right is 200
    public: str | None
    public_status: int = 200


HONOURED = (401, 403, 200)
WITHHELD = (403, 403, 403)
SIA_POS = "/vault/q/web/siap.xml?POS={pos}&SIZE=0.5"
CELLS: dict[str, Cell] = {
    # Service renderers: /<rd>/<service>/<renderer>.
    "form": Cell("/vault/q/web/form", *HONOURED, "VAULT-SIA-TITLE",
                 "/archive/open/q/cone/form"),
    "qp": Cell("/vault/q/page/qp/", *HONOURED, "vault.images", "/archive/open/q/page/qp/"),
    "scs.xml": Cell("/secret/q/cone/scs.xml?RA=150&DEC=2&SR=1&RESPONSEFORMAT=votable/td",
                    *HONOURED,
                    "Hidden Quasar", "/archive/open/q/cone/scs.xml?RA=10&DEC=20&SR=1"),
    "api": Cell("/vault/q/web/api?RESPONSEFORMAT=votable/td&MAXREC=10", *HONOURED,
                "VAULT-IMAGE", "/archive/open/q/cone/api?RA=10&DEC=20&SR=1"),
    "siap.xml": Cell(SIA_POS, *HONOURED, "VAULT-IMAGE",
                     "/jplus/images/web/siap.xml?POS={pos}&SIZE=0.5"),
    "siap2.xml": Cell("/vault/q/sia2/siap2.xml?MAXREC=50&RESPONSEFORMAT=votable/td",
                      *HONOURED, "VAULT-IMAGE",
                      "/__system__/siap2/sitewide/siap2.xml?MAXREC=5"),
    "availability": Cell("/vault/q/web/availability", *HONOURED, "available>true",
                         "/archive/open/q/cone/availability"),
    "capabilities": Cell("/vault/q/web/capabilities", *HONOURED, "vault/q/web/siap.xml",
                         "/archive/open/q/cone/capabilities"),
    "tables": Cell("/vault/q/web/tables", *HONOURED, "vault.images",
                   "/archive/open/q/cone/tables"),
    "tableMetadata": Cell("/vault/q/web/tableMetadata", *HONOURED, "vault.images",
                          "/archive/open/q/cone/tableMetadata"),
    "dlmeta": Cell("/vault/q/dl/dlmeta?ID={did0}", *HONOURED, "getproduct/vault",
                   "/vault/q/pubdl/dlmeta?ID={public_did}"),
    # A circle around the whole sky: alice gets the whole image, cut (FITS).
    "dlget": Cell("/vault/q/dl/dlget?ID={did0}&CIRCLE=0+0+180", *HONOURED, "SIMPLE",
                  "/vault/q/pubdl/dlget?ID={public_did}", 302),
    "dlasync": Cell("/vault/q/dl/dlasync", *HONOURED, "jobs", "/vault/q/pubdl/dlasync"),
    "uws.xml": Cell("/vault/spectra/staffjobs/uws.xml", *HONOURED, "jobs",
                    "/vault/spectra/openjobs/uws.xml"),
    # TAP: restricted tables do not exist for those outside the group (a 400 naming
    # no such table, never a 403 that would tell it exists); anonymous callers get
    # a 401 asking for credentials, as for a table that does not exist at all.
    "tap": Cell("/tap", 200, 200, 200, "vault.images", "/tap"),
    "tap/sync": Cell("/tap/sync?LANG=ADQL&QUERY=SELECT+*+FROM+vault.images"
                     "&RESPONSEFORMAT=votable/td", 401, 400, 200, "VAULT-IMAGE",
                     "/tap/sync?LANG=ADQL&QUERY=SELECT+TOP+1+*+FROM+openstars.main"),
    "tap/capabilities": Cell("/tap/capabilities", 200, 200, 200, None,
                             "/tap/capabilities"),
    "tap/availability": Cell("/tap/availability", 200, 200, 200, None,
                             "/tap/availability"),
    "tap/tables": Cell("/tap/tables", 200, 200, 200, "vault.images", "/tap/tables"),
    "tap/examples": Cell("/tap/examples", 200, 200, 200, None, "/tap/examples"),
    "search": Cell("/search/secret/q", *HONOURED, "secret.objects",
                   "/search/archive/open/q"),
    "tap/console": Cell("/tap/console", 200, 200, 200, "vault.images", "/tap/console"),
    "tap/async": Cell("/tap/async", 200, 200, 200, None, "/tap/async"),
    # Site pages.
    "": Cell("/", 200, 200, 200, "VAULT-SIA-TITLE", "/"),
    "static": Cell(None, 0, 0, 0, None, "/static/dr.css"),
    # The registry describes resources, restricted ones too; it serves no data.
    "oai.xml": Cell(None, 0, 0, 0, None, "/oai.xml?verb=Identify"),
    "registry": Cell(None, 0, 0, 0, None, "/registry"),
    "ssap.xml": Cell("/vault/spectra/staffssa/ssap.xml?REQUEST=queryData&POS=150,2&SIZE=1",
                     *HONOURED, "VAULT-STAR-1",
                     "/vault/spectra/openssa/ssap.xml?REQUEST=queryData&POS=150,2&SIZE=1"),
    "tableinfo": Cell("/tableinfo/vault.images", *HONOURED, "VAULT-TABLE-DESCRIPTION",
                      "/tableinfo/openstars.main"),
    "getproduct": Cell("/getproduct/{image0}", *HONOURED, None,  # gzip: see curl below
                       "/getproduct/{public_image}"),
    "getproduct?preview": Cell("/getproduct/{image0}?preview=True", *HONOURED, "PNG",
                               "/getproduct/{public_image}?preview=True"),
    # Site-wide links: a NotFoundFault row for those who may not have the file.
    "datalink": Cell("/datalink/dlmeta?ID={did0}", 200, 200, 200, "getproduct/vault",
                     "/datalink/dlmeta?ID={public_did}"),
    # Provenance of a restricted table is unknown to those who may not read it.
    "provenance": Cell("/provenance?ID=dr:table_vault.images", 404, 404, 200,
                       "table_vault.images", "/provenance?ID=dr:table_openstars.main"),
    "login": Cell(None, 0, 0, 0, None, "/login"),
    "logout": Cell(None, 0, 0, 0, None, "/logout"),
}
# What no one without the right may ever see, whatever the cell (the vault RD has a
# public service, so its title and description are public).
SECRETS = ("VAULT-IMAGE", "VAULT-TABLE-DESCRIPTION", "VAULT-SIA-TITLE", "VAULT-DL-TITLE",
           "VAULT-SIA2-TITLE", "Hidden Quasar", "getproduct/vault",
           "SECRET-TABLE-DESCRIPTION", "VAULT-STAR", "VAULT-EMBARGOED-STAR",
           "VAULT-SPECTRA-TABLE", "VAULT-SSA-TITLE", "VAULT-JOBS-TITLE",
           "VAULT-COMPUTED")


def _path(site: Site, template: str) -> str:
    return template.format(pos=site.pos, image0=site.images[0],
                           public_image=site.public_image,
                           did0=requests.utils.quote(DID + site.images[0], safe=""),
                           public_did=requests.utils.quote(DID + site.public_image,
                                                           safe=""))


def _name(endpoint: str) -> str:
    return endpoint.split("/")[-1].split("?")[0] if endpoint.startswith("tap/") else \
        endpoint.split("?")[0]


def test_every_endpoint_has_a_cell():
    endpoints = ({*SERVICE_RENDERERS, "tap", "tap/async", ""}
                 | {f"tap/{name}" for name in TAP_ENDPOINTS} | set(SITE_PAGES))
    assert endpoints <= set(CELLS), f"no matrix cell for {endpoints - set(CELLS)}"
    # And each protocol either honours accounts or says why it withholds.
    for name in {*SERVICE_RENDERERS, "tap", *SITE_PAGES, ""}:
        assert (name in access.HONOURS_ACCOUNTS) != (name in access.WITHHOLDING_REASONS), \
            name


def _body(response: requests.Response) -> str:
    return response.content.decode("utf-8", "replace").replace("&#39;", "'")


@pytest.mark.parametrize("endpoint", sorted(CELLS))
def test_the_matrix(site, endpoint):
    cell = CELLS[endpoint]
    if cell.restricted is not None:
        path = _path(site, cell.restricted)
        for who, headers, expected in (("anonymous", {}, cell.anonymous),
                                       ("bob", basic("bob"), cell.wrong),
                                       ("alice", basic("alice"), cell.right)):
            response = get(site, path, headers)
            body = _body(response)
            assert response.status_code == expected, (who, path, body[:500])
            if expected == 401:
                challenges = response.headers["WWW-Authenticate"]
                assert 'Basic realm="DR", charset="UTF-8"' in challenges
                assert "Bearer" in challenges
            else:
                assert "WWW-Authenticate" not in response.headers, who
            if who == "alice" and expected == 200 and cell.marker:
                assert cell.marker in body, (who, path, body[:500])
            elif who != "alice" or cell.right != 200:
                leaked = [s for s in SECRETS if s in body]
                assert not leaked, (who, path, leaked)
    if cell.public is not None:
        path = _path(site, cell.public)
        for who, headers in (("anonymous", {}), ("bob", basic("bob"))):
            response = get(site, path, headers)
            assert response.status_code == cell.public_status, (who, path,
                                                                _body(response)[:500])
            assert "WWW-Authenticate" not in response.headers


def test_tap_shows_the_restricted_table_to_its_group_only(site):
    for path in ("/tap/tables", "/tap", "/tap/console"):
        for who, headers in (("anonymous", {}), ("bob", basic("bob"))):
            assert "vault.images" not in _body(get(site, path, headers)), (path, who)
        assert "vault.images" in _body(get(site, path, basic("alice"))), path
    response = get(site, "/tap/tables/vault.images", basic("bob"))
    assert response.status_code == 404 and "VAULT" not in _body(response)
    assert get(site, "/tap/tables/vault.images", basic("alice")).status_code == 200
    query = "/tap/sync?LANG=ADQL&QUERY=SELECT+COUNT(*)+FROM+vault.images"
    assert get(site, query, basic("bob")).status_code == 400
    assert get(site, query, basic("alice")).status_code == 200


def test_the_public_site_wide_sia2_shows_restricted_rows_to_their_group_only(site):
    path = "/__system__/siap2/sitewide/siap2.xml?MAXREC=100&RESPONSEFORMAT=votable/td"
    for who, headers in (("anonymous", {}), ("bob", basic("bob"))):
        body = _body(get(site, path, headers))
        assert "jplus/data/images" in body and "VAULT" not in body, who
    assert "VAULT-IMAGE" in _body(get(site, path, basic("alice")))


def test_messages_tell_anonymous_and_wrong_users_apart(site):
    anonymous = _body(get(site, "/tableinfo/vault.images"))
    assert "authenticate (HTTP Basic or a bearer token)" in anonymous
    wrong = _body(get(site, "/tableinfo/vault.images", basic("bob")))
    assert "the user bob is not in the group" in wrong


def test_scs_errors_stay_votables_for_401_and_403(site):
    path = "/secret/q/cone/scs.xml?RA=150&DEC=2&SR=1"
    for headers, status in (({}, 401), (basic("bob"), 403)):
        response = get(site, path, headers)
        assert response.status_code == status
        assert response.headers["Content-Type"].startswith(VOTABLE)
        assert '<INFO name="Error"' in response.text


# -- credentials ------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/archive/open/q/cone/form", "/tableinfo/vault.images",
                                  "/tap/tables", "/"])
def test_wrong_credentials_are_401_even_on_public_resources(site, path):
    response = get(site, path, basic("alice", "not her password"))
    assert response.status_code == 401
    assert 'Basic realm="DR"' in response.headers["WWW-Authenticate"]
    assert "Wrong user name or password" in _body(response)
    assert "VAULT" not in _body(response) and "Traceback" not in _body(response)


@pytest.mark.parametrize("header, status, words", [
    ("Basic !!!", 400, "malformed"),
    ("Basic " + base64.b64encode(b"no colon here").decode(), 400, "':'"),
    ("Basic " + base64.b64encode(b"!@#").decode()[:-1] + "!", 400, "malformed"),
    ("Basic " + base64.b64encode(b"\xff\xfe:x").decode(), 401, "Wrong user"),
    ("Basic", 400, "malformed"),
    ("Bearer", 400, "malformed"),
    ("Bearer drt_not a token", 400, "malformed"),
    ("Digest username=alice", 401, "Basic"),
    ("Basic " + base64.b64encode(b"nosuchuser:x").decode(), 401, "Wrong user"),
    ("Bearer drt_" + "A" * 43, 401, "not valid"),
])
def test_malformed_or_unknown_credentials_are_answered_in_words(site, header, status,
                                                                 words):
    response = get(site, "/tableinfo/openstars.main", {"Authorization": header})
    assert response.status_code == status, _body(response)
    assert words in _body(response)
    assert "Public stars" not in _body(response)


def test_an_invalid_bearer_token_says_so_in_its_challenge(site):
    response = get(site, "/", {"Authorization": "Bearer drt_" + "B" * 43})
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_a_bearer_token_is_its_user(site):
    response = get(site, "/tableinfo/vault.images",
                   {"Authorization": f"Bearer {site.tokens['alice']}"})
    assert response.status_code == 200 and "VAULT-TABLE-DESCRIPTION" in _body(response)
    response = get(site, "/tableinfo/vault.images",
                   {"Authorization": f"Bearer {site.tokens['bob']}"})
    assert response.status_code == 403


def test_bad_credentials_in_a_tap_path_are_a_dali_401(site):
    response = get(site, "/tap/sync?LANG=ADQL&QUERY=SELECT+1", basic("bob", "nope"))
    assert response.status_code == 401
    assert response.headers["Content-Type"].startswith(VOTABLE)
    assert 'value="ERROR"' in response.text


def test_a_revoked_token_or_a_new_password_take_effect_within_the_cache_time(site):
    conn = psycopg2.connect(site.server.dsn)
    with conn.cursor() as cur:
        accounts.add_user(cur, "carol", "carol-1")
        accounts.add_to_group(cur, "carol", "staff")
    conn.commit()
    assert get(site, "/tableinfo/vault.images", basic("carol", "carol-1")).status_code \
        == 200
    with conn.cursor() as cur:
        accounts.delete_user(cur, "carol")
    conn.commit()
    conn.close()
    # Remembered for up to a minute in this process; a new header is checked anew.
    assert get(site, "/tableinfo/vault.images", basic("carol", "carol-2")).status_code \
        == 401


def test_wrong_passwords_from_one_address_are_slowed_and_a_success_forgets(site):
    conn = psycopg2.connect(site.server.dsn)
    with conn.cursor() as cur:
        accounts.add_user(cur, "frank", "frank-password")
    conn.commit()
    conn.close()
    times = []
    for _ in range(3):
        started = time.monotonic()
        assert get(site, "/", basic("bob", "guess")).status_code == 401
        times.append(time.monotonic() - started)
    assert times[2] >= 0.9, times  # 0.5 s, then 1 s after the previous failure
    # A success checked anew (not one remembered) forgets the failures.
    assert get(site, "/", basic("frank", "frank-password")).status_code == 200
    started = time.monotonic()
    assert get(site, "/", basic("bob", "guess again")).status_code == 401
    assert time.monotonic() - started < 0.9


# -- clients ------------------------------------------------------------------------------

def test_pyvo_with_a_basic_auth_session_gets_the_restricted_cone(site):
    import pyvo

    session = requests.Session()
    session.auth = ("alice", PASSWORDS["alice"])
    service = pyvo.dal.SCSService(site.server.url + "/secret/q/cone/scs.xml",
                                  session=session)
    names = {str(row["name"]) for row in service.search((150, 2), 1)}
    assert "Hidden Quasar" in names
    anonymous = pyvo.dal.SCSService(site.server.url + "/secret/q/cone/scs.xml")
    with pytest.raises(pyvo.dal.DALQueryError, match="authenticate"):
        anonymous.search((150, 2), 1)


def test_pyvo_sia_with_basic_auth_finds_the_restricted_images(site):
    import pyvo

    session = requests.Session()
    session.auth = ("alice", PASSWORDS["alice"])
    ra, dec = (float(x) for x in site.pos.split(","))
    service = pyvo.dal.SIAService(site.server.url + "/vault/q/web/siap.xml?",
                                  session=session)
    results = service.search((ra, dec), size=0.5)
    urls = [row.getdataurl() for row in results]
    assert urls and all("/getproduct/vault/data/" in u for u in urls)
    data = session.get(urls[0], timeout=60)
    assert data.status_code == 200 and data.content[:2] == b"\x1f\x8b"


def test_ssa_shows_an_embargoed_spectrum_to_its_group_only(site):
    import pyvo

    url = site.server.url + "/vault/spectra/openssa/ssap.xml"
    found = {}
    for user in (None, "bob", "alice"):
        session = requests.Session()
        if user:
            session.auth = (user, PASSWORDS[user])
        rows = pyvo.dal.SSAService(url, session=session).search(pos=(150, 2), diameter=1)
        found[user] = sorted(r["ssa_targname"] for r in rows)
    assert found[None] == found["bob"] == ["OPEN-STAR"]
    assert found["alice"] == ["OPEN-STAR", "VAULT-EMBARGOED-STAR"]


def test_curl_with_basic_credentials_downloads_a_restricted_product(site, tmp_path):
    url = site.server.url + "/getproduct/" + site.images[0]
    out = tmp_path / "image.fits.gz"
    done = subprocess.run(["curl", "-sS", "-o", str(out), "-w", "%{http_code}",
                           "-u", f"alice:{PASSWORDS['alice']}", url],
                          capture_output=True, text=True, timeout=60)
    assert done.stdout == "200" and out.read_bytes()[:2] == b"\x1f\x8b"
    done = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-D", "-", url],
                          capture_output=True, text=True, timeout=60)
    assert " 401 " in done.stdout.splitlines()[0]
    assert 'www-authenticate: basic realm="dr"' in done.stdout.lower()


@pytest.mark.skipif(shutil.which("wget") is None, reason="needs wget")
def test_wget_with_credentials_downloads_a_restricted_product(site, tmp_path):
    """wget sends its credentials after the 401's challenge, as Java clients do."""
    url = site.server.url + "/getproduct/" + site.images[0]
    out = tmp_path / "image.fits.gz"
    done = subprocess.run(["wget", "-q", "-O", str(out), "--user", "alice",
                           "--password", PASSWORDS["alice"], url],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes()[:2] == b"\x1f\x8b"
    done = subprocess.run(["wget", "-q", "-O", str(tmp_path / "no"), "--user", "bob",
                           "--password", PASSWORDS["bob"], url],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 8  # the server answered with an error (403)


# -- cost -----------------------------------------------------------------------------------

def test_a_polling_client_costs_one_password_check(site):
    """A fresh header pays an argon2 check (~0.15 s); the same header again is
    remembered and costs about what an anonymous request does."""
    conn = psycopg2.connect(site.server.dsn)
    with conn.cursor() as cur:
        accounts.add_user(cur, "dave", "dave-password")
    conn.commit()
    conn.close()
    headers = basic("dave", "dave-password")
    path = "/tableinfo/openstars.main"
    started = time.monotonic()
    assert get(site, path, headers).status_code == 200
    uncached = time.monotonic() - started
    started = time.monotonic()
    for _ in range(10):
        assert get(site, path, headers).status_code == 200
    cached = (time.monotonic() - started) / 10
    started = time.monotonic()
    for _ in range(10):
        assert get(site, path).status_code == 200
    anonymous = (time.monotonic() - started) / 10
    print(f"authenticated request: uncached {uncached * 1000:.0f} ms, cached "
          f"{cached * 1000:.1f} ms, anonymous {anonymous * 1000:.1f} ms")
    assert cached < uncached / 2


def test_the_start_up_log_names_what_is_restricted_and_does_not_warn_on_loopback(site):
    log = (site.server.state / "log" / "error.log").read_text()
    [line] = [line for line in log.splitlines() if "restricting" in line]
    assert "table vault.images" in line and "withheld from everyone elsewhere" in line
    assert "plain http" not in log


def test_plain_http_to_other_machines_is_warned_about(tmp_path):
    from engine.config import load_config

    def warning(bind: str, url: str, restricted: list[str]) -> str | None:
        conf = tmp_path / "gavo.conf"
        conf.write_text(f"[web]\nbindAddress = {bind}\nserverURL = {url}\n")
        return access.plain_http_warning(load_config({"DR_CONFIG": str(conf)}),
                                         restricted)

    said = warning("0.0.0.0", "http://data.example.org", ["table vault.images"])
    assert said and "plain http on 0.0.0.0" in said and "clear text" in said
    assert warning("192.0.2.7", "http://data.example.org", ["t"]) is not None
    assert warning("0.0.0.0", "https://data.example.org", ["t"]) is None
    assert warning("127.0.0.1", "http://localhost:8080", ["t"]) is None
    assert warning("::1", "http://localhost:8080", ["t"]) is None
    assert warning("0.0.0.0", "http://data.example.org", []) is None
