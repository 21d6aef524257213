"""Errors raised by the engine's own machinery (configuration, database cluster)."""

from rd.errors import DRError


class ConfigError(DRError):
    """The configuration file or environment is unusable."""


class ClusterError(DRError):
    """The embedded PostgreSQL cluster could not be created, started or reached."""


class DatabaseError(DRError):
    """The database refused something DR needed (connection, extension, DDL)."""
