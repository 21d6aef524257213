"""Service descriptors (DataLink 1.1 §4): ``RESOURCE type="meta" utype="adhoc:service"``
elements, and the one every result VOTable with dataset identifiers gets.

A descriptor tells a client which service to call with which parameters; an
input parameter with a ``ref`` takes its value from the referenced column of
each row.  Result VOTables (:class:`engine.formats.votable.VOTableWriter`)
whose columns hold publisher DIDs (ObsCore's ``obs_publisher_did``), accrefs
(the ``accref`` column of product tables) or product URLs (SIA 1's access
reference) get a descriptor of the site-wide links endpoint, whose ID
parameter refers to that column: pyvo's ``iter_datalinks()`` sends the
column's values as IDs, and the endpoint accepts all three kinds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from engine.formats.batch import ColumnLike
from engine.formats.xmltext import attr, scrub, text

LINKS_STANDARD = "ivo://ivoa.net/std/DataLink#links-1.1"
SITE_LINKS_PATH = "/datalink/dlmeta"  # the site-wide links endpoint (engine/web/routes.py)


@dataclass(frozen=True)
class InputParam:
    """A parameter of a service descriptor's inputParams group."""

    name: str
    datatype: str = "char"
    arraysize: str | None = "*"
    xtype: str | None = None
    unit: str | None = None
    ucd: str | None = None
    description: str = ""
    value: str = ""
    ref: str | None = None
    minimum: str | None = None
    maximum: str | None = None
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class ServiceDescriptor:
    """A RESOURCE type="meta" utype="adhoc:service" (DataLink 1.1 §4)."""

    xml_id: str
    access_url: str
    standard_id: str | None
    params: tuple[InputParam, ...]
    description: str = ""


def _param(p: InputParam) -> str:
    parts = [f'name="{attr(p.name)}"', f'datatype="{p.datatype}"']
    if p.arraysize:
        parts.append(f'arraysize="{p.arraysize}"')
    for key, value in (("xtype", p.xtype), ("unit", p.unit), ("ucd", p.ucd),
                       ("ref", p.ref)):
        if value:
            parts.append(f'{key}="{attr(value)}"')
    parts.append(f'value="{attr(scrub(p.value))}"')
    inner = []
    if p.description:
        inner.append(f"<DESCRIPTION>{text(p.description)}</DESCRIPTION>")
    if p.minimum is not None or p.maximum is not None or p.options:
        values = []
        if p.minimum is not None:
            values.append(f'<MIN value="{attr(p.minimum)}"/>')
        if p.maximum is not None:
            values.append(f'<MAX value="{attr(p.maximum)}"/>')
        values += [f'<OPTION value="{attr(o)}"/>' for o in p.options]
        inner.append(f"<VALUES>{''.join(values)}</VALUES>")
    return f"<PARAM {' '.join(parts)}>{''.join(inner)}</PARAM>"


def descriptor_xml(sd: ServiceDescriptor) -> str:
    """The service descriptor as a VOTable RESOURCE element."""
    lines = [f'<RESOURCE type="meta" utype="adhoc:service" ID="{attr(sd.xml_id)}">']
    if sd.description:
        lines.append(f"<DESCRIPTION>{text(sd.description)}</DESCRIPTION>")
    if sd.standard_id:
        lines.append(f'<PARAM name="standardID" datatype="char" arraysize="*" '
                     f'value="{attr(sd.standard_id)}"/>')
    lines.append(f'<PARAM name="accessURL" datatype="char" arraysize="*" '
                 f'ucd="meta.ref.url" value="{attr(sd.access_url)}"/>')
    lines.append('<GROUP name="inputParams">')
    lines += [_param(p) for p in sd.params]
    lines.append("</GROUP>")
    lines.append("</RESOURCE>")
    return "\n".join(lines)


def _kind(column: ColumnLike) -> int | None:
    """How good an ID column ``column`` is: 0 publisher DIDs, 1 accrefs, 2 product
    URLs; None for any other column."""
    name, ucd = column.name.lower(), column.ucd.lower()
    if (column.utype.lower().endswith("curation.publisherdid")
            or (name == "obs_publisher_did" and "meta.ref.ivoid" in ucd)):
        return 0
    if name == "accref" and "meta.ref.url" in ucd.split(";"):
        return 1
    if ucd == "vox:image_accessreference":
        return 2
    return None


def id_column(columns: Sequence[ColumnLike]) -> int | None:
    """The index of the column whose values name the datasets of the rows, or None.

    Publisher DIDs win over accrefs, accrefs over product URLs; text columns only.
    """
    found = [(kind, n) for n, column in enumerate(columns)
             if column.datatype in ("char", "unicodeChar")
             and (kind := _kind(column)) is not None]
    return min(found)[1] if found else None


def links_descriptor(field_id: str, site_url: str) -> str:
    """The descriptor of the site-wide links endpoint, its ID taken from the FIELD
    with XML ID ``field_id``."""
    return descriptor_xml(ServiceDescriptor(
        "dr-links", site_url.rstrip("/") + SITE_LINKS_PATH, LINKS_STANDARD,
        (InputParam("ID", ucd="meta.id;meta.main", ref=field_id,
                    description="The dataset of the row (a publisher DID, accref or "
                                "product URL of this site)"),),
        "The DataLink links of each row's dataset"))
