"""parse(): ADQL text to a checked syntax tree, or an ADQLError saying where it broke.

Comments are blanked, the pyparsing grammar (``grammar_query``) builds the tree,
and ``syntax`` applies the rules the grammar leaves open.  This needs no table
metadata: it is what the lyonetia conformance corpus is judged against.
"""

from __future__ import annotations

import re

import pyparsing as pp

from adql import syntax
from adql.errors import ADQLError
from adql.grammar_query import statement
from adql.lexical import DIAGNOSTICS, blank_comments
from adql.nodes_query import Statement
from adql.reserved import FUNCTION_WORDS, RESERVED

# Longer queries are refused before parsing (a generous bound on hand-written ADQL).
MAX_QUERY_LENGTH = 200_000

# Deeper nesting is refused: parsing time grows polynomially with it.
MAX_NESTING = 40

_QUOTED_OR_PAREN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|[()]")

# pyparsing streamlines a grammar — rewrites its tree — on the first parse
# through each part; parses racing in several threads at that moment corrupt
# one another (TAP translates in worker threads).  So the grammar is
# streamlined and exercised here, while the module is imported, in one thread.
statement.streamline()
for _warm_up in ("SELECT TOP 1 a, COUNT(*) AS n FROM s.t AS x JOIN u ON x.a = u.b "
                 "WHERE 1 = CONTAINS(POINT('ICRS', a, b), CIRCLE('ICRS', 1, 2, 3)) "
                 "AND NOT c < -1.5e3 OR d IN (SELECT e FROM f) GROUP BY a "
                 "HAVING COUNT(*) > 1 ORDER BY 1 DESC OFFSET 2",
                 "SELECT a || 'x', CASE WHEN b IS NULL THEN 1 ELSE 2 END FROM t "
                 "UNION SELECT DISTINCT c, d FROM u WHERE e LIKE 'x%' "
                 "AND f BETWEEN 1 AND 2",
                 "WITH w AS (SELECT a FROM t) SELECT * FROM w"):
    statement.parse_string(_warm_up, parse_all=True)

_TOKEN = re.compile(r"'(?:[^']|'')*'?|\"(?:[^\"]|\"\")*\"?|[A-Za-z_][A-Za-z0-9_]*"
                    r"|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\|\||<=|>=|<>|!=|\S")


def parse(query: str) -> Statement:
    """The syntax tree of ``query``; raises ADQLError for anything that is not ADQL."""
    if not isinstance(query, str) or not query.strip():
        raise ADQLError("the query is empty", offset=0, query=query or "")
    if len(query) > MAX_QUERY_LENGTH:
        raise ADQLError(f"the query is longer than {MAX_QUERY_LENGTH} characters",
                        offset=0, query=query)
    if "\x00" in query:
        raise ADQLError("the query contains a NUL character", offset=query.index("\x00"),
                        query=query)
    text = blank_comments(query)
    depth, where = _nesting(text)
    if depth > MAX_NESTING:
        raise ADQLError(f"the query nests parentheses more than {MAX_NESTING} deep",
                        offset=where, query=query)
    DIAGNOSTICS.reset()
    try:
        tree = statement.parse_string(text, parse_all=True)[0]
        return syntax.apply(tree)
    except pp.ParseBaseException as exc:
        raise _syntax_error(text, exc).locate(query) from None
    except ADQLError as exc:
        raise exc.locate(query) from None
    except RecursionError:
        raise ADQLError("the query is nested too deeply", offset=0,
                        query=query) from None


def _nesting(text: str) -> tuple[int, int]:
    """The deepest parenthesis nesting outside strings, and where it is reached."""
    depth = deepest = where = 0
    for match in _QUOTED_OR_PAREN.finditer(text):
        token = match.group(0)
        if token == "(":
            depth += 1
            if depth > deepest:
                deepest, where = depth, match.start()
        elif token == ")":
            depth -= 1
    return deepest, where


_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|['\"]")


def _unterminated(text: str) -> ADQLError | None:
    for match in _QUOTED.finditer(text):
        if match.group(0) == "'":
            return ADQLError("unterminated string", offset=match.start(),
                             hint="strings are enclosed in single quotes; write '' for a "
                                  "quote inside one")
        if match.group(0) == '"':
            return ADQLError("unterminated delimited identifier", offset=match.start())
    return None


def _syntax_error(text: str, exc: pp.ParseBaseException) -> ADQLError:
    unterminated = _unterminated(text)
    if unterminated is not None:
        return unterminated
    loc = max(exc.loc, DIAGNOSTICS.furthest)
    while loc < len(text) and text[loc].isspace():
        loc += 1
    misuse = _reserved_misuse(text, loc)
    if misuse is not None:
        return misuse
    match = _TOKEN.match(text, loc)
    if match is None:
        hint = _expected(exc)
        return ADQLError("the query ends too early", offset=len(text.rstrip()),
                         hint=None if hint and "end of text" in hint else hint)
    token = match.group(0)
    if token == ";":
        return ADQLError("';' is not allowed: a query is a single statement", offset=loc)
    if token.upper() == "LIMIT" or _previous_word(text, loc) == "LIMIT":
        return ADQLError("LIMIT is not ADQL", offset=loc,
                         hint="write SELECT TOP n ... to get at most n rows")
    return ADQLError(f"syntax error at {token!r}", offset=loc, hint=_expected(exc))


def _expected(exc: pp.ParseBaseException) -> str | None:
    wanted = sorted(name for name in DIAGNOSTICS.expected if name and len(name) < 30)
    if DIAGNOSTICS.furthest >= exc.loc and 0 < len(wanted) <= 8:
        return "expected " + " or ".join(wanted)
    message = str(exc.msg)
    if message.startswith("Expected "):
        wanted_text = message[len("Expected "):].split(", found")[0]
        if len(wanted_text) < 80 and "{" not in wanted_text:
            return f"expected {wanted_text}"
    return None


_WORD = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|[A-Za-z][A-Za-z0-9_]*|\S")
# Reserved words the grammar itself uses; any other reserved word is a name
# the user forgot to quote.
_GRAMMAR_WORDS = frozenset("""
SELECT DISTINCT ALL TOP FROM WHERE GROUP BY HAVING ORDER ASC DESC OFFSET UNION INTERSECT
EXCEPT WITH AS JOIN INNER LEFT RIGHT FULL OUTER NATURAL CROSS ON USING AND OR NOT BETWEEN
LIKE ILIKE IN IS NULL EXISTS CASE WHEN THEN ELSE END CAST SMALLINT INTEGER BIGINT REAL
DOUBLE PRECISION CHAR VARCHAR TIMESTAMP POINT CIRCLE POLYGON
""".split())


_CAST_TYPES = frozenset("SMALLINT INTEGER BIGINT REAL DOUBLE CHAR VARCHAR TIMESTAMP POINT "
                        "CIRCLE POLYGON".split())


def _previous_word(text: str, loc: int) -> str:
    words = re.findall(r"[A-Za-z_]+", text[:loc])
    return words[-1].upper() if words else ""


def _reserved_misuse(text: str, loc: int) -> ADQLError | None:
    """A reserved word used as a name (before the point of failure), if any."""
    tokens = [(m.group(0), m.start()) for m in _WORD.finditer(text) if m.start() <= loc]
    for i, (token, start) in enumerate(tokens):
        word = token.upper()
        if word not in RESERVED or token[0] in "'\"":
            continue
        following = tokens[i + 1][0] if i + 1 < len(tokens) else ""
        previous = tokens[i - 1][0].upper() if i else ""
        in_cast = previous == "AS" and any(
            t.upper() == "CAST" for t, _ in tokens[max(0, i - 30):i])
        if in_cast and word not in _CAST_TYPES:
            return ADQLError(f"CAST cannot convert to {token}", offset=start,
                             hint="the types are " + ", ".join(sorted(_CAST_TYPES)))
        misused = (word in FUNCTION_WORDS and following != "(" and start < loc
                   or word not in _GRAMMAR_WORDS and word not in FUNCTION_WORDS
                   or previous == "AS" and word not in _CAST_TYPES)
        if misused:
            return ADQLError(f"{token} is a reserved word and cannot be used as a name",
                             offset=start, hint=f'write it in double quotes: "{token}"')
    return None
