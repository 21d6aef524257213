"""What a ``datalinkCore`` asks for, read once from its procedure applications.

DR does not run DaCHS's datalink code: the //soda procedures a core applies
(rd/system/soda.rd) name behaviours DR implements itself.  A :class:`Recipe`
records which: the accref prefix of the descriptor generator and which SODA
parameters the #cutout service descriptor offers — or, for spectra
(``//soda#sdm_genDesc``), an :class:`SDMRecipe`: the SSA table, the builder
and which of BAND, FLUXCALIB and FORMAT the service offers.  The one kind of code of
the RD's own DR runs is a metaMaker's (compiled when the RD loaded,
rd/datalinkcode.py): the recipe carries them, in RD order.  Other
applications of code of their own are listed in ``ignored``: DR serves the
service as if it applied the standard procedures.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from rd import ssaview
from rd.datalinkcode import runs_own_code
from rd.elements.data import Data
from rd.elements.service import DatalinkCore
from rd.elements.table import Table
from rd.errors import RDError
from rd.proccode import CompiledProc

DESCRIPTORS = ("//soda#fits_genDesc", "//soda#fromStandardPubDID")
SPATIAL = frozenset({"//soda#fits_makeWCSParams", "//soda#fits_makePOSMeta",
                     "//soda#fits_makeCIRCLEMeta", "//soda#fits_makePOLYGONMeta"})
BAND = "//soda#fits_makeBANDMeta"
PIXELS = "//soda#fits_makePixelMeta"
CUTTING = frozenset({"//soda#fits_doWCSCutout", "//soda#fits_makeCIRCLESlice",
                     "//soda#fits_makePOLYGONSlice", "//soda#fits_makeSODAPOS",
                     "//soda#fits_makeBANDSlice", "//soda#fits_doPixelCutout"})
SDM_DESCRIPTOR = "//soda#sdm_genDesc"
SDM_DATA = "//soda#sdm_genData"
SDM_BAND = "//soda#sdm_makeBANDMeta"
SDM_FLUXCALIB = "//soda#sdm_makeFLUXCALIBMeta"
SDM_FORMAT = "//soda#sdm_makeFORMATMeta"


@dataclass(frozen=True)
class SDMRecipe:
    """A datalink service of spectra described in an SSA table."""

    table: Table                # the SSA table (//ssap#hcd)
    use_accref: bool = True     # IDs name the spectrum by accref (else ssa_pubDID)
    builder: Data | None = None  # the data element building the spectrum, if any
    band: bool = False          # BAND
    fluxcalib: bool = False     # FLUXCALIB
    formats: bool = False       # FORMAT

    @property
    def offers(self) -> bool:
        """Whether the service offers any processing (a #proc link)."""
        return self.band or self.fluxcalib or self.formats


@dataclass(frozen=True)
class Recipe:
    """The behaviour of one datalink service."""

    accref_prefix: str | None = None
    spatial: bool = False      # POS, CIRCLE, POLYGON (and TIME, POL where there are such axes)
    band: bool = False         # BAND
    pixels: bool = False       # PIXEL_n
    cutouts: bool = False      # dlget/dlasync cut (else they return the whole file)
    ignored: tuple[str, ...] = ()
    fits: bool = False         # descriptors are FITS ones (//soda#fits_genDesc)
    makers: tuple[CompiledProc, ...] = ()  # metaMakers of the RD's own code
    sdm: SDMRecipe | None = None  # a service of spectra (//soda#sdm_genDesc)

    @property
    def soda(self) -> bool:
        """Whether the service offers any SODA parameter (a #cutout link)."""
        return self.cutouts and (self.spatial or self.band or self.pixels)

    def serves(self, accref: str) -> bool:
        return self.accref_prefix is None or accref.startswith(self.accref_prefix)

    def serves_table(self, qualified_name: str) -> bool:
        """Whether products of the table ``qualified_name`` are served (all, unless
        the service is one of an SSA table's spectra)."""
        if self.sdm is None:
            return True
        # An //ssap#view's spectra are the products of the table it reads.
        tables = (self.sdm.table, ssaview.source_of(self.sdm.table))
        return any(t is not None and t.qualified_name.lower() == qualified_name
                   for t in tables)


def _binding(app, key: str) -> str | None:
    """The Python literal bound to ``key`` in ``app`` (an RD author's expression)."""
    for bind in app.bindings:
        if bind.key == key and bind.expression is not None:
            try:
                value = ast.literal_eval(bind.expression)
            except (ValueError, SyntaxError):
                return bind.expression
            return None if value is None else str(value)
    return None


def recipe_of(core: DatalinkCore) -> Recipe:
    """The recipe of ``core`` (pure: reads the RD elements)."""
    prefix, ignored, names, makers = None, [], set(), []
    sdm_binds: dict[str, str | None] = {}
    compiled = getattr(core.rd, "compiled", {})
    for tag in ("descriptorGenerator", "metaMaker", "dataFunction", "dataFormatter"):
        for app in core.procs(tag):
            if app.unavailable:
                continue
            if tag == "metaMaker" and runs_own_code(app):
                if id(app) in compiled:
                    makers.append(compiled[id(app)])
                continue
            if not app.proc_def:
                ignored.append(f"<{tag}> {app.label()} (code of its own)")
                continue
            names.add(app.proc_def)
            if tag == "descriptorGenerator" and app.proc_def == SDM_DESCRIPTOR:
                sdm_binds["ssaTD"] = _binding(app, "ssaTD")
                sdm_binds["useAccref"] = _binding(app, "useAccref")
            elif tag == "descriptorGenerator":
                if app.proc_def not in DESCRIPTORS:
                    ignored.append(f"<{tag}> {app.proc_def}")
                prefix = _binding(app, "accrefPrefix")
            elif app.proc_def == SDM_DATA:
                sdm_binds["builder"] = _binding(app, "builder")
            elif tag == "metaMaker" and app.proc_def == BAND:
                axis = _binding(app, "fitsAxis")
                if axis in (None, "0", ""):
                    names.discard(BAND)
    sdm = None
    if SDM_DESCRIPTOR in names:
        sdm = SDMRecipe(_ssa_table(core, sdm_binds.get("ssaTD")),
                        sdm_binds.get("useAccref") not in ("False", "0"),
                        _builder(core, sdm_binds.get("builder")), SDM_BAND in names,
                        SDM_FLUXCALIB in names, SDM_FORMAT in names)
    return Recipe(prefix, bool(SPATIAL & names), BAND in names, PIXELS in names,
                  bool(CUTTING & names), tuple(ignored),
                  fits="//soda#fits_genDesc" in names, makers=tuple(makers), sdm=sdm)


def _ssa_table(core: DatalinkCore, reference: str | None) -> Table:
    """The SSA table ``ssaTD`` names (an id of the core's RD or rd#id)."""
    if not reference:
        raise RDError("//soda#sdm_genDesc needs ssaTD, the SSA table of the spectra",
                      path=core.pos.path, line=core.pos.line, element="datalinkCore")
    return core.rd.resolve_table(reference, core)


def _builder(core: DatalinkCore, reference: str | None) -> Data | None:
    """The data element ``builder`` names (an id of the core's RD, or its rd#id)."""
    if not reference or reference == "None":
        return None
    rd_id, _, ident = reference.rpartition("#")
    found = core.rd.by_id(ident) if rd_id in ("", core.rd.rd_id) else None
    if not isinstance(found, Data):
        raise RDError(f"the builder {reference!r} of //soda#sdm_genData is not a data "
                      "element of this RD", path=core.pos.path, line=core.pos.line,
                      element="datalinkCore")
    return found
