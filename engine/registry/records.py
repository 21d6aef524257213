"""VOResource 1.1 records of the publishing registry, and Dublin Core made from them.

A service's record (``vs:CatalogService``) takes its curation and content from
the service's meta, falling back to its RD's and then to the site's
(``[ivoa] publisher``, ``contactName``, ``contactEmail``); its capabilities are
those its VOSI capabilities endpoint shows.  The site's own records are the
registry (``vg:Registry`` with its OAI-PMH harvesting interface), the naming
authority (``vg:Authority``) and the TAP service.  Records are lxml elements
named ``ri:Resource``, ready to be put into an OAI-PMH ``metadata`` element;
:func:`digest` fingerprints a record without its datestamps, so that a record's
``updated`` moves only when what it says does.
"""

from __future__ import annotations

import datetime
import hashlib
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lxml import etree

from engine.config import Config
from engine.registry.coverage import Coverage
from engine.registry.store import Entry
from engine.vosi import NS as VOSI_NS
from engine.vosi import Capability, capability_element, tableset_element
from rd.elements.resource import Resource
from rd.meta import MetaStore
from rd.tablemeta import TableMeta

RI = "http://www.ivoa.net/xml/RegistryInterface/v1.0"
VG = "http://www.ivoa.net/xml/VORegistry/v1.0"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
NSMAP = {"ri": RI, "vg": VG,
         **{k: VOSI_NS[k] for k in ("vr", "vs", "cs", "tr", "sia", "ssa", "xsi")}}
XSI_TYPE = f"{{{VOSI_NS['xsi']}}}type"
REGISTRY_STANDARD = "ivo://ivoa.net/std/Registry"
# The kinds of records (dc.resources.kind): an RD's services and tables, and the
# site's own three.
SERVICE, TABLE, DATA = "service", "table", "data"
REGISTRY, AUTHORITY, TAP = "registry", "authority", "tap"
# VOResource 1.1's relationship types (http://www.ivoa.net/rdf/voresource/
# relationship_type) between a service and the tables it serves.
SERVED_BY, SERVICE_FOR = "IsServedBy", "IsServiceFor"
# DaCHS's relationship meta (``isDerivedFrom: title``, ``isDerivedFrom.ivoId:
# ivo://...``) and the relationship_type terms they stand for; isServedBy and
# isServiceFor come from the publications, not from meta.
RELATIONSHIP_META = {
    "cites": "Cites", "isCitedBy": "IsCitedBy", "continues": "Continues",
    "isContinuedBy": "IsContinuedBy", "isDerivedFrom": "IsDerivedFrom",
    "derivedFrom": "IsDerivedFrom", "isSourceOf": "IsSourceOf",
    "isIdenticalTo": "IsIdenticalTo", "isNewVersionOf": "IsNewVersionOf",
    "isPreviousVersionOf": "IsPreviousVersionOf", "isPartOf": "IsPartOf",
    "hasPart": "HasPart", "isSupplementTo": "IsSupplementTo",
    "isSupplementedBy": "IsSupplementedBy", "relatedTo": "RelatedTo",
    "uses": "Uses", "isUsedBy": "IsUsedBy", "mirrorOf": "mirror-of",
}
# The OAI set the VO Registry harvests: what dr pub registers.
HARVESTED = ("ivo_managed",)
NO_COVERAGE = Coverage()


@dataclass(frozen=True)
class Site:
    """What every record may need of the site's configuration."""

    authority: str
    server_url: str
    publisher: str
    contact_name: str
    contact_email: str
    page_size: int

    @classmethod
    def from_config(cls, config: Config) -> Site:
        server_url = config.web.server_url.rstrip("/")
        ivoa = config.ivoa
        publisher = ivoa.publisher or urllib.parse.urlsplit(server_url).hostname or \
            ivoa.authority
        return cls(ivoa.authority, server_url, publisher, ivoa.contact_name or publisher,
                   ivoa.contact_email, max(1, ivoa.oai_page_size))

    @property
    def oai_url(self) -> str:
        return f"{self.server_url}/oai.xml"

    def ivoid(self, path: str = "") -> str:
        return f"ivo://{self.authority}/{path}".rstrip("/")

    def rd_ivoid(self, rd_id: str, ident: str) -> str:
        """A service's or table's identifier (DaCHS's scheme: <rd id>/<id>)."""
        return self.ivoid(f"{rd_id}/{ident}")


@dataclass(frozen=True)
class Related:
    """A relationship of a record to another resource (VOResource 1.1)."""

    kind: str      # SERVED_BY, SERVICE_FOR
    ivoid: str
    title: str


def stamp(moment: datetime.datetime) -> str:
    """An OAI-PMH/VOResource UTC datestamp, to the second."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sub(parent: etree._Element, tag: str, text: str | None = None,
         **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, tag, {k: v for k, v in attrs.items() if v})
    if text is not None:
        el.text = text
    return el


def _resource(entry: Entry, xsi_type: str, title: str, short_name: str = "") -> \
        etree._Element:
    root = etree.Element(f"{{{RI}}}Resource", nsmap=NSMAP)
    root.set(XSI_TYPE, xsi_type)
    for name, value in (("created", stamp(entry.created)), ("updated", stamp(entry.updated)),
                        ("status", "active")):
        root.set(name, value)
    _sub(root, "title", title)
    if short_name:
        _sub(root, "shortName", short_name[:16])
    _sub(root, "identifier", entry.ivoid)
    return root


def _curation(root: etree._Element, meta: MetaStore | None, site: Site) -> None:
    get = (lambda key: meta.get(key)) if meta is not None else (lambda key: "")
    curation = _sub(root, "curation")
    _sub(curation, "publisher", get("publisher") or site.publisher)
    for item in meta.get_all("creator.name") if meta is not None else []:
        _sub(_sub(curation, "creator"), "name", item.value)
    created = get("creationDate")
    if created:
        _sub(curation, "date", created[:10], role="Created")
    if get("version"):
        _sub(curation, "version", get("version"))
    contact = _sub(curation, "contact")
    _sub(contact, "name", get("contact.name") or site.contact_name)
    email = get("contact.email") or site.contact_email
    if email:
        _sub(contact, "email", email)


def _content(root: etree._Element, meta: MetaStore | None, *, description: str,
             reference_url: str, types: Sequence[str] = (),
             levels: Sequence[str] = (), related: Iterable[Related] = ()) -> None:
    def values(key: str) -> list[str]:
        return [i.value for i in meta.get_all(key)] if meta is not None else []

    content = _sub(root, "content")
    for subject in values("subject") or ["Astronomy"]:
        _sub(content, "subject", subject)
    _sub(content, "description", (values("description") or [description])[0])
    for source in values("source")[:1]:
        _sub(content, "source", source)
    _sub(content, "referenceURL", (values("referenceURL") or [reference_url])[0])
    for kind in values("type") or list(types):
        _sub(content, "type", kind)
    for level in values("contentLevel") or list(levels):
        _sub(content, "contentLevel", level)
    for relation in [*related, *meta_relationships(meta)]:
        relationship = _sub(content, "relationship")
        _sub(relationship, "relationshipType", relation.kind)
        _sub(relationship, "relatedResource", relation.title, **{"ivo-id": relation.ivoid})


def meta_relationships(meta: MetaStore | None) -> list[Related]:
    """The relationships ``meta`` declares: DaCHS's relationship meta, with the
    related resource's title as the value and its identifier in ``.ivoId`` (or
    an ivoId attribute); each kind from the nearest store declaring it.  One
    without an identifier is left out (VOResource needs none, but a harvester
    can do nothing with it)."""
    found: list[Related] = []
    for key, kind in RELATIONSHIP_META.items():
        store = meta
        while store is not None and not any(i.key == key for i in store.items):
            store = store.parent
        if store is None:
            continue
        pairs: list[list[str]] = []
        for item in store.items:
            if item.key == key:
                pairs.append([item.value, item.attr("ivoId")])
            elif item.key == f"{key}.ivoId" and pairs:
                pairs[-1][1] = item.value
        found += [Related(kind, ivoid.strip(), title) for title, ivoid in pairs
                  if ivoid.strip()]
    return found


def _rights(root: etree._Element, meta: MetaStore | None) -> None:
    for item in meta.get_all("rights") if meta is not None else []:
        _sub(root, "rights", item.value)


def _number(value: float) -> str:
    return repr(float(value))


def _data_resource(root: etree._Element, meta: MetaStore | None,
                   coverage: Coverage) -> None:
    """vs:DataResource's facility, instrument and coverage (after the capabilities)."""
    for key in ("facility", "instrument"):
        for item in meta.get_all(key) if meta is not None else []:
            _sub(root, key, item.value)
    if not coverage:
        return
    el = _sub(root, "coverage")
    if coverage.moc:
        _sub(el, "spatial", coverage.moc.ascii())
    for tag, intervals in (("temporal", coverage.temporal),
                           ("spectral", coverage.spectral)):
        for low, high in intervals:
            _sub(el, tag, f"{_number(low)} {_number(high)}")
    for band in coverage.wavebands:
        _sub(el, "waveband", band)
    if coverage.region_of_regard:
        _sub(el, "regionOfRegard", coverage.region_of_regard)


def service_record(entry: Entry, meta: MetaStore, title: str, reference_url: str,
                   capabilities: Iterable[Capability], site: Site,
                   related: Iterable[Related] = (), coverage: Coverage = NO_COVERAGE
                   ) -> etree._Element:
    """A service of an RD: ``vs:CatalogService``."""
    root = _resource(entry, "vs:CatalogService", meta.get("title") or title,
                     meta.get("shortName"))
    _curation(root, meta, site)
    _content(root, meta, description=title, reference_url=reference_url,
             types=("Catalog",), levels=("Research",), related=related)
    _rights(root, meta)
    for cap in capabilities:
        capability_element(root, cap)
    _data_resource(root, meta, coverage)
    return root


def table_record(entry: Entry, meta: MetaStore, table: TableMeta, reference_url: str,
                 schema_description: str, site: Site, related: Iterable[Related] = (),
                 coverage: Coverage = NO_COVERAGE) -> etree._Element:
    """A table of an RD: ``vs:CatalogResource`` with its tableset."""
    title = table.title or meta.get("title") or table.qualified_name
    return _catalog_resource(entry, meta, title, table.description or title, [table],
                             reference_url, schema_description, site, related, coverage)


def collection_record(entry: Entry, meta: MetaStore, title: str,
                      tables: Sequence[TableMeta], reference_url: str,
                      schema_description: str, site: Site,
                      related: Iterable[Related] = (), coverage: Coverage = NO_COVERAGE
                      ) -> etree._Element:
    """A data element of an RD registered as one collection: ``vs:CatalogResource``
    with the tableset of every table it makes (VODataService 1.2's successor of
    vs:DataCollection)."""
    return _catalog_resource(entry, meta, title, title, tables, reference_url,
                             schema_description, site, related, coverage)


def _catalog_resource(entry: Entry, meta: MetaStore, title: str, description: str,
                      tables: Sequence[TableMeta], reference_url: str,
                      schema_description: str, site: Site, related: Iterable[Related],
                      coverage: Coverage) -> etree._Element:
    root = _resource(entry, "vs:CatalogResource", title)
    _curation(root, meta, site)
    _content(root, meta, description=description, reference_url=reference_url,
             types=("Catalog",), levels=("Research",), related=related)
    _rights(root, meta)
    _data_resource(root, meta, coverage)
    schemas: dict[str, tuple[str, list[TableMeta]]] = {}
    for table in tables:
        schemas.setdefault(table.schema, (schema_description, []))[1].append(table)
    tableset_element(root, schemas)
    return root


def tap_record(entry: Entry, capabilities: Iterable[Capability], site: Site,
               related: Iterable[Related] = ()) -> etree._Element:
    """The site's TAP service."""
    root = _resource(entry, "vs:CatalogService", f"{site.publisher} TAP service", "TAP")
    _curation(root, None, site)
    _content(root, None, reference_url=f"{site.server_url}/tap",
             description=f"The Table Access Protocol service of {site.publisher}: "
                         "ADQL queries on every table it publishes.",
             types=("Catalog",), levels=("Research",), related=related)
    for cap in capabilities:
        capability_element(root, cap)
    return root


def registry_record(entry: Entry, site: Site) -> etree._Element:
    """The registry itself: ``vg:Registry``, harvestable at /oai.xml."""
    root = _resource(entry, "vg:Registry", f"{site.publisher} publishing registry",
                     "registry")
    _curation(root, None, site)
    _content(root, None, reference_url=site.server_url,
             description=f"The publishing registry of {site.publisher}: the "
                         "VOResource records of the resources it serves, over OAI-PMH.",
             types=("Registry",))
    capability = _sub(root, "capability", standardID=REGISTRY_STANDARD)
    capability.set(XSI_TYPE, "vg:Harvest")
    interface = _sub(capability, "interface", role="std", version="1.0")
    interface.set(XSI_TYPE, "vg:OAIHTTP")
    _sub(interface, "accessURL", site.oai_url, use="base")
    _sub(capability, "maxRecords", str(site.page_size))
    _sub(root, "full", "false")
    _sub(root, "managedAuthority", site.authority)
    return root


def authority_record(entry: Entry, site: Site) -> etree._Element:
    """The naming authority the site's identifiers live under: ``vg:Authority``."""
    root = _resource(entry, "vg:Authority", f"The {site.authority} naming authority")
    _curation(root, None, site)
    _content(root, None, reference_url=site.server_url,
             description=f"The authority for the identifiers of the resources "
                         f"{site.publisher} publishes.", types=("Organisation",))
    _sub(root, "managingOrg", site.publisher)
    return root


def digest(record: etree._Element) -> str:
    """The sha256 of a record, without its datestamps and status."""
    copy = etree.fromstring(etree.tostring(record))
    for name in ("created", "updated", "status"):
        copy.attrib.pop(name, None)
    return hashlib.sha256(etree.tostring(copy, method="c14n")).hexdigest()


def dublin_core(record: etree._Element) -> etree._Element:
    """The OAI-PMH ``oai_dc`` rendering of a VOResource record."""
    root = etree.Element(f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC})

    def add(tag: str, path: str) -> None:
        for el in record.findall(path):
            if el.text:
                etree.SubElement(root, f"{{{DC}}}{tag}").text = el.text

    add("title", "title")
    add("creator", "curation/creator/name")
    add("subject", "content/subject")
    add("description", "content/description")
    add("publisher", "curation/publisher")
    add("date", "curation/date")
    add("type", "content/type")
    add("identifier", "identifier")
    add("identifier", "content/referenceURL")
    add("source", "content/source")
    add("rights", "rights")
    return root


def published_resources(rd: Resource, site: Site
                        ) -> dict[str, tuple[str, str, list[str]]]:
    """What ``dr pub`` registers of an RD: ivoid -> (kind, id, sets) of each service
    and each table with a publication in the set ivo_managed (the sets: all its
    publications')."""
    return {site.rd_ivoid(rd.rd_id, item.id): (kind, item.id, _sets(item))
            for kind, items in ((SERVICE, rd.services), (TABLE, rd.tables),
                                (DATA, rd.data))
            for item in items if registrable(item)}


def registered_tables(rd: Resource) -> list:
    """The tables of ``rd`` it publishes in the set ivo_managed."""
    return [t for t in rd.tables if registrable(t)]


def collection_tables(rd: Resource, data) -> list:
    """The tables a data element makes, in the order it makes them."""
    return [rd.resolve_table(make.table, make) for make in data.makes]


def _sets(item) -> list[str]:
    """The OAI sets of all of a service's or table's publications."""
    return sorted({s for pub in item.publications for s in pub.sets})


def registrable(item) -> bool:
    """Whether dr pub registers a service, table or data element (a publication of
    it is in the set ivo_managed)."""
    return any(s in HARVESTED for s in _sets(item))
