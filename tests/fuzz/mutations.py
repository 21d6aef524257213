"""Hypothesis strategies that damage good inputs: tokens of a query, parts of an XML
document, bytes of anything.

Each strategy draws a seed (a known-good text), then a few edits, so most
inputs are nearly right — the kind that gets past the first checks and finds
the code behind them.
"""

from __future__ import annotations

import re

from hypothesis import strategies as st
from lxml import etree

# What ADQL and XML both split into: quoted strings, names, numbers, operators.
TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|[A-Za-z_][A-Za-z0-9_]*"
                   r"|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\|\||<=|>=|<>|!=|\s+|\S")

# Pieces no well-meaning client writes.
NASTY_TEXT = ["", "\x00", "\ufeff", "\u202e", "é", "東京", "𝄞", "\udcff", "\x1b[31m",
              "9" * 400, "1e999999", "-0", "0x" + "f" * 40, "NaN", "Infinity", "-1",
              "'", '"', "\\", "%", "_", "&", "<", "]]>", "--", "/*", ";", "\n", "\t",
              "((((((((((", "))))))))))", "x" * 2000]


def split_tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def _delete(tokens: list[str], at: int, _other: str) -> list[str]:
    return tokens[:at] + tokens[at + 1:]


def _duplicate(tokens: list[str], at: int, _other: str) -> list[str]:
    return tokens[:at + 1] + tokens[at:]


def _replace(tokens: list[str], at: int, other: str) -> list[str]:
    return tokens[:at] + [other] + tokens[at + 1:]


def _insert(tokens: list[str], at: int, other: str) -> list[str]:
    return tokens[:at] + [" ", other, " "] + tokens[at:]


def _swap(tokens: list[str], at: int, _other: str) -> list[str]:
    if at + 2 >= len(tokens):
        return tokens
    swapped = list(tokens)
    swapped[at], swapped[at + 2] = swapped[at + 2], swapped[at]
    return swapped


EDITS = [_delete, _duplicate, _replace, _insert, _swap]


@st.composite
def mutated_text(draw, seeds: list[str], vocabulary: list[str]) -> str:
    """A seed with one to four token edits; new tokens come from ``vocabulary``,
    the nasty pieces above, or random text."""
    tokens = split_tokens(draw(st.sampled_from(seeds))) or [""]
    pool = st.one_of(st.sampled_from(vocabulary), st.sampled_from(NASTY_TEXT),
                     st.text(max_size=8))
    for _ in range(draw(st.integers(1, 4))):
        edit = draw(st.sampled_from(EDITS))
        at = draw(st.integers(0, max(0, len(tokens) - 1)))
        tokens = edit(tokens, at, draw(pool)) or [""]
    return "".join(tokens)


@st.composite
def damaged_bytes(draw, seeds: list[bytes]) -> bytes:
    """A seed cut short, with bytes overwritten, inserted or deleted."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["truncate", "overwrite", "insert", "delete"]))
        at = draw(st.integers(0, len(data)))
        if kind == "truncate":
            del data[at:]
        elif kind == "overwrite":
            chunk = draw(st.binary(min_size=1, max_size=8))
            data[at:at + len(chunk)] = chunk
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        else:
            del data[at:at + draw(st.integers(1, 64))]
    return bytes(data)


def _edit(root: etree._Element, draw, values: list[str], tags: list[str]) -> None:
    """One random edit of the element tree, in place: new values from ``values``,
    the nasty pieces or random text; new element names from ``tags``."""
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    target = draw(st.sampled_from(elements))
    kind = draw(st.sampled_from(["attribute", "drop-attribute", "rename", "remove",
                                 "duplicate", "move", "text"]))
    value = draw(st.one_of(st.sampled_from(values), st.sampled_from(NASTY_TEXT),
                           st.text(max_size=12)))
    value = "".join(c for c in value if c.isprintable() or c in "\n\t")
    value = value.encode("utf-8", "ignore").decode("utf-8")
    if kind in ("attribute", "drop-attribute") and target.attrib:
        name = draw(st.sampled_from(sorted(target.attrib)))
        if kind == "attribute":
            target.set(name, value)
        else:
            del target.attrib[name]
    elif kind == "rename":
        target.tag = draw(st.sampled_from(tags))
    elif kind in ("remove", "duplicate", "move") and target is not root:
        parent = target.getparent()
        if kind == "remove":
            parent.remove(target)
        elif kind == "duplicate":
            parent.insert(parent.index(target), etree.fromstring(etree.tostring(target)))
        else:
            destination = draw(st.sampled_from(elements))
            if target not in destination.iterancestors() and destination is not target:
                parent.remove(target)
                destination.append(target)
    else:
        target.text = value


@st.composite
def edited_xml(draw, source: bytes, values: list[str], tags: list[str]) -> bytes:
    """``source`` (an XML document) with one to three edits of its element tree."""
    root = etree.fromstring(source)
    for _ in range(draw(st.integers(1, 3))):
        _edit(root, draw, values, tags)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")
