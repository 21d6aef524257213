"""XML text for the writers: escaping, rejecting what XML 1.0 cannot hold, XML IDs."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

# Characters XML 1.0 does not allow at all (not even as character references).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# In attributes, quotes must go, and white space would be normalised away.
_ATTR_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                               "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})
_NOT_NAME = re.compile(r"[^A-Za-z0-9_.-]")


def check(text: str, where: str) -> str:
    """``text`` itself; a ValueError naming ``where`` if XML 1.0 cannot hold it."""
    match = _ILLEGAL.search(text)
    if match:
        raise ValueError(f"{where}: character U+{ord(match.group()):04X} cannot appear "
                         "in XML")
    return text


def text(value: str, where: str = "text") -> str:
    """Element content, escaped."""
    return check(value, where).translate(_TEXT_ESCAPES)


def attr(value: str, where: str = "attribute") -> str:
    """An attribute value (for double quotes), escaped."""
    return check(value, where).translate(_ATTR_ESCAPES)


def scrub(value: str) -> str:
    """``value`` with characters XML cannot hold replaced by U+FFFD (for error messages,
    which must get out whatever they contain)."""
    return _ILLEGAL.sub("\ufffd", value)


def escape_cells(cells: list[str], where: str) -> list[str]:
    """Text cells escaped for element content, checked all at once."""
    joined = "".join(cells)
    check(joined, where)
    if "&" in joined or "<" in joined or ">" in joined:
        return [c.translate(_TEXT_ESCAPES) for c in cells]
    return cells


def unique_ids(names: Iterable[str]) -> list[str]:
    """XML IDs (NCNames) made from names, unique among themselves."""
    return list(_unique_ids(tuple(names)))


@functools.lru_cache(maxsize=1024)  # a service's results have the same columns each time
def _unique_ids(names: tuple[str, ...]) -> tuple[str, ...]:
    ids: list[str] = []
    taken: set[str] = set()
    for name in names:
        base = _NOT_NAME.sub("_", name) or "col"
        if not (base[0].isalpha() or base[0] == "_"):
            base = "_" + base
        candidate, n = base, 1
        while candidate.lower() in taken:
            n += 1
            candidate = f"{base}_{n}"
        taken.add(candidate.lower())
        ids.append(candidate)
    return tuple(ids)
