"""Running the ``metaMaker``s of an RD's own code: the names DaCHS gives them, and
compiling them once, at load.

A metaMaker is a generator with DaCHS's arguments ``self`` (the metaMaker
element) and ``descriptor`` (the dataset an ID names).  Besides the rowmaker
functions and ``rd``, its code sees ``LinkDef`` (a row of the links document),
``DatalinkFault`` with DataLink's faults as attributes
(``DatalinkFault.NotFoundFault(id, message)``), the descriptor classes, and
``MS``/``InputKey``/``Values``/``Option``, so code that yields service
parameters runs too — DR leaves such items out (the engine logs them).  The
engine (engine/datalink/metamakers.py) builds the descriptor and turns what
the code yields into rows.  The ``//soda#…`` metaMakers are not run: DR does
what they name itself (engine/datalink/recipe.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from rd.elements.datalink import MetaMaker
from rd.macros import expand_at
from rd.proccode import CompiledProc, RDView, compile_app
from rd.structure import Element

DEFAULT_SEMANTICS = "http://dc.g-vo.org/datalink#other"  # DaCHS's, when none is given
SODA_PREFIX = "//soda#"


class LinkDef:
    """A row of a links document, with DaCHS's argument names.  The ID given is
    replaced by the ID of the request; semantics None means the metaMaker's."""

    def __init__(self, pubDID: str | None, accessURL: str | None = None,  # noqa: N803
                 serviceType: str | None = None, errorMessage: str | None = None,  # noqa: N803
                 description: str | None = None, semantics: str | None = None,
                 contentType: str | None = None, contentLength: int | None = None,  # noqa: N803
                 localSemantics: str | None = None,  # noqa: N803
                 contentQualifier: str | None = None) -> None:  # noqa: N803
        self.pubDID, self.accessURL, self.serviceType = pubDID, accessURL, serviceType
        self.errorMessage, self.description = errorMessage, description
        self.semantics, self.contentType = semantics, contentType
        self.contentLength, self.localSemantics = contentLength, localSemantics
        self.contentQualifier = contentQualifier

    def __repr__(self) -> str:
        return f"LinkDef({self.pubDID!r}, {self.accessURL!r}, semantics={self.semantics!r})"


class DatalinkFault(Exception):
    """Why an ID has no link: yielded or raised by a metaMaker, an error row.

    ``DatalinkFault.NotFoundFault(id, message)`` and its siblings carry
    DataLink 1.1's fault names (NotFoundFault, UsageFault, TransientFault,
    FatalFault, DefaultFault), plus DaCHS's AuthenticationFault and
    AuthorizationFault; DaCHS's ``Fault`` is DefaultFault.
    """

    fault = "DefaultFault"
    # set below: the subclasses, as DaCHS code names them
    NotFoundFault: type[DatalinkFault]
    UsageFault: type[DatalinkFault]
    TransientFault: type[DatalinkFault]
    FatalFault: type[DatalinkFault]
    DefaultFault: type[DatalinkFault]
    Fault: type[DatalinkFault]
    AuthenticationFault: type[DatalinkFault]
    AuthorizationFault: type[DatalinkFault]

    def __init__(self, pubDID: str | None, message: str,  # noqa: N803
                 semantics: str | None = None, description: str | None = None) -> None:
        super().__init__(f"{self.fault}: {message}")
        self.pubDID, self.message = pubDID, message
        self.semantics, self.description = semantics, description


for _name in ("NotFoundFault", "UsageFault", "TransientFault", "FatalFault",
              "DefaultFault", "AuthenticationFault", "AuthorizationFault"):
    setattr(DatalinkFault, _name, type(_name, (DatalinkFault,), {"fault": _name}))
DatalinkFault.Fault = DatalinkFault.DefaultFault


class ProductDescriptor:
    """``descriptor`` in metaMakers: a row of dc.products with DaCHS's attribute
    names (pubDID, accref, accessPath — relative to the inputs directory —,
    mime, owner, embargo, sourceTable, datalink, preview, previewMime) and
    ``data`` (always None in metaMakers, as in DaCHS)."""

    data = None
    suppressAutoLinks = False

    def __init__(self, pubDID: str, accref: str, accessPath: str, mime: str,  # noqa: N803
                 owner: str | None = None, embargo: Any = None,
                 sourceTable: str | None = None, datalink: str | None = None,  # noqa: N803
                 preview: str | None = None, previewMime: str | None = None,  # noqa: N803
                 inputsDir: str | None = None,  # noqa: N803
                 fileLink: Callable[..., Any] | None = None) -> None:  # noqa: N803
        self.pubDID, self.accref, self.accessPath, self.mime = pubDID, accref, accessPath, mime
        self.owner, self.embargo, self.sourceTable = owner, embargo, sourceTable
        self.datalink, self.preview, self.previewMime = datalink, preview, previewMime
        self._inputs_dir, self._file_link = inputsDir, fileLink

    def localPath(self) -> str | None:  # noqa: N802 (a DaCHS-style name)
        """The dataset's file on this machine (None for a remote one)."""
        if self._inputs_dir is None or "://" in self.accessPath:
            return None
        return os.path.join(self._inputs_dir, self.accessPath)

    def estimateSize(self) -> int | None:  # noqa: N802 (DaCHS's name)
        path = self.localPath()
        try:
            return os.path.getsize(path) if path else None
        except OSError:
            return None

    def makeLink(self, url: str, **kwargs: Any) -> LinkDef:  # noqa: N802 (DaCHS's name)
        """A LinkDef for this dataset to ``url`` (keywords as LinkDef's)."""
        return LinkDef(self.pubDID, url, **kwargs)

    def makeLinkFromFile(self, localPath: str, description: str | None = None,  # noqa: N802, N803
                         semantics: str | None = None, service: Any = None,
                         contentType: str | None = None,  # noqa: N803
                         suppressMissing: bool = False) -> LinkDef | DatalinkFault | None:  # noqa: N803
        """A link to ``localPath`` (relative to the RD's resource directory).

        DR has no ``static`` renderer: the file must be a product (a row of
        dc.products) the caller may have, linked at /getproduct; anything else
        is a NotFoundFault (None with ``suppressMissing``).  ``service`` is
        ignored.
        """
        if self._file_link is None:
            raise RuntimeError("makeLinkFromFile needs the server")
        return self._file_link(localPath, description, semantics, contentType,
                               suppressMissing)


class FITSProductDescriptor(ProductDescriptor):
    """The descriptor of //soda#fits_genDesc: adds ``hdr``, the primary header of
    the file (an astropy Header), read when first asked for."""

    _hdr = None

    @property
    def hdr(self) -> Any:
        if self._hdr is None:
            from astropy.io import fits  # only metaMakers reading headers need it

            path = self.localPath()
            if path is None:
                raise ValueError(f"{self.accref} is not a file of this site; it has "
                                 "no header here")
            self._hdr = fits.getheader(path)
        return self._hdr


class Struct:
    """What ``MS(InputKey, ...)`` makes: the keywords, kept (DR does not add
    service parameters of a metaMaker's own to its descriptors)."""

    def __init__(self, **kwargs: Any) -> None:
        self.__dict__.update(kwargs)


class InputKey(Struct):
    """A service parameter a metaMaker yields (left out by DR)."""


class Values(Struct):
    pass


class Option(Struct):
    pass


def MS(cls: type, **kwargs: Any) -> Any:  # noqa: N802 (DaCHS's name)
    return cls(**kwargs)


def names() -> dict[str, Any]:
    """The names a metaMaker's code sees besides the rowmaker functions and ``rd``."""
    return {"LinkDef": LinkDef, "DatalinkFault": DatalinkFault,
            "ProductDescriptor": ProductDescriptor,
            "FITSProductDescriptor": FITSProductDescriptor, "MS": MS,
            "InputKey": InputKey, "Values": Values, "Option": Option, "Options": Option,
            "DEFAULT_SEMANTICS": DEFAULT_SEMANTICS}


def runs_own_code(app: MetaMaker) -> bool:
    """Whether DR runs ``app``: its own code or a procDef not of //soda (whose
    metaMakers DR does itself)."""
    return not app.unavailable and not (app.proc_def or "").startswith(SODA_PREFIX)


def compile_meta_makers(rd: Any) -> dict[int, CompiledProc]:
    """The metaMakers of ``rd``'s datalinkCores that DR runs, compiled (keyed by
    the id() of their element); raises RDError, located."""
    compiled: dict[int, CompiledProc] = {}
    extra = {"rd": RDView(rd, getattr(rd, "inputs_dir", None)), **names()}
    for app in _meta_makers(rd):
        if not runs_own_code(app):
            continue
        found = compile_app(app, extra, expand_at)
        if found is None:
            continue
        code = app.body or (app.definition.body if app.definition else "") or ""
        if "InputKey" in code:
            app.warn("DR adds the links and faults a metaMaker of its own yields, not "
                     "service parameters: the InputKeys it yields are left out")
        compiled[id(app)] = found
    return compiled


def _meta_makers(element: Element) -> list[MetaMaker]:
    found = []
    for child in element.child_elements:
        if isinstance(child, MetaMaker):
            found.append(child)
        else:
            found += _meta_makers(child)
    return found
