"""The TAP capability (TAPRegExt 1.0): data models, languages and features, formats,
uploads, limits."""

from __future__ import annotations

from lxml import etree

from adql import features
from engine.config import Config
from engine.formats.registry import TAPREGEXT, advertised
from engine.obscore import data_model
from engine.vosi import Capability, vosi_capabilities


def _el(tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.Element(tag, {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = text
    return el


def _child(parent: etree._Element, tag: str, text: str | None = None, **attrs: str
           ) -> etree._Element:
    el = _el(tag, text, **attrs)
    parent.append(el)
    return el


def _language() -> etree._Element:
    lang = _el("language")
    _child(lang, "name", "ADQL")
    _child(lang, "version", "2.0", **{"ivo-id": "ivo://ivoa.net/std/ADQL#v2.0"})
    _child(lang, "version", "2.1", **{"ivo-id": "ivo://ivoa.net/std/ADQL#v2.1"})
    _child(lang, "description", "ADQL 2.1, translated to PostgreSQL with pg_sphere")
    by_type: dict[str, list[tuple[str, str]]] = {}
    for type_id, form, description in features():
        by_type.setdefault(type_id, []).append((form, description))
    for type_id, items in by_type.items():
        group = _child(lang, "languageFeatures", type=type_id)
        for form, description in items:
            feature = _child(group, "feature")
            _child(feature, "form", form)
            if description:
                _child(feature, "description", description)
    return lang


def _output_formats() -> list[etree._Element]:
    """One outputFormat per advertised format (engine.formats.registry)."""
    out = []
    for fmt in advertised():
        el = _el("outputFormat", **{"ivo-id": fmt.ivo_id})
        _child(el, "mime", fmt.content_type)
        _child(el, "alias", fmt.name)
        out.append(el)
    return out


def _data_model() -> etree._Element:
    """ivoa.obscore: always there (empty until collections publish into it)."""
    name, ivo_id = data_model()
    return _el("dataModel", name, **{"ivo-id": ivo_id})


def tap_capability(config: Config, base_url: str) -> Capability:
    web, jobs = config.web, config.async_
    elements = [_data_model(), _language(), *_output_formats(),
                _el("uploadMethod", **{"ivo-id": f"{TAPREGEXT}#upload-inline"}),
                _el("uploadMethod", **{"ivo-id": f"{TAPREGEXT}#upload-http"})]
    retention = _el("retentionPeriod")
    _child(retention, "default", str(min(jobs.default_destruction, jobs.max_destruction)))
    _child(retention, "hard", str(jobs.max_destruction))
    duration = _el("executionDuration")
    _child(duration, "default", str(jobs.default_execution_duration))
    _child(duration, "hard", str(jobs.default_execution_duration))
    output = _el("outputLimit")
    _child(output, "default", str(web.maxrec), unit="row")
    _child(output, "hard", str(web.hard_maxrec), unit="row")
    upload = _el("uploadLimit")
    _child(upload, "hard", str(web.upload_limit), unit="byte")
    elements += [retention, duration, output, upload]
    return Capability("ivo://ivoa.net/std/TAP", base_url, use="base", role="std",
                      capability_type="tr:TableAccess", version="1.1", elements=elements)


def tap_capabilities(config: Config, base_url: str) -> list[Capability]:
    return [tap_capability(config, base_url), *vosi_capabilities(base_url),
            Capability("ivo://ivoa.net/std/DALI#examples", f"{base_url}/examples",
                       interface="vr:WebBrowser")]
