"""The site-wide SIA 2 service exists exactly when something publishes into ivoa.obscore."""

from __future__ import annotations

import contextlib

from engine.config import load_config
from engine.sia.sia2 import SIA2Service
from engine.web.routes import SERVICE_RENDERERS
from engine.web.state import load_state
from tests.obscore.obscoredata import write_images


def state_of(db):
    with contextlib.closing(db.connect()) as conn:
        return load_state(load_config(db.env), conn, SERVICE_RENDERERS)


def test_the_sitewide_service_appears_with_the_first_obscore_table(db):
    inputs = db.home / "inputs"
    inputs.mkdir()
    assert state_of(db).service("__system__/siap2", "sitewide") is None
    write_images(inputs, 5)
    assert db.cli("imp", "ocimg").status == 0
    state = state_of(db)
    bound = state.service("__system__/siap2", "sitewide")
    assert isinstance(bound, SIA2Service)
    assert bound.service.allowed == ("siap2.xml", "form")
    # The site's extra ObsCore columns are part of the result.
    assert "filter_name" in [s.column.name for s in bound.outputs]
    assert db.cli("drop", "ocimg").status == 0
    assert state_of(db).service("__system__/siap2", "sitewide") is None
