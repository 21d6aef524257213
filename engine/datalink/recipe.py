"""What a ``datalinkCore`` asks for, read once from its procedure applications.

DR does not run DaCHS's datalink code: the //soda procedures a core applies
(rd/system/soda.rd) name behaviours DR implements itself.  A :class:`Recipe`
records which: the accref prefix of the descriptor generator and which SODA
parameters the #cutout service descriptor offers.  The one kind of code of
the RD's own DR runs is a metaMaker's (compiled when the RD loaded,
rd/datalinkcode.py): the recipe carries them, in RD order.  Other
applications of code of their own are listed in ``ignored``: DR serves the
service as if it applied the standard procedures.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from rd.datalinkcode import runs_own_code
from rd.elements.service import DatalinkCore
from rd.proccode import CompiledProc

DESCRIPTORS = ("//soda#fits_genDesc", "//soda#fromStandardPubDID")
SPATIAL = frozenset({"//soda#fits_makeWCSParams", "//soda#fits_makePOSMeta",
                     "//soda#fits_makeCIRCLEMeta", "//soda#fits_makePOLYGONMeta"})
BAND = "//soda#fits_makeBANDMeta"
PIXELS = "//soda#fits_makePixelMeta"
CUTTING = frozenset({"//soda#fits_doWCSCutout", "//soda#fits_makeCIRCLESlice",
                     "//soda#fits_makePOLYGONSlice", "//soda#fits_makeSODAPOS",
                     "//soda#fits_makeBANDSlice", "//soda#fits_doPixelCutout"})


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

    @property
    def soda(self) -> bool:
        """Whether the service offers any SODA parameter (a #cutout link)."""
        return self.cutouts and (self.spatial or self.band or self.pixels)

    def serves(self, accref: str) -> bool:
        return self.accref_prefix is None or accref.startswith(self.accref_prefix)


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
            if tag == "descriptorGenerator":
                if app.proc_def not in DESCRIPTORS:
                    ignored.append(f"<{tag}> {app.proc_def}")
                prefix = _binding(app, "accrefPrefix")
            elif tag == "metaMaker" and app.proc_def == BAND:
                axis = _binding(app, "fitsAxis")
                if axis in (None, "0", ""):
                    names.discard(BAND)
    return Recipe(prefix, bool(SPATIAL & names), BAND in names, PIXELS in names,
                  bool(CUTTING & names), tuple(ignored),
                  fits="//soda#fits_genDesc" in names, makers=tuple(makers))
