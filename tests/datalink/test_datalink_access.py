"""DataLink and SODA as anonymous callers, ``bob`` and ``alice`` (in ``staff``) see them.

The server serves the vault of tests/security/access_inputs (images of a
``readGroups="staff"`` table, a ``limitTo="staff"`` datalink service ``dl``)
and the DataLink test cubes of dldata.py (a public service whose cube
``secret.fits`` is embargoed for the group ``staff``).  Rules:
engine/web/renderers/datalink.py.
"""

from __future__ import annotations

import io
import shutil
import time
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from astropy.io import fits
from pyvo.dal.adhoc import DatalinkResults

from tests.datalink.dldata import CENTRE, PIXEL, write_dlt
from tests.servers import (
    INPUTS,
    Server,
    add_accounts,
    ensure_demo_data,
    start_server,
    stop_server,
)

ACCESS_INPUTS = Path(__file__).parent.parent / "security" / "access_inputs"
PASSWORDS = {"alice": "alice-password", "bob": "bob-password"}
AUTH = "dr.example.org"
UWS = "{http://www.ivoa.net/xml/UWS/v1.0}"
SECRET = f"ivo://{AUTH}/~?dlt/data/cubes/secret.fits"     # embargoed for staff
ONE = f"ivo://{AUTH}/~?dlt/data/cubes/one.fits"           # public
UNKNOWN = f"ivo://{AUTH}/~?dlt/data/cubes/none.fits"
CIRCLE = f"{CENTRE[0]} {CENTRE[1]} {3 * PIXEL}"


@dataclass
class Site:
    server: Server
    vault: str                  # the publisher DID of a vault image
    vault_circle: str           # a SODA CIRCLE inside it


@pytest.fixture(scope="module")
def site(pg_cluster, tmp_path_factory) -> Iterator[Site]:
    ensure_demo_data()
    home = tmp_path_factory.mktemp("dlaccess")
    inputs = home / "inputs"
    write_dlt(inputs)
    shutil.copytree(ACCESS_INPUTS / "vault", inputs / "vault")
    original = sorted((INPUTS / "jplus" / "data" / "images").glob("*.fits.gz"))[0]
    (inputs / "vault" / "data").mkdir()
    shutil.copy(original, inputs / "vault" / "data" / original.name)
    header = fits.getheader(original)
    server = start_server(pg_cluster.dsn, home, "datalink_access", inputs=inputs,
                          imports=("dlt", "vault"))
    add_accounts(server, PASSWORDS, {"alice": "staff"})
    yield Site(server, f"ivo://{AUTH}/~?vault/data/{original.name}",
               f"{header['CRVAL1']} {header['CRVAL2']} 0.01")
    stop_server(server, pg_cluster.dsn, "datalink_access")


def auth(who: str | None) -> tuple[str, str] | None:
    return None if who is None else (who, PASSWORDS[who])


def get(site: Site, path: str, who: str | None, **params) -> requests.Response:
    return requests.get(site.server.url + path, params=params, auth=auth(who),
                        allow_redirects=False, timeout=60)


def links(site: Site, path: str, ident: str, who: str | None) -> DatalinkResults:
    session = requests.Session()
    session.auth = auth(who)
    return DatalinkResults.from_result_url(
        f"{site.server.url}{path}?ID={urllib.parse.quote(ident)}", session=session)


# -- dlmeta ---------------------------------------------------------------------------

@pytest.mark.parametrize("ident", ["vault", SECRET])
@pytest.mark.parametrize("who", [None, "bob"])
def test_site_wide_links_of_a_restricted_file_read_as_unknown(site, ident, who):
    ident = site.vault if ident == "vault" else ident
    row, = links(site, "/datalink/dlmeta", ident, who)
    other, = links(site, "/datalink/dlmeta", UNKNOWN, who)
    assert row.error_message.startswith("NotFoundFault")
    assert row.error_message == other.error_message.replace(UNKNOWN, ident)
    assert not row["access_url"] and not row["link_auth"]


@pytest.mark.parametrize("ident, path", [("vault", "getproduct/vault"),
                                         (SECRET, "getproduct/dlt/data/cubes/secret")])
def test_site_wide_links_of_a_restricted_file_for_its_group(site, ident, path):
    ident = site.vault if ident == "vault" else ident
    results = links(site, "/datalink/dlmeta", ident, "alice")
    this, = results.bysemantics("#this", include_narrower=False)
    assert path in this.access_url
    assert this["link_auth"] == "true" and bool(this["link_authorized"]) is True
    # The vault's files name no datalink service of their own (no #cutout there).
    for row in results.bysemantics("#cutout", include_narrower=False):
        assert row["link_auth"] == "true"
    # The file itself, with the same credentials.
    session = requests.Session()
    session.auth = auth("alice")
    assert session.get(this.access_url, timeout=60).status_code == 200


def test_links_of_a_public_file_need_no_authentication(site):
    for who in (None, "bob"):
        results = links(site, "/datalink/dlmeta", ONE, who)
        rows = [row for row in results if not row.error_message]
        assert rows and {row["link_auth"] for row in rows} == {"false"}
        assert all(bool(row["link_authorized"]) for row in rows)


def test_the_limited_services_links_are_401_403_and_the_links_for_its_group(site):
    path = f"/vault/q/dl/dlmeta?ID={urllib.parse.quote(site.vault)}"
    response = get(site, path, None)
    assert response.status_code == 401 and "Basic" in response.headers["WWW-Authenticate"]
    assert get(site, path, "bob").status_code == 403
    results = links(site, "/vault/q/dl/dlmeta", site.vault, "alice")
    assert {row.semantics for row in results} >= {"#this", "#cutout"}
    assert {row["link_auth"] for row in results} == {"true"}
    soda = results.get_adhocservice_by_ivoid("ivo://ivoa.net/std/SODA#sync-1.0")
    assert soda is not None


def test_an_embargoed_file_in_a_public_service_is_unknown_to_bob_linked_for_alice(site):
    row, = links(site, "/dlt/q/dl/dlmeta", SECRET, "bob")
    assert row.error_message.startswith("NotFoundFault")
    results = links(site, "/dlt/q/dl/dlmeta", SECRET, "alice")
    this, = results.bysemantics("#this", include_narrower=False)
    assert this["link_auth"] == "true" and "secret.fits" in this.access_url


# -- dlget ----------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["vault", "embargoed"])
def test_a_sync_cutout_is_401_403_and_fits_for_the_group(site, which):
    path, ident, circle = (("/vault/q/dl/dlget", site.vault, site.vault_circle)
                           if which == "vault" else ("/dlt/q/dl/dlget", SECRET, CIRCLE))
    anonymous = get(site, path, None, ID=ident, CIRCLE=circle)
    assert anonymous.status_code == 401
    assert anonymous.text.startswith("AuthenticationError")
    assert "Basic" in anonymous.headers["WWW-Authenticate"]
    bob = get(site, path, "bob", ID=ident, CIRCLE=circle)
    assert bob.status_code == 403 and bob.text.startswith("AuthorizationError")
    assert "WWW-Authenticate" not in bob.headers
    alice = get(site, path, "alice", ID=ident, CIRCLE=circle)
    assert alice.status_code == 200, alice.text
    assert alice.headers["content-type"] == "application/fits"
    assert fits.open(io.BytesIO(alice.content))[0].data.size > 0
    # Without filtering parameters: to /getproduct, which checks again.
    redirect = get(site, path, "alice", ID=ident)
    assert redirect.status_code == 302
    location = redirect.headers["location"]
    assert requests.get(location, timeout=60).status_code == 401
    assert requests.get(location, auth=auth("alice"), timeout=60).status_code == 200


def test_an_id_the_service_does_not_serve_stays_404_for_everyone(site):
    for who in (None, "bob", "alice"):
        response = get(site, "/dlt/q/dl/dlget", who, ID=site.vault, CIRCLE=CIRCLE)
        assert response.status_code == 404, who


# -- dlasync --------------------------------------------------------------------------

def run_job(site: Site, path: str, who: str | None, **params) -> tuple[str, str]:
    """Create and run a job as ``who``: its URL and final phase."""
    response = requests.post(site.server.url + path, data={**params, "PHASE": "RUN"},
                             auth=auth(who), allow_redirects=False, timeout=60)
    assert response.status_code == 303, response.text
    job_url = response.headers["location"]
    deadline = time.monotonic() + 60
    while True:
        doc = ET.fromstring(requests.get(job_url, params={"WAIT": "5"}, auth=auth(who),
                                         timeout=60).content)
        phase = doc.find(f"{UWS}phase").text
        if phase in ("COMPLETED", "ERROR", "ABORTED") or time.monotonic() > deadline:
            return job_url, phase
        time.sleep(0.2)


def test_alices_async_job_completes_and_is_hers_alone(site):
    # Without a cut: a job finds its dataset through the dataset's own datalink
    # service (dc.products.datalink), which the vault's files do not name.
    job_url, phase = run_job(site, "/vault/q/dl/dlasync", "alice", ID=site.vault)
    assert phase == "COMPLETED"
    result = requests.get(job_url + "/results/result", auth=auth("alice"), timeout=60)
    assert result.status_code == 200 and result.content[:2] == b"\x1f\x8b"
    assert requests.post(site.server.url + "/vault/q/dl/dlasync", data={"ID": site.vault},
                         auth=auth("bob"), timeout=60).status_code == 403
    assert requests.get(job_url, timeout=60).status_code == 401
    assert requests.get(job_url, auth=auth("bob"), timeout=60).status_code == 403


def test_an_embargoed_async_cutout_is_the_owners_and_unknown_to_others(site):
    job_url, phase = run_job(site, "/dlt/q/dl/dlasync", "alice", ID=SECRET, CIRCLE=CIRCLE)
    assert phase == "COMPLETED"
    # The service is public: bob reaches its job list, but not alice's job.
    assert requests.get(job_url, auth=auth("bob"), timeout=60).status_code in (403, 404)
    jobs = requests.get(site.server.url + "/dlt/q/dl/dlasync", auth=auth("bob"),
                        timeout=60)
    assert jobs.status_code == 200 and job_url.rsplit("/", 1)[1] not in jobs.text
    # Bob's own job on the file ends as a job on a file that does not exist.
    errors = []
    for ident in (SECRET, UNKNOWN):
        bobs, phase = run_job(site, "/dlt/q/dl/dlasync", "bob", ID=ident, CIRCLE=CIRCLE)
        assert phase == "ERROR"
        errors.append(requests.get(bobs + "/error", auth=auth("bob"), timeout=60).text)
    assert "not a dataset published" in errors[0]
    assert errors[0] == errors[1].replace(UNKNOWN, SECRET)
