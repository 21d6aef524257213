"""Request parameters as services see them: case-insensitive names, lists of strings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from engine.errors import ProtocolError

MAX_DIGITS = 30  # integer parameters longer than this are refused unread


def shown(raw: str, limit: int = 60) -> str:
    """A client's value quoted for an error message, shortened when long."""
    return repr(raw if len(raw) <= limit else raw[:limit] + "…")


class Params:
    """Parameters of one request; names compare case-insensitively (DALI)."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self._values: dict[str, list[str]] = {}
        self._names: dict[str, str] = {}
        for name, value in pairs:
            key = name.lower()
            self._values.setdefault(key, []).append(value)
            self._names.setdefault(key, name)

    @classmethod
    def from_twisted(cls, args: Mapping[bytes, list[bytes]]) -> Params:
        """Text parameters of a request; values that are not UTF-8 (binary upload
        parts, read raw from the request) are left out."""
        pairs = []
        for name, values in args.items():
            try:
                key = name.decode("utf-8")
            except UnicodeDecodeError:
                raise ProtocolError("parameter names must be UTF-8 text") from None
            for value in values:
                try:
                    pairs.append((key, value.decode("utf-8")))
                except UnicodeDecodeError:
                    continue
        return cls(pairs)

    def all(self, name: str) -> list[str]:
        return self._values.get(name.lower(), [])

    def get(self, name: str, default: str | None = None) -> str | None:
        """The single value of ``name`` (blank counts as absent); several is an error."""
        values = [v for v in self.all(name) if v.strip()]
        if not values:
            return default
        if len(values) > 1 and len(set(values)) > 1:
            raise ProtocolError(f"{name} was given {len(values)} times; give it once",
                                param=name)
        return values[0].strip()

    def number(self, name: str, default: float | None = None, *,
               minimum: float | None = None, maximum: float | None = None) -> float | None:
        raw = self.get(name)
        if raw is None:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise ProtocolError(f"{name} must be a number, not {shown(raw)}",
                                param=name) from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ProtocolError(f"{name} must be a finite number", param=name)
        if minimum is not None and value < minimum:
            raise ProtocolError(f"{name} must be at least {minimum:g}, not {raw}",
                                param=name)
        if maximum is not None and value > maximum:
            raise ProtocolError(f"{name} must be at most {maximum:g}, not {raw}",
                                param=name)
        return value

    def integer(self, name: str, default: int | None = None, *,
                minimum: int = 0) -> int | None:
        raw = self.get(name)
        if raw is None:
            return default
        if len(raw) > MAX_DIGITS and raw.lstrip("+-").isdigit():
            raise ProtocolError(f"{name} is too large ({len(raw)} digits)", param=name)
        try:
            value = int(raw)
        except ValueError:
            raise ProtocolError(f"{name} must be a whole number, not {shown(raw)}",
                                param=name) from None
        if value < minimum:
            raise ProtocolError(f"{name} must be at least {minimum}, not {value}", param=name)
        return value

    def pairs(self) -> list[tuple[str, str]]:
        return [(self._names[k], v) for k, vs in self._values.items() for v in vs]

    def __contains__(self, name: str) -> bool:
        return any(v.strip() for v in self.all(name))
