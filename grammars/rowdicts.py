"""Row dictionaries, as grammars written in Python yield them, gathered into column batches.

A row that lacks a field another row of its batch, or an earlier row, has
gets None there.  Rows
are numbered from 1 in the order they come; the number stands in for a line
in error messages.  Dispatching grammars yield ``(role, row)`` pairs instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import islice
from typing import Any

from grammars.base import RowBatch


def _value_error(message: str, number: int) -> Exception:
    return ValueError(f"row {number} {message}")


def dict_batches(rows: Iterable[Any], batch_rows: int, *, dispatching: bool = False,
                 bad_row: Callable[[str, int], Exception] = _value_error
                 ) -> Iterator[RowBatch]:
    """RowBatches of ``rows``; an item of the wrong kind raises ``bad_row(what, number)``."""
    items = iter(rows)
    number = 0
    names: dict[str, None] = {}  # every field seen so far, in order
    while chunk := list(islice(items, batch_rows)):
        roles: list[str] | None = [] if dispatching else None
        dicts: list[Mapping[str, Any]] = []
        for item in chunk:
            number += 1
            if roles is not None:
                if not (isinstance(item, tuple) and len(item) == 2
                        and isinstance(item[0], str)):
                    raise bad_row(f"is not a (role, row) pair but {_kind(item)}", number)
                roles.append(item[0])
                item = item[1]
            if not isinstance(item, Mapping):
                raise bad_row(f"is not a dictionary but {_kind(item)}", number)
            dicts.append(item)
        names.update(dict.fromkeys(name for row in dicts for name in row))
        columns = {name: [row.get(name) for row in dicts] for name in names}
        yield RowBatch(columns, range(number - len(dicts) + 1, number + 1), roles)


def _kind(item: Any) -> str:
    text = repr(item)
    return f"{type(item).__name__} {text if len(text) < 60 else text[:57] + '...'}"
