"""Errors raised by the engine's own machinery (configuration, database cluster)."""

from rd.errors import DRError


class ConfigError(DRError):
    """The configuration file or environment is unusable."""


class ClusterError(DRError):
    """The embedded PostgreSQL cluster could not be created, started or reached."""


class DatabaseError(DRError):
    """The database refused something DR needed (connection, extension, DDL)."""


class ProtocolError(DRError):
    """A request a service cannot answer: a bad or missing parameter (HTTP 400).

    ``param`` names the offending parameter, when there is one.
    """

    def __init__(self, message: str, *, param: str | None = None, status: int = 400,
                 hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.param = param
        self.status = status


class AccountError(DRError):
    """An account operation cannot be done: an unknown user or group, a name or
    password DR refuses, a token that does not exist."""
