"""DR's exception hierarchy: every error a user can cause carries where it happened."""

from __future__ import annotations


class DRError(Exception):
    """Base of every error DR reports to a user instead of a traceback.

    ``hint`` is an optional second sentence telling the user what to do.
    """

    exit_status = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n  hint: {self.hint}"
        return self.message


class RDError(DRError):
    """A resource descriptor is broken; names file, line and element."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        element: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.path, self.line, self.element = path, line, element
        super().__init__(message, hint=hint)
        self.message = self._located(message)

    def _located(self, message: str) -> str:
        where = ":".join(str(p) for p in (self.path, self.line) if p is not None)
        elem = f" <{self.element}>" if self.element else ""
        return f"{where}:{elem} {message}" if where else f"{elem.strip()} {message}".strip()


class SourceError(DRError):
    """A source file cannot be read as its grammar says; names file and line."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 hint: str | None = None) -> None:
        self.path, self.line = path, line
        where = ":".join(str(p) for p in (path, line) if p is not None)
        super().__init__(f"{where}: {message}" if where else message, hint=hint)
