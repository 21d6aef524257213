"""The provenance of one entity as a W3C PROV document (PROV-JSON or PROV-XML).

The graph is read from the provenance views (engine/provenance/views.py) as the
caller, so it holds only what they may see: starting at the entity (or
activity) asked for, every relation touching a node joins its other end, up
to ``depth`` steps and :data:`MAX_NODES` nodes.  An ID is a provenance id
(``dr:table_califa.main``, ``dr:source_12``, ``dr:import_3``), or a product's
accref or publisher DID, meaning the file as its latest import read it.

Identifiers are QNames with the prefix ``dr``, whose namespace is this site's
``/provenance?ID=dr:``: each expands to the URL of its own document.  A UWS
job's parameters (provenance.parameter) are attributes of its activity,
``dr:param_NAME`` (the name's other characters as ``_``), one per value.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from rd.accrefs import NotFoundError, getAccrefFromStandardPubDID

PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
MAX_NODES = 500
MAX_DEPTH = 5
_NOT_IN_NAME = re.compile(r"[^A-Za-z0-9_]")
# relation view: (its two node columns, PROV-JSON name, PROV-JSON keys of them)
RELATIONS = {
    "used": (("activity_id", "entity_id"), "used", ("prov:activity", "prov:entity")),
    "wasgeneratedby": (("entity_id", "activity_id"), "wasGeneratedBy",
                       ("prov:entity", "prov:activity")),
    "wasderivedfrom": (("entity_id", "progenitor_id"), "wasDerivedFrom",
                       ("prov:generatedEntity", "prov:usedEntity")),
    "wasassociatedwith": (("activity_id", "agent_id"), "wasAssociatedWith",
                          ("prov:activity", "prov:agent")),
}


class UnknownEntity(LookupError):
    """No entity or activity of that ID (for this caller)."""


@dataclass
class Graph:
    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    activities: dict[str, dict[str, Any]] = field(default_factory=dict)
    agents: dict[str, dict[str, Any]] = field(default_factory=dict)
    relations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def _rows(cur, sql: str, values: Any = None) -> list[dict[str, Any]]:
    cur.execute(sql, values)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def resolve(cur, ident: str, authority: str) -> str:
    """The provenance id ``ident`` means (a product: the file as last read)."""
    if ident.startswith("dr:"):
        return ident
    try:
        accref = getAccrefFromStandardPubDID(ident, f"ivo://{authority}/~?")
    except NotFoundError:
        accref = ident
    found = _rows(cur, "SELECT id FROM provenance.entity WHERE accref = %s AND "
                       "type = 'file'", (accref,))
    if not found:
        raise UnknownEntity(ident)
    return max((r["id"] for r in found), key=lambda i: int(i.rpartition("_")[2]))


def graph(cur, start: str, depth: int = 2) -> Graph:
    """The provenance around ``start`` (worker thread; ``cur`` runs as the caller)."""
    found = Graph(relations={name: [] for name in RELATIONS})
    nodes, frontier = {start}, {start}
    seen: set[tuple] = set()
    for _ in range(depth):
        if not frontier or len(nodes) >= MAX_NODES:
            break
        ids = sorted(frontier)
        frontier = set()
        for view, (columns, _, _) in RELATIONS.items():
            for row in _rows(cur, f"SELECT * FROM provenance.{view} WHERE "
                                  f"{columns[0]} = ANY(%(ids)s) OR "
                                  f"{columns[1]} = ANY(%(ids)s)", {"ids": ids}):
                key = (view, *sorted(row.items()))
                if key in seen:
                    continue
                seen.add(key)
                found.relations[view].append(row)
                for column in columns:
                    if row[column] not in nodes and len(nodes) < MAX_NODES:
                        nodes.add(row[column])
                        frontier.add(row[column])
    ids = sorted(nodes)
    for kind, table in (("entities", "entity"), ("activities", "activity"),
                        ("agents", "agent")):
        for row in _rows(cur, f"SELECT * FROM provenance.{table} WHERE id = ANY(%s)",
                         (ids,)):
            getattr(found, kind)[row["id"]] = row
    if start not in found.entities and start not in found.activities:
        raise UnknownEntity(start)
    for row in _rows(cur, "SELECT activity_id, name, param_value FROM "
                          "provenance.parameter WHERE activity_id = ANY(%s) "
                          "ORDER BY activity_id, name", (sorted(found.activities),)):
        found.activities[row["activity_id"]].setdefault("parameters", []).append(
            (f"dr:param_{_NOT_IN_NAME.sub('_', row['name'])}", row["param_value"]))
    known = set(found.entities) | set(found.activities) | set(found.agents)
    for view, (columns, _, _) in RELATIONS.items():  # both ends must be there
        found.relations[view] = [r for r in found.relations[view]
                                 if r[columns[0]] in known and r[columns[1]] in known]
    return found


def _time(value: Any) -> str | None:
    if not isinstance(value, datetime.datetime):
        return None
    return value.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def _node_attributes(kind: str, row: dict[str, Any]) -> list[tuple[str, Any]]:
    """(attribute QName, value) of a node; a value ("qname", x) is a QName."""
    attributes: list[tuple[str, Any]] = []
    if kind == "activity":
        attributes += [("prov:startTime", _time(row.get("start_time"))),
                       ("prov:endTime", _time(row.get("end_time")))]
    attributes.append(("prov:label", row.get("name")))
    if kind == "entity":
        attributes.append(("prov:location", row.get("location")))
        attributes.append(("prov:type", ("qname", f"dr:{row['type']}")))
        attributes += [("dr:sha256", row.get("content_sha256")),
                       ("dr:size", row.get("content_size")),
                       ("dr:accref", row.get("accref")),
                       ("dr:modified", _time(row.get("generated_at_time")))]
    elif kind == "agent":
        attributes.append(("prov:type", ("qname", f"prov:{row['type']}")))
    else:
        attributes.append(("prov:type", ("qname", f"dr:{row['type']}")))
        attributes += row.get("parameters", [])
    if row.get("comment"):
        attributes.append(("dr:comment", row["comment"]))
    return [(k, v) for k, v in attributes if v is not None]


def _relation_attributes(view: str, row: dict[str, Any]) -> list[tuple[str, Any]]:
    columns, _, keys = RELATIONS[view]
    attributes: list[tuple[str, Any]] = [(keys[0], row[columns[0]]),
                                         (keys[1], row[columns[1]])]
    if view == "wasderivedfrom" and row.get("activity_id"):
        attributes.append(("prov:activity", row["activity_id"]))
    moment = _time(row.get("used_time") or row.get("generated_time"))
    if moment:
        attributes.append(("prov:time", moment))
    if row.get("role"):
        attributes.append(("prov:role", row["role"]))
    return attributes


def _nodes(found: Graph) -> Iterable[tuple[str, str, dict[str, Any]]]:
    for kind, nodes in (("entity", found.entities), ("activity", found.activities),
                        ("agent", found.agents)):
        for ident, row in sorted(nodes.items()):
            yield kind, ident, row


def prov_json(found: Graph, namespace: str) -> bytes:
    """The graph as PROV-JSON (W3C Member Submission)."""
    document: dict[str, Any] = {"prefix": {"dr": namespace, "prov": PROV, "xsd": XSD}}
    for kind, ident, row in _nodes(found):
        attributes: dict[str, Any] = {}
        for key, value in _node_attributes(kind, row):
            if isinstance(value, tuple):
                value = {"$": value[1], "type": "prov:QUALIFIED_NAME"}
            elif key in ("prov:startTime", "prov:endTime", "dr:modified"):
                value = {"$": value, "type": "xsd:dateTime"} if key == "dr:modified" \
                    else value
            if key in attributes:  # a parameter given several times: a list
                before = attributes[key]
                value = [*(before if isinstance(before, list) else [before]), value]
            attributes[key] = value
        document.setdefault(kind, {})[ident] = attributes
    for view, rows in found.relations.items():
        name = RELATIONS[view][1]
        for number, row in enumerate(rows, start=1):
            document.setdefault(name, {})[f"_:{view}{number}"] = dict(
                _relation_attributes(view, row))
    return json.dumps(document, indent=1, default=str).encode("utf-8")


_XML_ORDER = {"prov:startTime": 0, "prov:endTime": 1, "prov:label": 2,
              "prov:location": 3, "prov:role": 4, "prov:type": 5}
_REFERENCES = {"prov:activity", "prov:entity", "prov:agent", "prov:generatedEntity",
               "prov:usedEntity"}


def _qname(name: str, namespace: str) -> str:
    """``prov:x`` or ``dr:x`` in lxml's {namespace}local form."""
    prefix, _, local = name.partition(":")
    uri = PROV if prefix == "prov" else namespace
    return "{" + uri + "}" + local


def prov_xml(found: Graph, namespace: str) -> bytes:
    """The graph as PROV-XML (W3C Note), node and relation children in the order
    its schema wants."""
    root = etree.Element(f"{{{PROV}}}document",
                         nsmap={"prov": PROV, "dr": namespace, "xsd": XSD, "xsi": XSI})
    for kind, ident, row in _nodes(found):
        node = etree.SubElement(root, f"{{{PROV}}}{kind}")
        node.set(f"{{{PROV}}}id", ident)
        attributes = _node_attributes(kind, row)
        attributes.sort(key=lambda kv: (_XML_ORDER.get(kv[0], 9), kv[0]))
        for key, value in attributes:
            child = etree.SubElement(node, _qname(key, namespace))
            if isinstance(value, tuple):
                child.set(f"{{{XSI}}}type", "xsd:QName")
                value = value[1]
            elif key == "dr:size":
                child.set(f"{{{XSI}}}type", "xsd:long")
            child.text = str(value)
    for view, rows in found.relations.items():
        tag = RELATIONS[view][1]
        for row in rows:
            element = etree.SubElement(root, f"{{{PROV}}}{tag}")
            attributes = _relation_attributes(view, row)
            refs = [(k, v) for k, v in attributes if k in _REFERENCES]
            rest = [(k, v) for k, v in attributes if k not in _REFERENCES]
            for key, value in refs:
                etree.SubElement(element, _qname(key, namespace)).set(
                    f"{{{PROV}}}ref", value)
            for key, value in sorted(rest, key=lambda kv: kv[0] != "prov:time"):
                etree.SubElement(element, _qname(key, namespace)).text = str(value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                          pretty_print=True)
