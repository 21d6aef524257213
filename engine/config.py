"""DR's configuration: gavo.conf (INI) plus DR_* environment variables, read once.

Every key is declared here, once, with its type and default; ``gavo.conf.example``
documents each of them (a test holds the two in step).  Nothing reads the
configuration at import time: commands call :func:`load_config` and pass the
result on.
"""

from __future__ import annotations

import configparser
import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import ConfigError
from rd import site as rd_site

CHECKOUT_ROOT = Path(__file__).resolve().parent.parent


def _key(ini_name: str, default: Any, doc: str) -> Any:
    return field(default=default, metadata={"ini": ini_name, "doc": doc})


@dataclass(frozen=True)
class GeneralSection:
    state_dir: Path = _key("stateDir", Path("var"), "DR's state: cluster, logs, jobs")
    inputs_dir: Path = _key("inputsDir", Path("inputs"), "where resource dirs live")
    log_level: str = _key("logLevel", "info", "debug, info, warning or error")


@dataclass(frozen=True)
class DBSection:
    dsn: str = _key("dsn", "", "libpq DSN of an existing server; empty: embedded")
    pg_bin_dir: str = _key("pgBinDir", "", "PostgreSQL binaries; empty: newest found")
    cluster_user: str = _key("clusterUser", "postgres", "runs the cluster as root")
    replica_dsn: str = _key("replicaDsn", "", "libpq DSN of a streaming-replication "
                            "standby for read-only user queries; empty: the embedded "
                            "one if dr db replica made it, else none")
    max_replica_lag: int = _key("maxReplicaLag", 30, "seconds the standby may lag "
                                "before reads go to the primary")


@dataclass(frozen=True)
class WebSection:
    bind_address: str = _key("bindAddress", "127.0.0.1", "interface to listen on")
    server_port: int = _key("serverPort", 8080, "TCP port of dr serve")
    processes: int = _key("processes", 1, "server processes sharing the port")
    server_url: str = _key("serverURL", "http://localhost:8080", "public base URL")
    trusted_proxies: str = _key("trustedProxies", "",
                                "proxies whose X-Forwarded-For DR believes")
    maxrec: int = _key("maxrec", 10000, "default row limit of results")
    hard_maxrec: int = _key("hardMaxrec", 16000000, "largest MAXREC accepted")
    upload_limit: int = _key("uploadLimit", 100000000, "largest upload in bytes")
    body_limit: int = _key("bodyLimit", 1000000, "largest body where no upload goes")
    max_uploads: int = _key("maxUploads", 20, "upload tables in one request")
    upload_fetch_timeout: int = _key("uploadFetchTimeout", 60,
                                     "seconds fetching an upload URL may take")
    fetch_private_hosts: bool = _key("fetchPrivateHosts", False,
                                     "upload URLs may name loopback/private hosts")
    sync_timeout: int = _key("syncTimeout", 600, "seconds a sync query may run")
    db_connections: int = _key("dbConnections", 16, "database connections per process")
    db_wait: int = _key("dbWait", 10, "seconds a request waits for a connection")
    write_timeout: int = _key("writeTimeout", 120, "seconds a client may stall reading")
    spool_limit: int = _key("spoolLimit", 2000000000, "largest spooled result in bytes")


@dataclass(frozen=True)
class AsyncSection:
    workers: int = _key("workers", 2, "UWS jobs running at once")
    default_execution_duration: int = _key(
        "defaultExecutionDuration", 3600, "seconds a job may run")
    default_destruction: int = _key(
        "defaultDestruction", 604800, "seconds until a job is destroyed")
    max_destruction: int = _key(
        "maxDestruction", 2592000, "longest a job may be kept, in seconds")


@dataclass(frozen=True)
class IVOASection:
    authority: str = _key("authority", "dr.example.org", "registry authority")
    publisher: str = _key("publisher", "", "who publishes the site's resources "
                          "(registry records; default: the serverURL's host)")
    contact_name: str = _key("contactName", "", "whom to contact about them "
                             "(default: the publisher)")
    contact_email: str = _key("contactEmail", "", "their e-mail address")
    oai_page_size: int = _key("oaiPageSize", 100, "OAI-PMH records per page")


SECTIONS: dict[str, type] = {
    "general": GeneralSection,
    "db": DBSection,
    "web": WebSection,
    "async": AsyncSection,
    "ivoa": IVOASection,
}


@dataclass(frozen=True)
class Config:
    """The whole configuration; ``source`` is the file read, if any."""

    general: GeneralSection = field(default_factory=GeneralSection)
    db: DBSection = field(default_factory=DBSection)
    web: WebSection = field(default_factory=WebSection)
    async_: AsyncSection = field(default_factory=AsyncSection)
    ivoa: IVOASection = field(default_factory=IVOASection)
    source: Path | None = None

    @property
    def state_dir(self) -> Path:
        return self.general.state_dir

    @property
    def inputs_dir(self) -> Path:
        return self.general.inputs_dir


def declared_keys() -> list[tuple[str, str, Any]]:
    """(section, ini key, default) for every configuration key, in order."""
    out = []
    for name, cls in SECTIONS.items():
        for f in dataclasses.fields(cls):
            default = f.default
            out.append((name, f.metadata["ini"], default))
    return out


def _convert(section: str, key: str, raw: str, target: type, where: str) -> Any:
    try:
        if target is int:
            return int(raw)
        if target is bool:
            return _boolean(raw)
        if target is Path:
            return Path(os.path.expanduser(raw))
        return raw
    except ValueError:
        raise ConfigError(
            f"{where}: [{section}] {key} = {raw!r} is not a valid {target.__name__}"
        ) from None


def _read_file(path: Path) -> dict[str, dict[str, Any]]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keep the user's spelling for messages
    try:
        with open(path, encoding="utf-8") as f:
            parser.read_file(f)
    except configparser.Error as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read configuration {path}: {exc.strerror}") from None

    values: dict[str, dict[str, Any]] = {}
    for section in parser.sections():
        cls = SECTIONS.get(section.lower())
        if cls is None:
            raise ConfigError(
                f"{path}: unknown section [{section}]",
                hint="known sections: " + ", ".join(f"[{s}]" for s in SECTIONS))
        by_ini = {f.metadata["ini"].lower(): f for f in dataclasses.fields(cls)}
        for key, raw in parser.items(section):
            f = by_ini.get(key.lower())
            if f is None:
                raise ConfigError(
                    f"{path}: unknown key {key!r} in [{section}]",
                    hint="see gavo.conf.example for every key")
            values.setdefault(section.lower(), {})[f.name] = _convert(
                section, key, raw.strip(), _type_of(f), str(path))
    return values


def _boolean(raw: str) -> bool:
    words = {"true": True, "yes": True, "on": True, "1": True,
             "false": False, "no": False, "off": False, "0": False}
    if raw.lower() not in words:
        raise ValueError(raw)
    return words[raw.lower()]


def _type_of(f: dataclasses.Field) -> type:
    return {"Path": Path, "int": int, "str": str, "bool": bool}[str(f.type)]


def _absolute(p: Path, base: Path) -> Path:
    return p if p.is_absolute() else (base / p)


def load_config(env: Mapping[str, str] | None = None) -> Config:
    """Read the configuration: DR_CONFIG or ``gavo.conf`` in the checkout, then DR_*."""
    env = os.environ if env is None else env
    source: Path | None = None
    if env.get("DR_CONFIG"):
        source = Path(env["DR_CONFIG"]).expanduser().resolve()
        if not source.exists():
            raise ConfigError(f"DR_CONFIG names {source}, which does not exist")
    elif (CHECKOUT_ROOT / "gavo.conf").exists():
        source = CHECKOUT_ROOT / "gavo.conf"

    values = _read_file(source) if source else {}
    base = source.parent if source else CHECKOUT_ROOT
    sections = {name: cls(**values.get(name, {})) for name, cls in SECTIONS.items()}

    general = sections["general"]
    state_dir = Path(env["DR_STATE_DIR"]) if env.get("DR_STATE_DIR") else general.state_dir
    inputs_dir = (Path(env["DR_INPUTS_DIR"]) if env.get("DR_INPUTS_DIR")
                  else general.inputs_dir)
    general = dataclasses.replace(
        general,
        state_dir=_absolute(state_dir.expanduser(), base).resolve(),
        inputs_dir=_absolute(inputs_dir.expanduser(), base).resolve(),
    )
    if general.log_level.lower() not in ("debug", "info", "warning", "error"):
        raise ConfigError(f"[general] logLevel = {general.log_level!r} is not one of "
                          "debug, info, warning, error")
    config = Config(general=general, db=sections["db"], web=sections["web"],
                    async_=sections["async"], ivoa=sections["ivoa"], source=source)
    rd_site.install(site_of(config))
    return config


def site_of(config: Config) -> rd_site.Site:
    """What RDs may ask of this configuration (``\\getConfig{web}{serverURL}``).

    Not [db]: its DSN may hold a password, and RD text ends up on web pages.
    """
    settings = {}
    for name in SECTIONS:
        if name == "db":
            continue
        section = getattr(config, "async_" if name == "async" else name)
        for f in dataclasses.fields(section):
            settings[f"{name}.{f.metadata['ini'].lower()}"] = str(getattr(section, f.name))
    return rd_site.Site(settings)


def shared_dir(env: Mapping[str, str] | None = None) -> Path:
    """The shared test data folder (DR_SHARED, default ../shared beside the checkout)."""
    env = os.environ if env is None else env
    return Path(env.get("DR_SHARED") or CHECKOUT_ROOT.parent / "shared").resolve()
