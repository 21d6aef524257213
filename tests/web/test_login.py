"""Logging in from a browser: /login, the ``dr_session`` cookie, /logout, through HTTP
against a real ``dr serve``, and once in headless Chromium.

The server serves tests/web/restricted_inputs (secret.objects is readable by the
group ``staff`` only; openstars.main is public).  alice is in staff, bob is not.
The sessions themselves (expiry, disabled and deleted users): the last tests,
on a database of their own.
"""

from __future__ import annotations

import re
import shutil

import psycopg2
import pytest
import requests

from engine import accounts
from engine.accounts import sessions
from engine.errors import AccountError
from tests.servers import Server, add_accounts

PASSWORDS = {"alice": "alice-pässword", "bob": "bob-password"}
SECRET_TABLE = "/tableinfo/secret.objects"
SECRET_MARKER = "SECRET-TABLE-DESCRIPTION"
PUBLIC_TABLE = "/tableinfo/openstars.main"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def site(restricted_site) -> Server:
    """The site of tests/web/restricted_inputs (see conftest.py), with alice and bob."""
    add_accounts(restricted_site, PASSWORDS, {"alice": "staff"})
    return restricted_site


def login(site: Server, user: str, password: str | None = None,
          next_path: str = SECRET_TABLE) -> requests.Response:
    password = PASSWORDS[user] if password is None else password
    return requests.post(site.url + "/login", timeout=60, allow_redirects=False,
                         data={"user": user, "password": password, "next": next_path})


def get(site: Server, path: str, secret: str | None = None, method: str = "GET",
        **headers: str) -> requests.Response:
    if secret is not None:
        headers["Cookie"] = f"dr_session={secret}"
    return requests.request(method, site.url + path, headers=headers, timeout=60,
                            allow_redirects=False)


def session_cookie(response: requests.Response) -> str:
    """The Set-Cookie of dr_session (exactly one)."""
    found = [c for c in response.raw.headers.getlist("Set-Cookie")
             if c.startswith("dr_session=")]
    assert len(found) == 1, response.raw.headers.getlist("Set-Cookie")
    return found[0]


def secret_of(response: requests.Response) -> str:
    return re.match(r"dr_session=([^;]*)", session_cookie(response)).group(1)


def sql(site: Server, statement: str, *args) -> list[tuple]:
    conn = psycopg2.connect(site.dsn)
    with conn.cursor() as cur:
        cur.execute(statement, args)
        rows = cur.fetchall() if cur.description else []
    conn.commit()
    conn.close()
    return rows


def test_the_login_form_carries_next_only_when_it_is_local(site):
    response = get(site, "/login?next=/tableinfo/secret.objects%3Fa%3D1")
    assert response.status_code == 200
    assert '<input type="hidden" name="next" value="/tableinfo/secret.objects?a=1">' \
        in response.text
    assert 'type="password"' in response.text and "WWW-Authenticate" not in response.headers
    response = get(site, "/login?next=//evil.example/x")
    assert 'name="next" value=""' in response.text and "evil" not in response.text


def test_a_login_sets_an_http_only_lax_cookie_that_opens_the_restricted_table(site):
    anonymous = get(site, SECRET_TABLE)
    assert anonymous.status_code == 401 and SECRET_MARKER not in anonymous.text
    response = login(site, "alice")
    assert response.status_code == 303, response.text
    assert response.headers["Location"] == SECRET_TABLE
    cookie = session_cookie(response)
    attributes = {a.strip().lower() for a in cookie.split(";")[1:]}
    assert {"httponly", "samesite=lax", "path=/"} <= attributes, cookie
    assert "secure" not in attributes  # serverURL is http://127.0.0.1
    assert not any(a.startswith(("max-age", "expires")) for a in attributes)
    secret = secret_of(response)
    assert len(secret) >= 43
    # Only the digest is stored.
    assert sql(site, "SELECT username FROM dc.sessions WHERE digest = %s",
               sessions.digest(secret)) == [("alice",)]
    assert not sql(site, "SELECT 1 FROM dc.sessions WHERE digest = %s", secret)
    page = get(site, SECRET_TABLE, secret)
    assert page.status_code == 200 and SECRET_MARKER in page.text
    assert "Logged in as" in page.text and ">alice<" in page.text
    assert "Set-Cookie" not in page.headers


def test_a_wrong_password_shows_the_form_with_a_401_and_no_challenge(site):
    for user, password in (("alice", "not her password"), ("nobody", "x")):
        response = login(site, user, password)
        assert response.status_code == 401
        assert "WWW-Authenticate" not in response.headers
        assert "Set-Cookie" not in response.headers
        assert "Wrong user name or password." in response.text
        assert 'type="password"' in response.text
        assert f'name="user" type="text" value="{user}"' in response.text
    response = requests.post(site.url + "/login", data={"user": "alice", "password": ""},
                             timeout=60, allow_redirects=False)
    assert response.status_code == 400 and "Set-Cookie" not in response.headers
    assert "WWW-Authenticate" not in response.headers


@pytest.mark.parametrize("next_path", [
    "//evil.example/", "https://evil.example/", "javascript:alert(1)",
    "/\\evil.example", "\\\\evil.example", "/\t/evil.example", "evil.example", "",
    "http:/evil.example", " //evil.example",
])
def test_a_login_goes_back_to_local_paths_only(site, next_path):
    response = login(site, "alice", next_path=next_path)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_a_login_goes_back_to_a_local_path_with_its_query(site):
    path = "/archive/open/q/cone/form?hscs_pos=Open+Alpha&hscs_sr=60"
    response = login(site, "bob", next_path=path)
    assert response.headers["Location"] == path


def test_logout_ends_the_session_on_the_server(site):
    secret = secret_of(login(site, "alice"))
    assert get(site, SECRET_TABLE, secret).status_code == 200  # now remembered
    form = get(site, "/logout", secret)
    assert form.status_code == 200 and 'action="/logout"' in form.text
    response = get(site, "/logout", secret, method="POST")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert "max-age=0" in session_cookie(response).lower()
    assert not sql(site, "SELECT 1 FROM dc.sessions WHERE digest = %s",
                   sessions.digest(secret))
    again = get(site, SECRET_TABLE, secret)
    assert again.status_code == 401 and SECRET_MARKER not in again.text
    assert "max-age=0" in session_cookie(again).lower()


def test_an_expired_session_is_anonymous(site):
    secret = secret_of(login(site, "alice"))
    sql(site, "UPDATE dc.sessions SET expires = now() - interval '1 second' "
              "WHERE digest = %s", sessions.digest(secret))
    response = get(site, SECRET_TABLE, secret)
    assert response.status_code == 401 and SECRET_MARKER not in response.text
    assert "max-age=0" in session_cookie(response).lower()
    assert get(site, PUBLIC_TABLE, secret).status_code == 200


@pytest.mark.parametrize("cookie", ["garbage", "A" * 43, "x" * 5000, "%%;;", '"q"'])
@pytest.mark.parametrize("path", ["/", PUBLIC_TABLE, "/static/dr.css",
                                  "/archive/open/q/cone/form", "/login"])
def test_a_stale_or_garbage_cookie_never_fails_a_public_page(site, cookie, path):
    response = get(site, path, cookie)
    assert response.status_code == 200, response.text[:300]
    assert "WWW-Authenticate" not in response.headers


def test_an_authorization_header_wins_over_the_cookie(site):
    import base64

    secret = secret_of(login(site, "alice"))
    bob = "Basic " + base64.b64encode(f"bob:{PASSWORDS['bob']}".encode()).decode()
    assert get(site, SECRET_TABLE, secret, Authorization=bob).status_code == 403
    wrong = "Basic " + base64.b64encode(b"alice:wrong").decode()
    response = get(site, SECRET_TABLE, secret, Authorization=wrong)
    assert response.status_code == 401 and "WWW-Authenticate" in response.headers


def test_an_html_401_links_to_the_login_and_keeps_its_challenge(site):
    response = get(site, SECRET_TABLE + "?x=1")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith('Basic realm="DR"')
    assert 'href="/login?next=%2Ftableinfo%2Fsecret.objects%3Fx%3D1"' in response.text
    assert 'id="login"' in response.text  # and the header's link


def test_pages_show_who_is_logged_in_even_where_accounts_are_not_honoured(site):
    secret = secret_of(login(site, "bob"))
    for path in ("/", PUBLIC_TABLE, "/archive/open/q/cone/form", "/tap"):
        response = get(site, path, secret)
        assert response.status_code == 200, path
        assert "Logged in as" in response.text and ">bob<" in response.text, path
        assert 'id="logout"' in response.text
    assert "Logged in as" not in get(site, "/").text


def test_a_user_logs_in_and_out_in_a_browser(site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page()
        # (A 401 page itself cannot be shown: Chromium answers its Basic challenge
        # with ERR_INVALID_AUTH_CREDENTIALS when headless; a person cancels a dialog.)
        page.goto(site.url + "/")
        page.click("#login")
        page.wait_for_selector("#f_user")
        assert page.url == site.url + "/login?next=%2F"
        page.goto(site.url + "/login?next=" + SECRET_TABLE)
        page.fill("#f_user", "alice")
        page.fill("#f_password", PASSWORDS["alice"])
        page.click("#submit")
        page.wait_for_selector("#viewer")
        assert page.url == site.url + SECRET_TABLE
        assert SECRET_MARKER in page.content()
        assert page.inner_text("#viewer") == "alice"
        cookies = page.context.cookies()
        assert [c["httpOnly"] for c in cookies if c["name"] == "dr_session"] == [True]
        page.click("#logout")
        page.wait_for_selector("#login")
        assert page.url == site.url + "/"
        assert not [c for c in page.context.cookies() if c["name"] == "dr_session"]
        assert page.request.get(site.url + SECRET_TABLE).status == 401
        assert "Logged in as" not in page.content()
        browser.close()


# -- sessions.py on a database of its own ------------------------------------------------

@pytest.fixture
def cur(db):
    conn = db.connect()
    with conn.cursor() as cursor:
        accounts.add_user(cursor, "carol", "pw")
        yield cursor
    conn.commit()
    conn.close()


def test_a_session_verifies_as_its_user_until_it_expires(cur):
    secret = accounts.create_session(cur, "carol")
    assert accounts.verify_session(cur, secret) == ("carol", frozenset({"carol"}))
    cur.execute("SELECT expires - created, last_used IS NOT NULL FROM dc.sessions")
    assert cur.fetchone() == (sessions.LIFETIME, True)
    cur.execute("UPDATE dc.sessions SET expires = now() - interval '1 second'")
    assert accounts.verify_session(cur, secret) is None
    other = accounts.create_session(cur, "carol")  # a login purges expired rows
    cur.execute("SELECT count(*) FROM dc.sessions")
    assert cur.fetchone() == (1,)
    assert accounts.verify_session(cur, other) is not None


def test_a_disabled_or_deleted_user_has_no_session(cur):
    secret = accounts.create_session(cur, "carol")
    cur.execute("UPDATE dc.users SET disabled = true")
    assert accounts.verify_session(cur, secret) is None
    with pytest.raises(AccountError):
        accounts.create_session(cur, "carol")


def test_deleting_a_user_or_the_session_ends_it(cur):
    secret = accounts.create_session(cur, "carol")
    assert accounts.delete_session(cur, secret) is True
    assert accounts.verify_session(cur, secret) is None
    assert accounts.delete_session(cur, secret) is False
    secret = accounts.create_session(cur, "carol")
    accounts.delete_user(cur, "carol")
    cur.execute("SELECT count(*) FROM dc.sessions")
    assert cur.fetchone() == (0,)
    assert accounts.verify_session(cur, secret) is None


def test_a_new_password_ends_the_sessions_of_the_old_one(cur):
    secret = accounts.create_session(cur, "carol")
    accounts.set_password(cur, "carol", "a-new-password")
    assert accounts.verify_session(cur, secret) is None


@pytest.mark.parametrize("secret", ["", "short", "x" * 101, "drt_" + "A" * 43,
                                    "ä" * 43, "a b" * 20])
def test_implausible_secrets_are_nobody(cur, secret):
    assert accounts.verify_session(cur, secret) is None
    assert accounts.delete_session(cur, secret) is False


def test_the_cookie_is_secure_behind_https():
    from engine.web.authenticate import Authenticator

    class Response:
        cookies: list[bytes] = []

    for secure, expected in ((True, b"; Secure"), (False, b"")):
        response = Response()
        response.cookies = [b"dr_session=old; Path=/", b"other=1"]
        Authenticator(None, secure_cookies=secure)._set_cookie(response, b"s3cret")
        assert response.cookies == [
            b"other=1", b"dr_session=s3cret; Path=/" + expected + b"; HttpOnly; "
                        b"SameSite=Lax"]
