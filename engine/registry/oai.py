"""OAI-PMH 2.0 over ``dc.resources``: the six verbs, their errors, resumption tokens.

:func:`answer` takes a request's arguments as (name, value) pairs — OAI-PMH
names are case-sensitive and may not repeat — and returns the response
document; every error the protocol defines is answered in its words (with
HTTP 200, as the protocol wants).  Lists come in pages of ``Site.page_size``
records, ordered by datestamp and identifier; a resumption token carries where
the page ended and the request's other arguments, signed with the site's key
(:func:`token_key`), so tokens need no server state, survive restarts and
cannot be altered.  Withdrawn records are headers with ``status="deleted"``
(``deletedRecord`` persistent).  Metadata formats: ``ivo_vor`` (VOResource,
from :mod:`engine.registry.records`) and ``oai_dc``.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path

from lxml import etree

from engine.registry import records, store
from engine.registry.records import Site, stamp
from engine.registry.store import Entry

OAI = "http://www.openarchives.org/OAI/2.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
FORMATS = {
    "ivo_vor": (records.RI, "http://www.ivoa.net/xml/RegistryInterface/v1.0"),
    "oai_dc": (records.OAI_DC, "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"),
}
# Arguments of each verb: (required, optional); a resumptionToken stands alone.
VERBS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "Identify": (frozenset(), frozenset()),
    "ListMetadataFormats": (frozenset(), frozenset({"identifier"})),
    "ListSets": (frozenset(), frozenset()),
    "GetRecord": (frozenset({"identifier", "metadataPrefix"}), frozenset()),
    "ListIdentifiers": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set"})),
    "ListRecords": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set"})),
}
PAGED = ("ListIdentifiers", "ListRecords", "ListSets")
# What the record of an entry is (None: it cannot be written now).
RecordOf = Callable[[Entry], "etree._Element | None"]


class OAIError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def token_key(state_dir: Path) -> bytes:
    """The key resumption tokens are signed with: ``<stateDir>/oai.key``, made once
    (shared by the server's processes)."""
    path = state_dir / "oai.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = path.with_name(f"oai.key.{os.getpid()}")
        fresh.write_text(secrets.token_hex(32))
        fresh.chmod(0o600)
        try:
            os.link(fresh, path)  # the first process to get here wins
        except FileExistsError:
            pass
        fresh.unlink()
    return bytes.fromhex(path.read_text().strip())


def _sign(key: bytes, payload: dict) -> str:
    body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode())
    mac = hmac.new(key, body, hashlib.sha256).digest()[:16]
    return body.decode() + "." + base64.urlsafe_b64encode(mac).decode().rstrip("=")


def _unsign(key: bytes, token: str, verb: str) -> dict:
    body, _, mac = token.partition(".")
    expected = base64.urlsafe_b64encode(
        hmac.new(key, body.encode(), hashlib.sha256).digest()[:16]).decode().rstrip("=")
    if not mac or not hmac.compare_digest(mac, expected):
        raise OAIError("badResumptionToken", "The resumptionToken is not one this "
                                             "repository issued.")
    payload = json.loads(base64.urlsafe_b64decode(body.encode()))
    if payload.get("verb") != verb:
        raise OAIError("badResumptionToken", f"The resumptionToken belongs to "
                                             f"{payload.get('verb')}, not {verb}.")
    return payload


def _parse_date(text: str, name: str, end: bool) -> tuple[datetime.datetime, str]:
    for fmt, granularity in (("%Y-%m-%dT%H:%M:%SZ", "seconds"), ("%Y-%m-%d", "day")):
        try:
            moment = datetime.datetime.strptime(text, fmt).replace(tzinfo=datetime.UTC)
        except ValueError:
            continue
        if granularity == "day" and end:
            moment += datetime.timedelta(days=1, seconds=-1)
        return moment, granularity
    raise OAIError("badArgument", f"{name} must be a UTC date, YYYY-MM-DD or "
                                  f"YYYY-MM-DDThh:mm:ssZ, not {text!r}.")


def _arguments(pairs: Sequence[tuple[str, str]]) -> tuple[str, dict[str, str]]:
    """The verb and its other arguments, checked against what the verb takes."""
    seen: dict[str, str] = {}
    for name, value in pairs:
        if name in seen:
            raise OAIError("badArgument", f"The argument {name} is given more than once.")
        seen[name] = value
    verb = seen.pop("verb", None)
    if verb is None:
        raise OAIError("badVerb", "The request names no verb (verb=Identify, "
                                  "ListRecords, ...).")
    if verb not in VERBS:
        raise OAIError("badVerb", f"{verb!r} is not an OAI-PMH verb; use one of "
                                  f"{', '.join(VERBS)}.")
    required, optional = VERBS[verb]
    if "resumptionToken" in seen and verb in PAGED:
        if len(seen) > 1:
            raise OAIError("badArgument", "A resumptionToken goes alone, without other "
                                          "arguments.")
        return verb, seen
    unknown = sorted(set(seen) - required - optional)
    if unknown:
        raise OAIError("badArgument", f"{verb} does not take {', '.join(unknown)}.")
    missing = sorted(required - set(seen))
    if missing:
        raise OAIError("badArgument", f"{verb} needs {', '.join(missing)}.")
    return verb, seen


class Repository:
    """The registry's records as OAI-PMH sees them, for one request."""

    def __init__(self, cur, site: Site, record_of: RecordOf, key: bytes) -> None:
        self.cur, self.site, self.record_of, self.key = cur, site, record_of, key

    # -- the verbs ---------------------------------------------------------------------

    def identify(self, out: etree._Element, _args: dict) -> None:
        site = self.site
        earliest = store.earliest(self.cur) or datetime.datetime.now(datetime.UTC)
        for tag, text in (("repositoryName", f"{site.publisher} publishing registry"),
                          ("baseURL", site.oai_url), ("protocolVersion", "2.0"),
                          ("adminEmail", site.contact_email or
                           f"registry@{site.authority}"),
                          ("earliestDatestamp", stamp(earliest)),
                          ("deletedRecord", "persistent"),
                          ("granularity", "YYYY-MM-DDThh:mm:ssZ")):
            _add(out, tag, text)

    def list_metadata_formats(self, out: etree._Element, args: dict) -> None:
        if "identifier" in args:
            self._entry(args["identifier"])
        for prefix, (namespace, schema) in FORMATS.items():
            fmt = _add(out, "metadataFormat")
            _add(fmt, "metadataPrefix", prefix)
            _add(fmt, "schema", schema)
            _add(fmt, "metadataNamespace", namespace)

    def list_sets(self, out: etree._Element, args: dict) -> None:
        if "resumptionToken" in args:
            raise OAIError("badResumptionToken", "ListSets is never resumed here.")
        names = store.set_names(self.cur)
        if not names:
            raise OAIError("noSetHierarchy", "This repository has no sets yet.")
        for name in names:
            item = _add(out, "set")
            _add(item, "setSpec", name)
            _add(item, "setName", {"ivo_managed": "Resources the VO Registry harvests",
                                   "local": "Resources on this site's pages"
                                   }.get(name, name))

    def get_record(self, out: etree._Element, args: dict) -> None:
        prefix = _prefix(args["metadataPrefix"])
        entry = self._entry(args["identifier"])
        body = None if entry.deleted else self.record_of(entry)
        if body is None and not entry.deleted:
            raise OAIError("idDoesNotExist", f"The record {entry.ivoid} cannot be "
                                             "written at the moment (its RD is broken).")
        self._write(_add(out, "record"), entry, prefix, body)

    def list_identifiers(self, out: etree._Element, args: dict) -> None:
        self._list(out, args, "ListIdentifiers", full=False)

    def list_records(self, out: etree._Element, args: dict) -> None:
        self._list(out, args, "ListRecords", full=True)

    # -- helpers ------------------------------------------------------------------------

    def _entry(self, identifier: str) -> Entry:
        entry = store.entry(self.cur, identifier)
        if entry is None:
            raise OAIError("idDoesNotExist", f"No record has the identifier {identifier}.")
        return entry

    def _list(self, out: etree._Element, args: dict, verb: str, full: bool) -> None:
        if "resumptionToken" in args:
            query = _unsign(self.key, args["resumptionToken"], verb)
        else:
            query = {"verb": verb, "prefix": _prefix(args["metadataPrefix"]),
                     "set": args.get("set"), "from": args.get("from"),
                     "until": args.get("until"), "after": None}
        prefix = query["prefix"]
        start = until = None
        if query["from"]:
            start, from_granularity = _parse_date(query["from"], "from", end=False)
        if query["until"]:
            until, until_granularity = _parse_date(query["until"], "until", end=True)
        if start and until:
            if from_granularity != until_granularity:
                raise OAIError("badArgument", "from and until must have the same "
                                              "granularity.")
            if start > until:
                raise OAIError("badArgument", "from lies after until.")
        after = query["after"]
        resumed = after is not None
        page = self.site.page_size
        written = 0
        while True:
            entries = store.headers(
                self.cur, set_name=query["set"], start=start, until=until,
                limit=page + 1, after=(datetime.datetime.fromisoformat(after[0]),
                                       after[1]) if after else None)
            more = len(entries) > page
            entries = entries[:page]
            for entry in entries:
                if not full:
                    _header(out, entry)
                    written += 1
                    continue
                body = None if entry.deleted else self.record_of(entry)
                if body is None and not entry.deleted:
                    # A record that cannot be written now (its RD is broken) is left
                    # out of the list rather than failing the harvest of the others.
                    continue
                self._write(_add(out, "record"), entry, prefix, body)
                written += 1
            if entries:
                after = [entries[-1].updated.isoformat(), entries[-1].ivoid]
            # A page of records that could none be written would be an empty (and
            # invalid) list: go on to the next page instead.
            if written or not more:
                break
        if not written:
            if resumed and not entries:  # the records after the page vanished
                raise OAIError("badResumptionToken", "The list changed; start again.")
            raise OAIError("noRecordsMatch", "No record matches these arguments"
                           + (" that can be written now." if entries else "."))
        if more or resumed:
            token = _sign(self.key, {**query, "after": after}) if more else ""
            _add(out, "resumptionToken", token)

    def _write(self, record: etree._Element, entry: Entry, prefix: str,
               body: etree._Element | None) -> None:
        """A record element: the header, and unless deleted the metadata ``body``."""
        _header(record, entry)
        if entry.deleted or body is None:
            return
        metadata = _add(record, "metadata")
        metadata.append(body if prefix == "ivo_vor" else records.dublin_core(body))


def _prefix(prefix: str) -> str:
    if prefix not in FORMATS:
        raise OAIError("cannotDisseminateFormat", f"No metadata format {prefix!r}; "
                                                  f"this repository has "
                                                  f"{', '.join(FORMATS)}.")
    return prefix


def _add(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    el = etree.SubElement(parent, f"{{{OAI}}}{tag}")
    if text is not None:
        el.text = text
    return el


def _header(parent: etree._Element, entry: Entry) -> None:
    header = _add(parent, "header")
    if entry.deleted:
        header.set("status", "deleted")
    _add(header, "identifier", entry.ivoid)
    _add(header, "datestamp", stamp(entry.updated))
    for name in entry.sets:
        _add(header, "setSpec", name)


HANDLERS = {"Identify": Repository.identify,
            "ListMetadataFormats": Repository.list_metadata_formats,
            "ListSets": Repository.list_sets, "GetRecord": Repository.get_record,
            "ListIdentifiers": Repository.list_identifiers,
            "ListRecords": Repository.list_records}


# What XML 1.0 cannot hold (control characters, lone surrogates, U+FFFE/FFFF).
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    """``text`` as XML can hold it: a character it cannot, as its code (U+001F)."""
    return _NOT_XML.sub(lambda m: f"U+{ord(m.group(0)):04X}", text)


def answer(repository: Repository, pairs: Sequence[tuple[str, str]]) -> bytes:
    """The OAI-PMH response to a request with the arguments ``pairs``."""
    # A prefix, not the default namespace: VOResource's unqualified elements must
    # stay in no namespace inside the records.
    root = etree.Element(f"{{{OAI}}}OAI-PMH", nsmap={"oai": OAI, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    _add(root, "responseDate", stamp(datetime.datetime.now(datetime.UTC)))
    request = _add(root, "request", repository.site.oai_url)
    try:
        verb, args = _arguments(pairs)
        for name, value in (("verb", verb), *args.items()):
            request.set(name, _xml_text(value))
        body = etree.Element(f"{{{OAI}}}{verb}")
        HANDLERS[verb](repository, body, args)
        root.append(body)
    except OAIError as exc:
        if exc.code in ("badVerb", "badArgument"):
            request.attrib.clear()  # the protocol: echo no arguments then
        error = _add(root, "error", _xml_text(exc.message))
        error.set("code", exc.code)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")
