"""TAP /examples: a DALI examples document (XHTML with RDFa) from RDs' _example metas.

An ``_example`` meta has a title and a text in DaCHS's style: description
paragraphs, then ``.. tapquery::`` followed by the ADQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from rd.elements.resource import Resource

XHTML = "http://www.w3.org/1999/xhtml"
VOCAB = "http://www.ivoa.net/rdf/examples#"  # DALI 1.1


@dataclass(frozen=True)
class Example:
    ident: str
    title: str
    description: list[str]
    query: str
    tables: list[str]


def _slug(title: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "example"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def collect(rds: Iterable[Resource], available: set[str]) -> list[Example]:
    """Examples of ``rds`` whose tables are all ``available`` (imported, queryable)."""
    examples, taken = [], set()
    for rd in rds:
        for item in rd.meta.get_all("_example", inherit=False):
            paragraphs = [p.strip() for p in re.split(r"\n\s*\n", item.value) if p.strip()]
            if ".. tapquery::" not in paragraphs:
                continue
            at = paragraphs.index(".. tapquery::")
            query = " ".join(paragraphs[at + 1:]).strip()
            if not query:
                continue
            tables = sorted({t.qualified_name.lower() for t in rd.tables
                             if t.qualified_name.lower() in query.lower()})
            if not set(tables) <= available:
                continue
            title = item.attr("title") or query[:60]
            examples.append(Example(_slug(title, taken), title, paragraphs[:at], query,
                                    tables))
    return examples


def document(examples: list[Example]) -> bytes:
    html = etree.Element(f"{{{XHTML}}}html", nsmap={None: XHTML})
    head = etree.SubElement(html, f"{{{XHTML}}}head")
    etree.SubElement(head, f"{{{XHTML}}}title").text = "TAP examples"
    body = etree.SubElement(html, f"{{{XHTML}}}body", vocab=VOCAB)
    etree.SubElement(body, f"{{{XHTML}}}h1").text = "Example queries"
    for ex in examples:
        div = etree.SubElement(body, f"{{{XHTML}}}div", typeof="example", id=ex.ident,
                               resource=f"#{ex.ident}")
        etree.SubElement(div, f"{{{XHTML}}}h2", property="name").text = ex.title
        for paragraph in ex.description:
            etree.SubElement(div, f"{{{XHTML}}}p").text = paragraph
        etree.SubElement(div, f"{{{XHTML}}}pre", property="query").text = ex.query
        for table in ex.tables:
            etree.SubElement(div, f"{{{XHTML}}}span", property="table").text = table
    return etree.tostring(html, xml_declaration=True, encoding="utf-8",
                          doctype="<!DOCTYPE html>", pretty_print=True)
