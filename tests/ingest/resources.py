"""Writing small resource directories (an RD plus data files) for import tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

CATALOG_TABLE = """
  <table id="main" onDisk="True" adql="True" primary="id" mixin="//scs#pgs-pos-index">
    <meta name="title">Test objects</meta>
    <column name="id" type="integer" required="True" ucd="meta.id;meta.main"
      verbLevel="1" description="Object number"/>
    <column name="ra" type="double precision" unit="deg" ucd="pos.eq.ra;meta.main"/>
    <column name="dec" type="double precision" unit="deg" ucd="pos.eq.dec;meta.main"/>
    <column name="mag" type="real" unit="mag" ucd="phot.mag"/>
    <column name="name" type="text" ucd="meta.id"/>
    <column name="flux" type="real[3]" unit="mJy"/>
  </table>"""


def write_resource(inputs: Path, resdir: str, rd_body: str,
                   files: dict[str, str] | None = None, schema: str | None = None) -> Path:
    """inputs/<resdir>/q.rd with ``rd_body`` inside <resource>, plus data files."""
    base = inputs / resdir
    (base / "data").mkdir(parents=True, exist_ok=True)
    rd = base / "q.rd"
    rd.write_text(f'<resource schema="{schema or resdir}">'
                  + textwrap.dedent(rd_body) + "\n</resource>\n")
    for name, text in (files or {}).items():
        (base / name).write_text(textwrap.dedent(text).lstrip("\n"))
    return rd


def catalog_rows(n: int, start: int = 1) -> str:
    lines = ["id,ra,dec,mag,name,flux"]
    for i in range(start, start + n):
        lines.append(f'{i},{(i * 7.5) % 360},{((i * 3) % 170) - 85},{10 + i % 7},obj {i},'
                     f'"{{{i},{i + 0.5},NULL}}"')
    return "\n".join(lines) + "\n"


CSV_DATA = """
  <data id="import">
    <sources pattern="data/*.csv"/>
    <csvGrammar/>
    <make table="main">
      <rowmaker idmaps="*"/>
    </make>
  </data>"""
