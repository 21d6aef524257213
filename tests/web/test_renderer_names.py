"""Renderers in one place: rd knows DaCHS's renderer vocabulary, the engine's
SERVICE_RENDERERS says which of them DR serves, and ``dr val`` and the server
both bind services to it (warnings with file and line for the others)."""

from __future__ import annotations

import contextlib

from engine.config import load_config
from engine.web.routes import SERVICE_RENDERERS
from engine.web.state import load_state
from rd.vocabulary import DACHS_RENDERERS
from tests.ingest.resources import CATALOG_TABLE, write_resource

SERVICES = CATALOG_TABLE + """
  <service id="images" allowed="form,slap.xml" defaultRenderer="slap.xml">
    <publish render="slap.xml" sets="ivo_managed"/>
    <dbCore queriedTable="main"/>
  </service>
  <service id="spectra" allowed="soap">
    <dbCore queriedTable="main"/>
  </service>"""


def test_every_renderer_dr_serves_is_one_of_dachs():
    assert set(SERVICE_RENDERERS) <= DACHS_RENDERERS


def test_val_warns_of_renderers_dr_does_not_serve_with_file_and_line(db):
    rd = write_resource(db.home / "inputs", "svc", SERVICES)
    result = db.cli("val", "-v", "svc")
    assert result.status == 0, result.err
    assert result.out.splitlines() == [
        "svc/q: 4 warnings",
        f"    {rd}:12: <service> renderer(s) slap.xml not implemented by DR yet; served "
        "as form only",
        f"    {rd}:12: <service> default renderer 'slap.xml' is not implemented by DR "
        "yet; ignored",
        f"    {rd}:13: <publish> renderer 'slap.xml' is not implemented by DR yet; not "
        "published",
        f"    {rd}:16: <service> service 'spectra' is unavailable: DR does not "
        "implement its renderer(s) soap yet"]


def test_the_server_binds_services_to_the_renderers_it_serves(db):
    write_resource(db.home / "inputs", "svc", SERVICES)
    with contextlib.closing(db.connect()) as conn:
        state = load_state(load_config(db.env), conn, SERVICE_RENDERERS)
        fewer = load_state(load_config(db.env), conn, {"api"})
    images = state.rds["svc/q"].service("images")
    assert (images.allowed, images.unserved, images.default_renderer) == (
        ("form",), ("slap.xml",), "")
    assert state.unavailable_reason("svc/q", "spectra") == \
        "DR does not implement its renderer(s) soap yet"
    assert fewer.unavailable_reason("svc/q", "images") == \
        "DR does not implement its renderer(s) form, slap.xml yet"
