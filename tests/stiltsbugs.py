"""Known faults of the STILTS on this machine that DR's output runs into, each
detected by running STILTS on a minimal, valid document — so a test tolerates
a fault only while the installed STILTS still has it.

votlint (and taplint, which uses it) in STILTS 3.4.7 misreads a variable-length
array with ``xtype="polygon"`` in BINARY and BINARY2 streams: it reads the
element count and then no elements (its loop is bounded by the declared count,
-1, instead of the one read), so every later cell is read from the wrong bytes
(errors ``YEOF``/``YSTE``, or an OutOfMemoryError).  STIL's own reader (tpipe,
TOPCAT), astropy and pyvo read such columns correctly, and votlint fails the
same way on what STILTS itself writes.
"""

from __future__ import annotations

import base64
import functools
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

_POLYGON = (10.0, 20.0, 11.0, 20.0, 11.0, 21.0)
_DOCUMENT = """<?xml version="1.0" encoding="UTF-8"?>
<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">
<RESOURCE type="results"><TABLE>
<FIELD name="s_region" datatype="double" arraysize="*" xtype="polygon"/>
<FIELD name="n" datatype="int"/>
<DATA><BINARY2><STREAM encoding="base64">{}</STREAM></BINARY2></DATA>
</TABLE></RESOURCE></VOTABLE>
"""


@functools.cache
def votlint_misreads_binary_polygons() -> bool:
    """Whether the installed votlint fails on one valid BINARY2 row holding a polygon."""
    if shutil.which("stilts") is None:
        return False
    row = (b"\x00" + struct.pack(">i", len(_POLYGON)) + struct.pack(">6d", *_POLYGON)
           + struct.pack(">i", 7))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "polygon.vot"
        path.write_text(_DOCUMENT.format(base64.b64encode(row).decode()))
        result = subprocess.run(["stilts", "votlint", f"votable={path}"],
                                capture_output=True, text=True, timeout=120)
    return bool(result.stdout.strip() or result.returncode)


def is_binary_polygon_misread(line: str) -> bool:
    """Whether a taplint line is what that fault produces in a query stage."""
    code = line.split()[0] if line.strip() else ""
    return (votlint_misreads_binary_polygons() and code.startswith("E-Q")
            and code.rsplit("-", 2)[-2] in ("YEOF", "YSTE"))
