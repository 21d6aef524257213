"""UWS 1.1 XML documents: the job list, a job, its results and its parameters.

Every document validates against UWS.xsd (namespace
``http://www.ivoa.net/xml/UWS/v1.0``; ``version="1.1"`` on jobs and job
lists).  ``base`` is the absolute URL of the job list; links are absolute.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote

from lxml import etree

from engine.uws import model
from engine.uws.model import Job
from engine.uws.store import JobRef

UWS_NS = "http://www.ivoa.net/xml/UWS/v1.0"
XLINK_NS = "http://www.w3.org/1999/xlink"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {"uws": UWS_NS, "xlink": XLINK_NS, "xsi": XSI_NS}
VERSION = "1.1"
# Longer parameter values, and values that are not XML text (uploaded files),
# are shown by reference: a URL under /parameters/ returning the bytes.
INLINE_LIMIT = 65536
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot carry replaced."""
    return _NOT_XML.sub("\ufffd", text)


def inline_value(value: bytes) -> str | None:
    """The value as element content, or None when it must go by reference."""
    if len(value) > INLINE_LIMIT:
        return None
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if _NOT_XML.search(text) else text


def _el(parent: etree._Element | None, name: str, text: str | None = None,
        **attrs: str) -> etree._Element:
    tag = f"{{{UWS_NS}}}{name}"
    el = etree.Element(tag, nsmap=NSMAP) if parent is None else etree.SubElement(parent, tag)
    for key, value in attrs.items():
        el.set(key, value)
    if text is not None:
        el.text = xml_text(text)
    return el


def _nil(parent: etree._Element, name: str) -> None:
    _el(parent, name).set(f"{{{XSI_NS}}}nil", "true")


def _time(parent: etree._Element, name: str, value) -> None:
    if value is None:
        _nil(parent, name)
    else:
        _el(parent, name, model.format_time(value))


def _link(el: etree._Element, href: str) -> None:
    el.set(f"{{{XLINK_NS}}}type", "simple")
    el.set(f"{{{XLINK_NS}}}href", href)


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def job_list(refs: Sequence[JobRef], base: str) -> bytes:
    root = _el(None, "jobs", version=VERSION)
    for ref in refs:
        el = _el(root, "jobref", id=ref.job_id)
        _link(el, f"{base}/{ref.job_id}")
        _el(el, "phase", ref.phase)
        if ref.run_id is not None:
            _el(el, "runId", ref.run_id)
        if ref.owner is None:
            _nil(el, "ownerId")
        else:
            _el(el, "ownerId", ref.owner)
        _time(el, "creationTime", ref.creation_time)
    return _serialize(root)


def job_document(job: Job, base: str) -> bytes:
    root = _el(None, "job", version=VERSION)
    _el(root, "jobId", job.job_id)
    if job.run_id is not None:
        _el(root, "runId", job.run_id)
    if job.owner is None:
        _nil(root, "ownerId")
    else:
        _el(root, "ownerId", job.owner)
    _el(root, "phase", job.phase)
    _time(root, "quote", job.quote)
    _time(root, "creationTime", job.creation_time)
    _time(root, "startTime", job.start_time)
    _time(root, "endTime", job.end_time)
    _el(root, "executionDuration", str(job.execution_duration))
    _time(root, "destruction", job.destruction)
    _parameters(root, job, base)
    _results(root, job, base)
    if job.phase == model.ERROR and job.error:
        summary = _el(root, "errorSummary", type="fatal", hasDetail="true")
        _el(summary, "message", job.error)
    return _serialize(root)


def _parameters(parent: etree._Element | None, job: Job, base: str) -> etree._Element:
    root = _el(parent, "parameters")
    for position, p in enumerate(job.parameters, start=1):
        text = inline_value(p.value)
        if text is None:
            _el(root, "parameter", f"{base}/{job.job_id}/parameters/{position}",
                id=p.name, byReference="true")
        else:
            _el(root, "parameter", text, id=p.name)
    return root


def _results(parent: etree._Element | None, job: Job, base: str) -> etree._Element:
    root = _el(parent, "results")
    for r in job.results:
        el = _el(root, "result", id=r.id)
        _link(el, f"{base}/{job.job_id}/results/{quote(r.id, safe='')}")
        if r.size is not None:
            el.set("size", str(r.size))
        el.set("mime-type", r.mime_type)
    return root


def results_document(job: Job, base: str) -> bytes:
    return _serialize(_results(None, job, base))


def parameters_document(job: Job, base: str) -> bytes:
    return _serialize(_parameters(None, job, base))
