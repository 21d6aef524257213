"""VizieR-like search expressions for form fields built from columns.

Numbers: ``5``, ``10 .. 20``, ``>5``, ``<=3.5``, ``!=0``, ``5 +/- 0.5``, and
lists ``1, 2, 7``.  Text: an exact value, a pattern with ``*`` and ``?``
(``NGC 59*``), ``~value`` for case-insensitive matching, and lists ``a, b``.
Each expression becomes an SQL condition with %(name)s placeholders; the
values travel separately, never inside the SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from engine.errors import ProtocolError

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_RANGE_RE = re.compile(rf"^({_NUMBER})\s*\.\.\s*({_NUMBER})$")
_PLUSMINUS_RE = re.compile(rf"^({_NUMBER})\s*(?:\+/-|±)\s*({_NUMBER})$")
_COMPARE_RE = re.compile(rf"^(<=|>=|!=|<>|<|>|=)\s*({_NUMBER})$")
NUMERIC_HELP = ("use a number (5), a range (10 .. 20), a comparison (>5, <=3.5) "
                "or a list (1, 2, 7)")


@dataclass
class Condition:
    """SQL for one condition and the values of its placeholders."""

    sql: str
    values: dict[str, Any] = field(default_factory=dict)


class PlaceholderNames:
    """Makes unique placeholder names for one column (or parameter)."""

    def __init__(self, prefix: str) -> None:
        self.prefix, self.count = prefix, 0

    def __call__(self) -> str:
        self.count += 1
        return f"{self.prefix}_{self.count}"


def _number(text: str, label: str, integer: bool) -> float | int:
    try:
        value = float(text)
    except ValueError:
        raise ProtocolError(f"{label}: {text!r} is not a number; {NUMERIC_HELP}",
                            param=label) from None
    if integer:
        if value != int(value):
            raise ProtocolError(f"{label}: {text!r} is not a whole number", param=label)
        return int(value)
    return value


def numeric_condition(expr: str, column_sql: str, label: str, *,
                      integer: bool = False) -> Condition:
    """The SQL condition a numeric expression means for ``column_sql``."""
    text = expr.strip()
    name = PlaceholderNames(re.sub(r"\W", "_", label.lower()))
    values: dict[str, Any] = {}

    def placeholder(value: float | int) -> str:
        key = name()
        values[key] = value
        return f"%({key})s"

    if match := _RANGE_RE.match(text):
        low, high = (_number(g, label, integer) for g in match.groups())
        if low > high:
            raise ProtocolError(f"{label}: the range {text} runs backwards; write "
                                f"{match.group(2)} .. {match.group(1)}", param=label)
        return Condition(f"{column_sql} BETWEEN {placeholder(low)} AND {placeholder(high)}",
                         values)
    if match := _PLUSMINUS_RE.match(text):
        centre = _number(match.group(1), label, False)
        width = abs(_number(match.group(2), label, False))
        return Condition(f"{column_sql} BETWEEN {placeholder(centre - width)} AND "
                         f"{placeholder(centre + width)}", values)
    if match := _COMPARE_RE.match(text):
        op = "!=" if match.group(1) == "<>" else match.group(1)
        value = _number(match.group(2), label, integer)
        return Condition(f"{column_sql} {op} {placeholder(value)}", values)
    items = [item.strip() for item in re.split(r"\s*,\s*", text) if item.strip()]
    if not items:
        raise ProtocolError(f"{label}: empty expression; {NUMERIC_HELP}", param=label)
    numbers = [_number(item, label, integer) for item in items]
    if len(numbers) == 1:
        return Condition(f"{column_sql} = {placeholder(numbers[0])}", values)
    return Condition(f"{column_sql} IN ({', '.join(placeholder(n) for n in numbers)})",
                     values)


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%").replace("?", "_")


def text_condition(expr: str, column_sql: str, label: str) -> Condition:
    """The SQL condition a text expression means for ``column_sql``."""
    text = expr.strip()
    name = PlaceholderNames(re.sub(r"\W", "_", label.lower()))
    values: dict[str, Any] = {}
    insensitive = text.startswith("~")
    if insensitive:
        text = text[1:].strip()
    items = [item.strip() for item in text.split(",") if item.strip()] or [text]
    parts = []
    for item in items:
        key = name()
        if "*" in item or "?" in item:
            values[key] = _like_pattern(item)
            op = "ILIKE" if insensitive else "LIKE"
            parts.append(f"{column_sql} {op} %({key})s")
        elif insensitive:
            values[key] = item
            parts.append(f"lower({column_sql}) = lower(%({key})s)")
        else:
            values[key] = item
            parts.append(f"{column_sql} = %({key})s")
    sql = parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"
    return Condition(sql, values)


def enumerated_condition(choices: list[str], column_sql: str, label: str,
                         allowed: list[str] | None) -> Condition:
    """A condition from values picked in a selection (one or several)."""
    if allowed is not None:
        bad = [c for c in choices if c not in allowed]
        if bad:
            raise ProtocolError(f"{label}: {bad[0]!r} is not one of the allowed values",
                                param=label)
    name = PlaceholderNames(re.sub(r"\W", "_", label.lower()))
    values = {}
    for choice in choices:
        values[name()] = choice
    if len(values) == 1:
        return Condition(f"{column_sql} = %({next(iter(values))})s", values)
    return Condition(f"{column_sql} IN ({', '.join(f'%({k})s' for k in values)})", values)
