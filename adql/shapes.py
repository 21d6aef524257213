"""Reusing the parse of a query's shape: queries that differ only in their literals.

TAP clients send the same query again and again with other numbers and strings
in it — a cone at another position, another object's identifier.  pyparsing
costs about a millisecond per query; checking and generating SQL a fifth of
that.  So ``parse_reusing_shapes`` keys each query by its *shape* — its text
with every number and string literal replaced by a marker — and keeps, per
shape, the syntax tree of the first query seen (before the checker annotates
it).  A later query of the same shape gets a copy of that tree with its own
literals put in and every position moved to its own text, so error messages
still point at the right column.  A tree too deep to copy recursively is
not remembered.

A shape is reused only when each of its literals became exactly one literal
node at the literal's own position; any other shape (string literals that
REGION parses, a VARCHAR length, adjacent strings SQL joins) is parsed afresh
each time.  TOP and OFFSET values stay part of the shape.  Queries the parser
refuses are never remembered.  The tree is parsed, never the SQL reused: the
checker and the generator run on every query, against the caller's tables.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

from adql import nodes as n
from adql.lexical import blank_comments
from adql.nodes_query import Statement
from adql.parser import parse

# How many shapes are remembered (least recently used ones go first), and the
# longest query whose shape is (longer ones are rare, and their trees large).
CAPACITY = 1024
LONGEST = 4000

# Words, quoted names and other characters pass unchanged; strings and
# numbers are the literals a shape abstracts from.
_TOKEN = re.compile(r"""(?P<string>'(?:[^']|'')*')
                      | "(?:[^"]|"")*"
                      | [A-Za-z_][A-Za-z0-9_]*
                      | (?P<number>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)""", re.X)
_KEEP_AFTER = ("TOP", "OFFSET")  # their integers are fields of the tree, not nodes


@dataclass(frozen=True)
class _Literal:
    start: int
    text: str
    is_string: bool


@dataclass(frozen=True)
class _Template:
    tree: Statement
    starts: list[int]        # where the literals were in the template's text
    lengths: list[int]
    slot_of: dict[int, int]  # id() of a literal node in the tree -> its literal's index


_UNCACHEABLE = object()
_PLAIN = frozenset({str, int, bool, float})  # values a tree shares between copies


class _ShapeCache:
    """A bounded, thread-safe map from shapes to templates (TAP translates in threads)."""

    def __init__(self, capacity: int) -> None:
        self._entries: OrderedDict[str, object] = OrderedDict()
        self.capacity = capacity
        self.hits = 0  # lookups that found a reusable tree
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> object | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                self.hits += isinstance(entry, _Template)
            return entry

    def put(self, key: str, entry: object) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


SHAPES = _ShapeCache(CAPACITY)


def parse_reusing_shapes(query: str) -> Statement:
    """What ``parser.parse(query)`` returns (a fresh tree the caller may annotate),
    taken from the remembered shape when there is one."""
    if not isinstance(query, str) or "\x00" in query or len(query) > LONGEST:
        return parse(query)
    key, literals = _shape(blank_comments(query))
    entry = SHAPES.get(key)
    if entry is _UNCACHEABLE:
        return parse(query)
    if isinstance(entry, _Template):
        return _instantiate(entry, literals)
    tree = parse(query)
    try:
        template = _template(tree, literals)
    except RecursionError:  # deeper than a copy can go: parsed afresh each time
        template = None
    SHAPES.put(key, template if template is not None else _UNCACHEABLE)
    return tree


def _shape(text: str) -> tuple[str, list[_Literal]]:
    """``text`` with its literals replaced by markers, and the literals."""
    pieces: list[str] = []
    literals: list[_Literal] = []
    done = 0
    previous_word = ""
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if match.group("string") is not None:
            marker = "\x00s"
        elif match.group("number") is not None and _number_stands_alone(
                text, match, previous_word):
            marker = "\x00n"
        else:
            previous_word = token.upper() if token[0].isalpha() else ""
            continue
        previous_word = ""
        pieces.append(text[done:match.start()])
        pieces.append(marker)
        literals.append(_Literal(match.start(), token, marker == "\x00s"))
        done = match.end()
    pieces.append(text[done:])
    return "".join(pieces), literals


def _number_stands_alone(text: str, match: re.Match[str], previous_word: str) -> bool:
    """Whether a number token is a literal of its own (not 0x…, 1e, TOP n)."""
    if previous_word in _KEEP_AFTER:
        return False
    end = match.end()
    return not (end < len(text) and (text[end].isalnum() or text[end] in "_.'\""))


def _template(tree: Statement, literals: list[_Literal]) -> _Template | None:
    """The reusable form of ``tree``, or None when its literals are not all plain nodes."""
    by_start: dict[int, n.Node] = {}
    for node in tree.walk():
        if isinstance(node, n.NumberLiteral | n.StringLiteral):
            if node.pos in by_start:
                return None
            by_start[node.pos] = node
    if len(by_start) != len(literals):
        return None
    for literal in literals:
        node = by_start.get(literal.start)
        if node is None or not _holds(node, literal):
            return None
    copying = _Instantiation({}, [], [], [0])
    root = copying.clone(tree)
    slot_of = {id(copying.nodes[id(by_start[lit.start])]): i
               for i, lit in enumerate(literals)}
    return _Template(root, [lit.start for lit in literals],
                     [len(lit.text) for lit in literals], slot_of)


def _holds(node: n.Node, literal: _Literal) -> bool:
    if literal.is_string:
        return (isinstance(node, n.StringLiteral)
                and node.value == literal.text[1:-1].replace("''", "'"))
    return isinstance(node, n.NumberLiteral) and node.text == literal.text


def _instantiate(template: _Template, literals: list[_Literal]) -> Statement:
    prefix = [0]  # prefix[k]: how far the first k literals moved what follows them
    for old_length, literal in zip(template.lengths, literals, strict=True):
        prefix.append(prefix[-1] + len(literal.text) - old_length)
    return _Instantiation(template.slot_of, literals, template.starts, prefix).clone(
        template.tree)


class _Instantiation:
    """One copy of a tree: literals from ``literals``, positions moved by ``prefix``."""

    def __init__(self, slot_of: dict[int, int], literals: list[_Literal],
                 starts: list[int], prefix: list[int]) -> None:
        self.slot_of, self.literals = slot_of, literals
        self.starts, self.prefix = starts, prefix
        self.nodes: dict[int, n.Node] = {}  # id() of an original node -> its copy

    def clone(self, tree: Statement) -> Statement:
        return self._node(tree)

    def _node(self, node: n.Node) -> n.Node:
        copy = object.__new__(type(node))
        value = self._value
        args = {key: child if child is None or type(child) in _PLAIN else value(child)
                for key, child in node.args.items()}
        slot = self.slot_of.get(id(node))
        if slot is not None:
            literal = self.literals[slot]
            if literal.is_string:
                args["value"] = literal.text[1:-1].replace("''", "'")
            else:
                args["text"] = literal.text
        state = copy.__dict__
        state.update(node.__dict__)
        state["args"] = args
        if self.starts and node.pos >= 0:
            # Literals starting before the node moved it (bisect_left: not its own).
            state["pos"] = node.pos + self.prefix[bisect.bisect_left(self.starts, node.pos)]
        self.nodes[id(node)] = copy
        return copy

    def _value(self, value: object) -> object:
        if isinstance(value, n.Node):
            return self._node(value)
        if isinstance(value, list):
            return [self._value(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self._value(v) for v in value)
        return value
