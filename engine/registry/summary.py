"""A VOResource record told for people: what the HTML resource page shows.

Pure: it reads the very record the registry serves over OAI-PMH (so the page
and the XML cannot disagree) and turns identifiers into words — a standard's
name for its standardID, dates for MJDs, wavelengths or frequencies for
energies in Joules.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import astropy.units as u
from lxml import etree

from engine.registry.records import XSI_TYPE
from rd.moc import Moc

STANDARDS = {
    "ivo://ivoa.net/std/conesearch": "Simple Cone Search",
    "ivo://ivoa.net/std/sia": "Simple Image Access 1.0",
    "ivo://ivoa.net/std/sia#query-2.0": "Simple Image Access 2.0",
    "ivo://ivoa.net/std/ssa": "Simple Spectral Access",
    "ivo://ivoa.net/std/tap": "Table Access Protocol",
    "ivo://ivoa.net/std/datalink#links-1.1": "DataLink",
    "ivo://ivoa.net/std/soda#sync-1.0": "SODA (synchronous)",
    "ivo://ivoa.net/std/soda#async-1.0": "SODA (asynchronous)",
    "ivo://ivoa.net/std/registry": "OAI-PMH harvesting",
    "ivo://ivoa.net/std/vosi#capabilities": "VOSI capabilities",
    "ivo://ivoa.net/std/vosi#availability": "VOSI availability",
    "ivo://ivoa.net/std/vosi#tables": "VOSI tables",
}
KINDS = {"vs:CatalogService": "Service", "vs:CatalogResource": "Table",
         "vs:DataCollection": "Data collection", "vg:Registry": "Registry",
         "vg:Authority": "Naming authority"}
# What dc.resources says a record is, in words (finer than the record's type:
# a table and a data collection are both vs:CatalogResource).
ENTRY_KINDS = {"service": "Service", "table": "Table", "data": "Data collection",
               "registry": "Registry", "authority": "Naming authority",
               "tap": "Service"}
MJD_ZERO = datetime.date(1858, 11, 17)


@dataclass
class Summary:
    ivoid: str
    title: str
    kind: str
    created: str
    updated: str
    description: str = ""
    subjects: list[str] = field(default_factory=list)
    creators: list[str] = field(default_factory=list)
    publisher: str = ""
    contact: str = ""
    reference_url: str = ""
    capabilities: list[tuple[str, str]] = field(default_factory=list)  # (name, URL)
    wavebands: list[str] = field(default_factory=list)
    sky: str = ""
    times: list[str] = field(default_factory=list)
    spectral: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    related: list[tuple[str, str, str]] = field(default_factory=list)  # type, ivoid, title


def _date(mjd: float) -> str:
    try:
        return (MJD_ZERO + datetime.timedelta(days=mjd)).isoformat()
    except OverflowError:
        return f"MJD {mjd:g}"


def _wavelength(joules: float) -> str:
    wave = (joules * u.J).to(u.m, equivalencies=u.spectral())
    unit = u.nm if wave < 1 * u.um else u.um if wave < 1 * u.mm else u.mm
    return f"{wave.to(unit).value:.4g} {unit}"


def _frequency(joules: float) -> str:
    return f"{(joules * u.J).to(u.GHz, equivalencies=u.spectral()).value:.4g} GHz"


def _spectral(text: str) -> str:
    """An energy interval as wavelengths (shortest first), or as frequencies for
    the radio (longer than a millimetre)."""
    low, high = (float(x) for x in text.split())
    if (high * u.J).to(u.m, equivalencies=u.spectral()) < 1 * u.mm:
        return f"{_wavelength(high)} to {_wavelength(low)}"
    return f"{_frequency(low)} to {_frequency(high)}"


def _times(text: str) -> str:
    low, high = (float(x) for x in text.split())
    return f"{_date(low)} to {_date(high)}"


def _capability_name(cap: etree._Element) -> str:
    standard = (cap.get("standardID") or "").lower()
    if standard:
        return STANDARDS.get(standard, standard)
    interface = cap.find("interface")
    if interface is not None and interface.get(XSI_TYPE) == "vr:WebBrowser":
        return "Web form"
    return "Custom interface"


def summarise(record: etree._Element, kind: str = "") -> Summary:
    """The facts of a ``ri:Resource`` record, in words (``kind``: its dc.resources
    kind, when known)."""
    xsi_type = record.get(XSI_TYPE, "")
    found = Summary(record.findtext("identifier") or "", record.findtext("title") or "",
                    ENTRY_KINDS.get(kind) or KINDS.get(xsi_type, xsi_type),
                    record.get("created", ""), record.get("updated", ""))
    found.description = record.findtext("content/description") or ""
    found.subjects = [s.text for s in record.iterfind("content/subject") if s.text]
    found.creators = [c.text for c in record.iterfind("curation/creator/name") if c.text]
    found.publisher = record.findtext("curation/publisher") or ""
    found.contact = " ".join(filter(None, (record.findtext("curation/contact/name"),
                                           record.findtext("curation/contact/email"))))
    found.reference_url = record.findtext("content/referenceURL") or ""
    for cap in record.iterfind("capability"):
        url = cap.findtext("interface/accessURL") or ""
        found.capabilities.append((_capability_name(cap), url))
    coverage = record.find("coverage")
    if coverage is not None:
        found.wavebands = [w.text for w in coverage.iterfind("waveband") if w.text]
        spatial = coverage.findtext("spatial")
        if spatial:
            moc = Moc.parse(spatial)
            found.sky = (f"{100 * moc.sky_fraction:.3g}% of the sky (a MOC of order "
                         f"{moc.depth})")
        found.times = [_times(t.text) for t in coverage.iterfind("temporal")]
        found.spectral = [_spectral(s.text) for s in coverage.iterfind("spectral")]
    found.tables = [t.text for t in record.iterfind("tableset/schema/table/name") if t.text]
    for rel in record.iterfind("content/relationship"):
        target = rel.find("relatedResource")
        if target is not None:
            found.related.append((rel.findtext("relationshipType") or "",
                                  target.get("ivo-id") or "", target.text or ""))
    return found
