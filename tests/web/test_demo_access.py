"""The demo's restricted data, as the README describes it: a collaboration-only CALIFA
table (group califa, account ``collab``) and a proprietary JCMT-like cube (the
DR21 field of project m15bp042, account ``pi``), probed anonymously and with
the demo accounts that scripts/demo.sh makes."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg2
import pytest
import requests

from engine import accounts
from tests.servers import CHECKOUT_ROOT

DEMO_SCRIPT = CHECKOUT_ROOT / "scripts" / "demo.sh"


def demo_accounts() -> dict[str, tuple[str, str]]:
    """user -> (password, group), read from scripts/demo.sh, so this test checks
    what the demo really sets up."""
    found = re.findall(r"^account (\S+) (\S+) (\S+)$", DEMO_SCRIPT.read_text(),
                       re.MULTILINE)
    return {user: (password, group) for user, password, group in found}


@pytest.fixture(scope="module")
def site(server):
    conn = psycopg2.connect(server.dsn)
    with conn.cursor() as cur:
        for user, (password, group) in demo_accounts().items():
            cur.execute("SELECT 1 FROM dc.users WHERE name = %s", (user,))
            if cur.fetchone() is None:
                accounts.add_user(cur, user, password)
            accounts.add_to_group(cur, user, group)
    conn.commit()
    conn.close()
    return server


def as_user(user: str | None) -> tuple[str, str] | None:
    return None if user is None else (user, demo_accounts()[user][0])


def tap(site, query: str, user: str | None = None) -> requests.Response:
    return requests.post(site.url + "/tap/sync", data={
        "LANG": "ADQL", "QUERY": query, "RESPONSEFORMAT": "csv"},
        auth=as_user(user), timeout=60)


def test_the_demo_script_makes_the_two_accounts_the_readme_names():
    assert set(demo_accounts()) == {"collab", "pi"}
    readme = (Path(CHECKOUT_ROOT) / "README.md").read_text()
    for user, (password, _) in demo_accounts().items():
        assert f"`{user}`" in readme and f"`{password}`" in readme


def test_the_collaboration_table_is_the_collaborations(site):
    for user, status in ((None, 401), ("pi", 400), ("collab", 200)):
        response = tap(site, "SELECT COUNT(*) FROM califa_collab.colours", user)
        assert response.status_code == status, (user, response.text[:300])
    assert int(tap(site, "SELECT COUNT(*) FROM califa_collab.colours",
                   "collab").text.split()[1]) == 2981
    form = site.url + "/califa/collab/web/form"
    assert requests.get(form, timeout=60).status_code == 401
    assert requests.get(form, auth=as_user("pi"), timeout=60).status_code == 403
    assert requests.get(form, auth=as_user("collab"), timeout=60).status_code == 200


def test_the_proprietary_jcmt_cube_is_its_projects(site):
    query = "SELECT obsid FROM jcmt.cubes WHERE object = 'DR21'"
    obscore = "SELECT obs_id FROM ivoa.obscore WHERE target_name = 'DR21'"
    for user, rows in ((None, 0), ("collab", 0), ("pi", 1)):
        for q in (query, obscore):
            response = tap(site, q, user)
            assert response.status_code == 200
            assert len(response.text.strip().splitlines()) - 1 == rows, (user, q)
    assert len(tap(site, "SELECT obsid FROM jcmt.cubes").text.strip().splitlines()) \
        - 1 == 5
    accref = next(iter(
        requests.post(site.url + "/tap/sync", data={
            "LANG": "ADQL", "RESPONSEFORMAT": "csv",
            "QUERY": "SELECT accref FROM jcmt.cubes WHERE object = 'DR21'"},
            auth=as_user("pi"), timeout=60).text.split()[1:]))
    url = f"{site.url}/getproduct/{accref}"
    assert requests.head(url, timeout=60).status_code == 401
    assert requests.head(url, auth=as_user("collab"), timeout=60).status_code == 403
    assert requests.head(url, auth=as_user("pi"), timeout=60).status_code == 200
    form = requests.get(site.url + "/jcmt/q/web/form", params={"object": "DR21"},
                        timeout=60)
    assert accref not in form.text
