"""ADQL's tokens as pyparsing elements: keywords, identifiers, literals, comments.

Keywords are regular expressions with a look-ahead only (not pyparsing's
Keyword, which also looks behind), because ADQL lets a keyword follow a digit
directly (``ORDER BY 2desc``).  Comments are blanked out before parsing, with
string literals left alone, so offsets (and so error positions) stay exact.
"""

from __future__ import annotations

import re
import threading
import time

import pyparsing as pp

from adql import nodes as n
from adql.errors import ADQLError, abbreviated
from adql.reserved import FUNCTION_WORDS, RESERVED

_WORD_END = r"(?![A-Za-z0-9_])"
# Parsing is given up after this long: deeply nested parentheses make the grammar
# backtrack (polynomially, but a second per group), and a query may hold many.
MAX_PARSE_SECONDS = 2.0
_COMMENT_OR_QUOTED = re.compile(r"'(?:[^']|'')*'?|\"(?:[^\"]|\"\")*\"?|--[^\n]*")


def blank_comments(text: str) -> str:
    """``text`` with every ``--`` comment replaced by spaces (offsets unchanged)."""
    def blank(match: re.Match[str]) -> str:
        token = match.group(0)
        return " " * len(token) if token.startswith("--") else token
    return _COMMENT_OR_QUOTED.sub(blank, text)


class Diagnostics(threading.local):
    """The furthest position where a token was expected and not found, and what was.

    pyparsing reports where the outermost alternative failed; the furthest
    failed token is where the query actually stops making sense.
    """

    def __init__(self) -> None:
        self.reset()
        self.deadline = float("inf")  # until parse() resets it (not while warming up)

    def reset(self) -> None:
        self.furthest = -1
        self.expected: set[str] = set()
        self.deadline = time.monotonic() + MAX_PARSE_SECONDS


DIAGNOSTICS = Diagnostics()


def _record(text: str, loc: int, element: pp.ParserElement, error: Exception) -> None:
    if time.monotonic() > DIAGNOSTICS.deadline:
        raise ADQLError(f"the query is too complex: parsing it took more than "
                        f"{MAX_PARSE_SECONDS:g} s", offset=loc,
                        hint="nest fewer parentheses")
    if loc > DIAGNOSTICS.furthest:
        DIAGNOSTICS.furthest, DIAGNOSTICS.expected = loc, {element.name}
    elif loc == DIAGNOSTICS.furthest:
        DIAGNOSTICS.expected.add(element.name)


def tracked(element: pp.ParserElement) -> pp.ParserElement:
    """``element`` with its failures recorded in DIAGNOSTICS."""
    return element.set_fail_action(_record)


class OpToken:
    """An operator as parsed, with its position (for error messages)."""

    __slots__ = ("op", "pos")

    def __init__(self, op: str, pos: int) -> None:
        self.op, self.pos = op, pos

    def __repr__(self) -> str:
        return f"OpToken({self.op!r})"


def kw(word: str) -> pp.ParserElement:
    """A case-insensitive keyword, returned upper-cased."""
    element = pp.Regex(rf"(?i){re.escape(word)}{_WORD_END}").set_name(word)
    return tracked(element.set_parse_action(lambda s, loc, t: t[0].upper()))


def skw(*words: str) -> pp.ParserElement:
    """Keywords that must be present but leave no token."""
    result = kw(words[0])
    for word in words[1:]:
        result = result + kw(word)
    return pp.Suppress(result)


def op(pattern: str, name: str) -> pp.ParserElement:
    """An operator token carrying its position."""
    return tracked(pp.Regex(pattern).set_name(name).set_parse_action(
        lambda s, loc, t: OpToken(t[0], loc)))


def punct(char: str) -> pp.ParserElement:
    return pp.Suppress(tracked(pp.Literal(char).set_name(repr(char))))


LPAR, RPAR, COMMA, DOT = punct("("), punct(")"), punct(","), punct(".")

_word = pp.Regex(r"[A-Za-z][A-Za-z0-9_]*")

regular_identifier = (
    _word.copy().add_condition(lambda s, loc, t: t[0].upper() not in RESERVED)
    .add_parse_action(lambda s, loc, t: n.Name(t[0]))
    .set_name("identifier"))

delimited_identifier = (
    pp.Regex(r'"(?:[^"]|"")+"')
    .set_parse_action(lambda s, loc, t: n.Name(t[0][1:-1].replace('""', '"'), True))
    .set_name("delimited identifier"))

identifier = tracked((regular_identifier | delimited_identifier).set_name("identifier"))

# A word that may name a function: anything not reserved, or a reserved
# function name (ABS, POINT, COUNT...); the syntax pass checks it is known.
function_name = (
    _word.copy().add_condition(
        lambda s, loc, t: t[0].upper() not in RESERVED or t[0].upper() in FUNCTION_WORDS)
    .set_name("function name"))


_STRING_PART = re.compile(r"'((?:[^']|'')*)'")


def _string(s: str, loc: int, t: pp.ParseResults) -> n.StringLiteral:
    # SQL-92: quoted parts separated only by white space (or comments) form one string.
    value = "".join(p.replace("''", "'") for p in _STRING_PART.findall(t[0]))
    return n.StringLiteral(loc, value=value)


string_literal = (
    pp.Regex(r"'(?:[^']|'')*'(?:\s*'(?:[^']|'')*')*")
    .set_parse_action(_string)
    .set_name("string"))
tracked(string_literal)

hex_literal = (
    pp.Regex(r"0[xX][0-9A-Fa-f]+" + _WORD_END)
    .set_parse_action(lambda s, loc, t: n.HexLiteral(loc, text=t[0][2:]))
    .set_name("hexadecimal number"))

number_literal = (
    pp.Regex(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
    .set_parse_action(lambda s, loc, t: n.NumberLiteral(loc, text=t[0]))
    .set_name("number"))

null_literal = kw("NULL").set_parse_action(lambda s, loc, t: n.NullLiteral(loc))

# TOP and OFFSET become PostgreSQL's LIMIT and OFFSET, which are 64-bit.
MAX_UNSIGNED = 2 ** 63 - 1


def _unsigned(s: str, loc: int, t: pp.ParseResults) -> int:
    digits = t[0].lstrip("0") or "0"
    # Python refuses to convert very long digit strings, so look at the length first.
    if len(digits) > len(str(MAX_UNSIGNED)) or int(digits) > MAX_UNSIGNED:
        raise ADQLError(f"the number {abbreviated(t[0])} is too large here; the "
                        f"largest allowed is {MAX_UNSIGNED}", offset=loc)
    return int(digits)


unsigned_integer = (
    pp.Regex(r"\d+(?![.\deE])").set_parse_action(_unsigned)
    .set_name("unsigned integer"))
tracked(unsigned_integer)
tracked(number_literal)
