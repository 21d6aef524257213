"""VOSI 1.1 documents: availability, capabilities and tablesets, as bytes.

Pure functions over plain data, shared by every service (cone search, forms,
TAP).  Each document validates against the IVOA schemas (tests check).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lxml import etree

from engine.db.identifiers import adql_name
from rd.tablemeta import TableMeta
from rd.types import parse_type

NS = {
    "vosi": "http://www.ivoa.net/xml/VOSICapabilities/v1.0",
    "avail": "http://www.ivoa.net/xml/VOSIAvailability/v1.0",
    "vtm": "http://www.ivoa.net/xml/VOSITables/v1.0",
    "vr": "http://www.ivoa.net/xml/VOResource/v1.0",
    "vs": "http://www.ivoa.net/xml/VODataService/v1.1",
    "cs": "http://www.ivoa.net/xml/ConeSearch/v1.0",
    "tr": "http://www.ivoa.net/xml/TAPRegExt/v1.0",
    "sia": "http://www.ivoa.net/xml/SIA/v1.1",
    "ssa": "http://www.ivoa.net/xml/SSA/v1.1",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
XSI_TYPE = f"{{{NS['xsi']}}}type"


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str
         ) -> etree._Element:
    el = etree.SubElement(parent, tag, {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = text
    return el


def _bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _optional(parent: etree._Element, tag: str, text: str | None) -> None:
    """A child element only when there is something to say."""
    if text:
        _sub(parent, tag, text)


def availability(available: bool, note: str, up_since: str | None = None) -> bytes:
    root = etree.Element(f"{{{NS['avail']}}}availability", nsmap={"avail": NS["avail"]})
    _sub(root, f"{{{NS['avail']}}}available", "true" if available else "false")
    if up_since:
        _sub(root, f"{{{NS['avail']}}}upSince", up_since)
    _sub(root, f"{{{NS['avail']}}}note", note)
    return _bytes(root)


@dataclass
class ParamDesc:
    """An interface parameter as VODataService describes it."""

    name: str
    description: str = ""
    unit: str = ""
    ucd: str = ""
    datatype: str = "char"
    std: bool = False


@dataclass
class Capability:
    """One capability: a standard (or none) and an interface at a URL."""

    standard_id: str | None
    access_url: str
    interface: str = "vs:ParamHTTP"  # or vr:WebBrowser
    use: str = "full"
    role: str | None = None
    params: Sequence[ParamDesc] = ()
    result_type: str | None = None
    capability_type: str | None = None  # e.g. cs:ConeSearch
    extra: Iterable[tuple[str, str]] = field(default_factory=tuple)  # (tag, text)
    test_query: dict[str, str] = field(default_factory=dict)
    version: str | None = None  # of the interface
    # Ready-made children appended after the interface (e.g. TAPRegExt's).
    elements: Sequence[etree._Element] = ()


def vosi_capabilities(base_url: str) -> list[Capability]:
    """The three VOSI capabilities every service has, under ``base_url``."""
    return [Capability(f"ivo://ivoa.net/std/VOSI#{name}", f"{base_url}/{name}")
            for name in ("capabilities", "availability", "tables")]


def capabilities(caps: Iterable[Capability]) -> bytes:
    root = etree.Element(f"{{{NS['vosi']}}}capabilities",
                         nsmap={k: NS[k] for k in ("vosi", "vr", "vs", "cs", "tr", "sia",
                                                    "ssa", "xsi")})
    for cap in caps:
        capability_element(root, cap)
    return _bytes(root)


def capability_element(parent: etree._Element, cap: Capability) -> etree._Element:
    """``cap`` as a VOResource capability element, appended to ``parent`` (a VOSI
    capabilities document or a registry record)."""
    el = _sub(parent, "capability", standardID=cap.standard_id)
    if cap.capability_type:
        el.set(XSI_TYPE, cap.capability_type)
    iface = _sub(el, "interface", role=cap.role, version=cap.version)
    iface.set(XSI_TYPE, cap.interface)
    _sub(iface, "accessURL", cap.access_url, use=cap.use)
    if cap.interface == "vs:ParamHTTP":
        _sub(iface, "queryType", "GET")
        if cap.result_type:
            _sub(iface, "resultType", cap.result_type)
        for p in cap.params:
            param = _sub(iface, "param", std="true" if p.std else "false")
            _sub(param, "name", p.name)
            for tag in ("description", "unit", "ucd"):
                _optional(param, tag, getattr(p, tag))
            _sub(param, "dataType", p.datatype)
    for tag, text in cap.extra:
        _sub(el, tag, text)
    for child in cap.elements:
        el.append(child)
    if cap.test_query:
        tq = _sub(el, "testQuery")
        for tag, text in cap.test_query.items():
            _sub(tq, tag, text)
    return el


def _column(parent: etree._Element, col, primary: bool) -> None:
    el = _sub(parent, "column")
    _sub(el, "name", adql_name(col.name, col.sql_name))
    for tag in ("description", "unit", "ucd", "utype"):
        _optional(el, tag, getattr(col, tag))
    vo = parse_type(col.type).votable()
    dtype = _sub(el, "dataType", vo.datatype, arraysize=vo.arraysize or None,
                 extendedType=(col.xtype or vo.xtype) or None)
    dtype.set(XSI_TYPE, "vs:VOTableType")
    if col.indexed:
        _sub(el, "flag", "indexed")
    if primary:
        _sub(el, "flag", "primary")
    if col.std:
        _sub(el, "flag", "std")


def tableset(schemas: dict[str, tuple[str, list[TableMeta]]]) -> bytes:
    """A VOSI tableset: schema name -> (description, tables)."""
    root = etree.Element(f"{{{NS['vtm']}}}tableset",
                         nsmap={"vtm": NS["vtm"], "vs": NS["vs"], "xsi": NS["xsi"]})
    _fill_tableset(root, schemas)
    return _bytes(root)


def tableset_element(parent: etree._Element,
                     schemas: dict[str, tuple[str, list[TableMeta]]]) -> etree._Element:
    """A VODataService ``tableset`` element appended to ``parent`` (a registry
    record): schema name -> (description, tables)."""
    root = _sub(parent, "tableset")
    _fill_tableset(root, schemas)
    return root


def _fill_tableset(root: etree._Element,
                   schemas: dict[str, tuple[str, list[TableMeta]]]) -> None:
    for name, (description, tables) in schemas.items():
        schema = _sub(root, "schema")
        _sub(schema, "name", name)
        _optional(schema, "description", description)
        for table in tables:
            _fill_table(_sub(schema, "table", type="base_table"), table)


def _fill_table(tel: etree._Element, table: TableMeta) -> None:
    _sub(tel, "name", table.qualified_name)
    _optional(tel, "title", table.title)
    _optional(tel, "description", table.description)
    for col in table.columns:
        _column(tel, col, col.name in table.primary_key)
    for fk in table.foreign_keys:
        fel = _sub(tel, "foreignKey")
        _sub(fel, "targetTable", fk.target_table)
        for a, b in zip(fk.columns, fk.target_columns):
            pair = _sub(fel, "fkColumn")
            _sub(pair, "fromColumn", adql_name(a))
            _sub(pair, "targetColumn", adql_name(b))


def table_document(table: TableMeta) -> bytes:
    """VOSI 1.1's description of one table (/tables/<name>)."""
    root = etree.Element(f"{{{NS['vtm']}}}table", type="base_table",
                         nsmap={"vtm": NS["vtm"], "vs": NS["vs"], "xsi": NS["xsi"]})
    _fill_table(root, table)
    return _bytes(root)
