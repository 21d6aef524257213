"""The links descriptor result VOTables carry: which column it refers to, where it
sits, and that astropy and pyvo read it."""

from __future__ import annotations

import io

import pytest
from astropy.io.votable import parse

from engine.formats.batch import Batch
from engine.formats.servicedesc import id_column
from engine.formats.votable import VOTableWriter
from engine.formats.writer import OK
from rd.tablemeta import ResultColumn

SITE = "http://data.example.org"
DID = ResultColumn("obs_publisher_did", "char", "*", ucd="meta.ref.ivoid",
                   utype="obscore:Curation.PublisherDID")
ACCREF = ResultColumn("accref", "char", "*", ucd="meta.ref.url")
SIA1_URL = ResultColumn("access", "char", "*", ucd="VOX:Image_AccessReference")
OTHER = ResultColumn("name", "char", "*", ucd="meta.id")


def document(columns, rows, **options) -> bytes:
    writer = VOTableWriter(columns, **options)
    return (writer.head() + writer.batch(Batch.from_rows(columns, rows))
            + writer.tail(OK))


@pytest.mark.parametrize("columns, expected", [
    ([OTHER, ACCREF, DID], 2),        # publisher DIDs first
    ([SIA1_URL, ACCREF], 1),          # then accrefs
    ([OTHER, SIA1_URL], 1),           # then product URLs
    ([OTHER], None),
    ([ResultColumn("accref", "int", ucd="meta.ref.url")], None),  # text only
])
def test_the_id_column_is_the_best_dataset_identifier(columns, expected):
    assert id_column(columns) == expected


@pytest.mark.parametrize("serialization", ["binary2", "tabledata"])
def test_the_descriptor_follows_the_results_and_refers_to_the_field(serialization):
    columns = [OTHER, ResultColumn("accref", "char", "*", ucd="meta.ref.url")]
    doc = document(columns, [("a", "x/1.fits"), ("b", "x/2.fits")],
                   serialization=serialization, site_url=SITE + "/")
    votable = parse(io.BytesIO(doc), verify="exception")
    results, service = votable.resources
    assert results.type == "results"
    assert (service.type, service.utype) == ("meta", "adhoc:service")
    params = {p.name: p.value for p in service.params}
    assert params["accessURL"] == SITE + "/datalink/dlmeta"
    assert params["standardID"] == "ivo://ivoa.net/std/DataLink#links-1.1"
    ident, = [p for g in service.groups for p in g.entries if p.name == "ID"]
    field = votable.get_first_table().get_field_by_id(ident.ref)
    assert field.name == "accref"
    assert list(votable.get_first_table().array[field.name]) == ["x/1.fits", "x/2.fits"]


def test_no_site_url_or_no_dataset_column_means_no_descriptor():
    assert b"adhoc:service" not in document([ACCREF], [("x/1.fits",)])
    assert b"adhoc:service" not in document([OTHER], [("a",)], site_url=SITE)
