"""Good VOTables to damage: one table of every column type DR stores, written as
TABLEDATA, BINARY and BINARY2, plus hand-written variable-length arrays."""

from __future__ import annotations

import io

import numpy as np
from astropy.io.votable import from_table, writeto
from astropy.table import Table

from tests.fuzz.mutations import NASTY_TEXT


def _sample() -> Table:
    table = Table()
    table["ra"] = np.array([10.5, -1.0, np.nan])
    table["n"] = np.array([1, 2, 3], dtype=np.int32)
    table["big"] = np.array([1, -2**62, 3], dtype=np.int64)
    table["small"] = np.array([1, 2, 3], dtype=np.int16)
    table["byte"] = np.array([1, 2, 255], dtype=np.uint8)
    table["mag"] = np.array([1.5, np.inf, -0.0], dtype=np.float32)
    table["flag"] = np.array([True, False, True])
    table["name"] = np.array(["a", "bé", ""])
    table["vec"] = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    return table


def _written(serialization: str) -> bytes:
    votable = from_table(_sample())
    votable.get_first_table().format = serialization
    out = io.BytesIO()
    writeto(votable, out)
    return out.getvalue()


VARIABLE_ARRAYS = b"""<?xml version="1.0" encoding="utf-8"?>
<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE><TABLE>
<FIELD name="id" datatype="long"/><FIELD name="label" datatype="char" arraysize="*"/>
<FIELD name="spec" datatype="float" arraysize="*"/><FIELD name="ok" datatype="boolean"/>
<FIELD name="when" datatype="char" arraysize="*" xtype="timestamp"/>
<DATA><TABLEDATA>
<TR><TD>1</TD><TD>x</TD><TD>1 2 3</TD><TD>T</TD><TD>2020-01-01T00:00:00</TD></TR>
<TR><TD/><TD></TD><TD></TD><TD>?</TD><TD/></TR>
</TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>
"""

SEEDS = [_written("tabledata"), _written("binary"), _written("binary2"), VARIABLE_ARRAYS]

# What a damaged FIELD, TD or STREAM may say instead.
VALUES = ["double", "float", "int", "long", "short", "unsignedByte", "boolean", "bit", "char",
          "unicodeChar", "floatComplex", "doubleComplex", "nosuchtype", "*", "1", "0", "-1",
          "2x3", "2x*", "*x2", "10*", "99999999999", "4294967296", "1000000000", "ID",
          "tableoid", "oid", "xmin", "select", "a b", "Ra", "RA", "x" * 70, "T", "F", "?",
          "NaN", "+Inf", "1e999", "0x10", "AAAA", "AAAA====", "////", "!!!!", "=",
          "f39/f39/f39/", "AAAAAP////8=", "timestamp", "point", "circle", "polygon",
          "interval", "base64", "gzip", "dynamic", *NASTY_TEXT]
