"""SSA 1.1 getData: one spectrum, named by its PUBDID, delivered as the Spectral
Data Model has it.

``REQUEST=getData&PUBDID=...`` names a spectrum by the ``ssa_pubDID`` of its row
in the service's SSA table (``//ssap#hcd``).  The row is looked up as the
caller (engine/db/rowsecurity.py), so a spectrum queryData does not show the
caller (a row under embargo, say) is, to getData, a PUBDID it does not know —
word for word.  The file must then be the caller's to have, as /getproduct
says.

The spectrum is delivered as the SDM datalink service of the same RD delivers
it (engine/datalink/spectra.py): the first ``datalinkCore`` service there
whose ``//soda#sdm_genDesc`` names the same SSA table lends its recipe — its
builder, and which of BAND, FLUXCALIB and FORMAT it offers; without one, DR
reads the product file itself and offers all three.  The parameters are
SSA's:

* BAND: one range ``lo/hi`` of vacuum wavelength in metres (an end may be
  open; ``lo hi`` as SODA writes it works too), with the units queryData's
  BAND accepts (``345.78GHz/345.80GHz``, engine/services/ssa.py); the
  samples outside are cut away.
* FLUXCALIB: the spectrum's own calibration, or RELATIVE (normalised to 1).
* FORMAT: what ``//soda#sdm_format`` offers (engine/soda/sdm.py: the VOTable
  media types — the default —, ``application/fits``, ``text/csv``,
  ``text/plain`` and the short names ``votable``, ``fits``, ``csv``,
  ``tsv``), ``compliant`` (the SDM VOTable), or ``native``: the file as it is,
  by a redirect to /getproduct.

The lookup and the delivery run in a worker thread; a client's error is a
:class:`ProtocolError` naming the parameter, in SSA's words rather than
SODA's.  (The module lives beside the delivery it reuses: engine/ssa, a part
of the same layer, may not import it; the ssap.xml renderer does.)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from engine.datalink import spectra
from engine.datalink.links import Where
from engine.datalink.recipe import Recipe, SDMRecipe, recipe_of
from engine.db.rowsecurity import as_caller
from engine.errors import ProtocolError
from engine.products.store import Product, lookup
from engine.services.core import BoundService
from engine.services.params import Params, shown
from engine.services.ssa import band_items
from engine.soda import sdm
from rd.elements.service import DatalinkCore
from rd.elements.table import Table
from rd.errors import DRError

NATIVE = "native"
# SODA's leading words, which SSA's errors do without.
_SODA_WORDS = ("UsageError: ", "Error: ")
# What getData needs of the SSA table.
NEEDED_COLUMNS = ("ssa_pubdid", "accref")


@dataclass(frozen=True)
class GetData:
    """What a getData request asks for."""

    pubdid: str
    spectrum: spectra.SpectrumRequest
    native: bool = False  # FORMAT=native: the file as it is


def sdm_service(table: Table, candidates: Iterable[BoundService | None]
                ) -> tuple[BoundService | None, SDMRecipe]:
    """The first of ``candidates`` (the bound services of the RD) that is an SDM
    datalink service of ``table``, and its recipe; without one, None and DR's
    own reading of the product files, offering BAND, FLUXCALIB and FORMAT (pure)."""
    name = table.qualified_name.lower()
    for bound in candidates:
        if bound is None or not isinstance(bound.core, DatalinkCore):
            continue
        try:
            found = recipe_of(bound.core).sdm
        except DRError:  # the datalink renderers say what is wrong with it
            continue
        if found is not None and found.table.qualified_name.lower() == name:
            return bound, found
    return None, SDMRecipe(table, band=True, fluxcalib=True, formats=True)


def check_table(table: Table | None) -> Table:
    """``table`` if getData can find spectra in it (an SSA table with ssa_pubDID and
    accref); else the error saying getData is not offered."""
    names = {c.name.lower() for c in table.columns} if table is not None else set()
    if table is None or not set(NEEDED_COLUMNS) <= names:
        raise ProtocolError("REQUEST: this service offers no getData (its table has no "
                            "ssa_pubDID and accref columns)", param="REQUEST")
    return table


def _band(text: str) -> tuple[float, float]:
    """The one range ``text`` names, in metres (infinite where open)."""
    if "/" not in text and len(text.split()) == 2:
        text = "/".join(text.split())  # SODA's "lo hi"
    items = band_items(text)
    if len(items) != 1:
        raise ProtocolError(f"BAND: getData cuts to one range lo/hi, not "
                            f"{len(items)} ({shown(text)})", param="BAND")
    item = items[0]
    if isinstance(item, str) or ("/" not in text):
        raise ProtocolError(f"BAND: getData cuts to a range lo/hi of wavelengths in "
                            f"metres (an end may be open), not {shown(text)}",
                            param="BAND")
    low, high = item
    return (-math.inf if low is None else low, math.inf if high is None else high)


def _format(value: str | None, recipe: SDMRecipe) -> tuple[str, bool]:
    """(the sdm FORMAT, whether the native file is wanted) for FORMAT ``value``."""
    word = (value or "").strip().lower()
    if word == NATIVE:
        return sdm.VOTABLE, True
    if word == "compliant":
        word = sdm.VOTABLE
    try:
        fmt = sdm.format_of(word or None)
    except ValueError:
        raise ProtocolError(f"FORMAT: {shown(value or '')} is not offered; use native, "
                            f"compliant or one of {', '.join(sdm.FORMATS)}",
                            param="FORMAT") from None
    if fmt != sdm.VOTABLE and not recipe.formats:
        raise ProtocolError("FORMAT: this service delivers its spectra as SDM VOTables "
                            "(or native) only", param="FORMAT")
    return fmt, False


def parse(params: Params, recipe: SDMRecipe) -> GetData:
    """The getData request in ``params`` (any thread); raises ProtocolError (400)
    naming the parameter."""
    pubdid = params.get("PUBDID")
    if pubdid is None:
        raise ProtocolError("PUBDID: getData needs the publisher DID (ssa_pubDID) of "
                            "the spectrum", param="PUBDID")
    band = None
    text = params.get("BAND")
    if text is not None:
        if not recipe.band:
            raise ProtocolError("BAND: this service does not cut its spectra",
                                param="BAND")
        band = _band(text)
    fluxcalib = params.get("FLUXCALIB")
    if fluxcalib is not None and not recipe.fluxcalib:
        raise ProtocolError("FLUXCALIB: this service does not recalibrate its spectra",
                            param="FLUXCALIB")
    fmt, native = _format(params.get("FORMAT"), recipe)
    return GetData(pubdid, spectra.SpectrumRequest(band, fluxcalib, fmt), native)


def unknown(pubdid: str) -> ProtocolError:
    """The error of a PUBDID that names no spectrum this caller may see."""
    return ProtocolError(f"PUBDID: {shown(pubdid, 300)} names no spectrum of this "
                         "service", param="PUBDID", status=404)


def find(cur, table: Table, pubdid: str, groups: Iterable[str]) -> str | None:
    """The accref of the spectrum ``pubdid`` names, looked up as a caller in
    ``groups`` (worker thread: ends the transaction, back to DR's own role)."""
    if "\x00" in pubdid:
        return None
    try:
        as_caller(cur, groups)
        return spectra.accref_of_pubdid(cur, table, pubdid)
    finally:
        cur.connection.rollback()


def _ssa_words(exc: ProtocolError) -> ProtocolError:
    """A SODA error of engine/datalink/spectra.py as SSA words it."""
    message = exc.message
    for word in _SODA_WORDS:
        message = message.removeprefix(word)
    if exc.status == 204:  # SODA's "no content" (a BAND that keeps no sample)
        return ProtocolError(message, param="BAND")
    return ProtocolError(message, param=exc.param, status=exc.status)


def deliver(conn, wanted: GetData, recipe: SDMRecipe, groups: Iterable[str],
            refusal: Callable[[Product], ProtocolError | None], where: Where
            ) -> tuple[str, Any]:
    """The answer to ``wanted`` (worker thread): ``("redirect", url)`` for the
    native file, or ``("spectrum", (body, content type))``.  ``refusal`` says why
    the caller may not have a product's file (None: they may)."""
    with conn.cursor() as cur:
        accref = find(cur, recipe.table, wanted.pubdid, groups)
        if accref is None:
            raise unknown(wanted.pubdid)
        product = lookup(cur, accref)
        if product is None:
            raise ProtocolError(f"PUBDID: the spectrum {shown(wanted.pubdid)} has no "
                                "file on this site", param="PUBDID", status=404)
        why = refusal(product)
        if why is not None:
            raise why
        if wanted.native:
            return "redirect", (product.access_path if product.remote
                                else where.product_url(product.accref))
        try:
            return "spectrum", spectra.deliver(cur, product, Recipe(sdm=recipe),
                                               wanted.spectrum, where)
        except ProtocolError as exc:
            raise _ssa_words(exc) from None
