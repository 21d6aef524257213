"""fitsProdGrammar: one row per FITS file from its header, plus the coverage computed from it.

As in DaCHS, the fields of the row are the header's cards: keyword → value
(bool, int, float or str; a keyword without a value gives None), with ``-``
in keywords replaced by ``_`` (``DATE-OBS`` becomes ``DATE_OBS``); a keyword
given several times (COMMENT, HISTORY) keeps its last value; a card astropy
cannot parse gives its raw value text.  ``header_`` is the whole astropy
``Header`` (for ``WCS(@header_)``), and with ``hdusField="name"`` the field
``name`` is the open ``HDUList``, valid while the row is being made.
``mapKeys`` renames fields; a source key may be written with ``-`` or ``_``.

Parameters: ``hdu`` [0], ``qnd`` [True: the primary header is read straight
from the file's first blocks, with no astropy HDU list], ``maxHeaderBlocks``
[40: a primary header without END in that many 2880-byte blocks is an
error], ``hdusField``, ``mapKeys``, and DR's own ``computedFields`` [True].
Header bytes that are not printable ASCII become ``?``, as in astropy (so
DaCHS's ``enc`` has nothing to do; the RD reader warns it is ignored).
Unlike DaCHS, ``hdu`` is honoured with ``qnd`` too (the HDU list is then
opened).  With ``hdu`` 0 and ``qnd="False"``, a tile-compressed image (an
empty primary HDU followed by a compressed image) gives the image's header,
as in DaCHS.  Gzip'd and bzip2'd files are read transparently.

DR adds these computed fields (``dr_`` and lower case, so no FITS keyword,
all upper case, can clash; None where the header has no such information;
see grammars/wcsgeom.py for how they are computed):

* ``dr_s_region`` — the footprint, a pg_sphere ``spoly`` literal in ICRS
  degrees: the outer pixel corners of the celestial axes (a cube's other
  axes at their middle), for a column of type spoly;
* ``dr_s_ra``, ``dr_s_dec`` — the ICRS position (deg) of the middle of the
  pixel grid, and ``dr_s_center`` the same as an ``spoint`` literal;
* ``dr_s_fov`` — the diameter (deg) of the circle about the centre that
  passes through the farthest corner;
* ``dr_s_xel1``, ``dr_s_xel2`` — pixels along the longitude and latitude axes;
* ``dr_em_min``, ``dr_em_max`` — the outer edges of the spectral axis as
  vacuum wavelengths in m, whether the axis is a wavelength, frequency,
  energy or (with a rest frequency) velocity or redshift; ``dr_em_xel`` —
  pixels along it;
* ``dr_t_min``, ``dr_t_max`` — start and end of the observation, MJD;
* ``dr_t_exptime`` — the exposure time in s;
* ``dr_naxis`` — the pixel counts of all axes (NAXIS1…NAXISn), an integer array.

A file that is not FITS, a header without END, an HDU the file lacks, a WCS
that wcslib rejects or time keywords that cannot be read are SourceErrors
naming the file.  ``computedFields="False"`` leaves the ``dr_`` fields out,
and with them the errors only computing them can raise.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import re
import warnings
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from astropy.io import fits
from astropy.io.fits.verify import VerifyError, VerifyWarning
from astropy.utils.exceptions import AstropyUserWarning

from grammars.base import DEFAULT_BATCH_ROWS, ColumnDescription, Grammar, RowBatch
from grammars.units import column_unit
from grammars.wcsgeom import Geometry, HeaderProblem, geometry
from rd.errors import RDError, SourceError

ELEMENT = "fitsProdGrammar"
BLOCK = 2880
CARD = 80
_PRINTABLE = bytes(b if 32 <= b < 127 else ord("?") for b in range(256))

# The computed fields: what `dr gencol` prints for them, and the one list
# the docstrings above and the element's doc are checked against.
COMPUTED_FIELDS = (
    ColumnDescription("dr_s_region", "spoly", "deg",
                      "Footprint: the outer pixel corners of the celestial axes",
                      "pos.outline;obs.field"),
    ColumnDescription("dr_s_ra", "double precision", "deg",
                      "RA of the middle of the pixel grid", "pos.eq.ra"),
    ColumnDescription("dr_s_dec", "double precision", "deg",
                      "Dec of the middle of the pixel grid", "pos.eq.dec"),
    ColumnDescription("dr_s_center", "spoint", "deg",
                      "The middle of the pixel grid", "pos.eq"),
    ColumnDescription("dr_s_fov", "double precision", "deg",
                      "Diameter of the circle about the centre through the farthest corner",
                      "phys.angSize;instr.fov"),
    ColumnDescription("dr_s_xel1", "integer", "",
                      "Pixels along the longitude axis", "meta.number"),
    ColumnDescription("dr_s_xel2", "integer", "",
                      "Pixels along the latitude axis", "meta.number"),
    ColumnDescription("dr_em_min", "double precision", "m",
                      "Lower edge of the spectral axis (vacuum wavelength)",
                      "em.wl;stat.min"),
    ColumnDescription("dr_em_max", "double precision", "m",
                      "Upper edge of the spectral axis (vacuum wavelength)",
                      "em.wl;stat.max"),
    ColumnDescription("dr_em_xel", "integer", "",
                      "Pixels along the spectral axis", "meta.number"),
    ColumnDescription("dr_t_min", "double precision", "d",
                      "Start of the observation (MJD)", "time.start;obs.exposure"),
    ColumnDescription("dr_t_max", "double precision", "d",
                      "End of the observation (MJD)", "time.end;obs.exposure"),
    ColumnDescription("dr_t_exptime", "double precision", "s",
                      "Exposure time", "time.duration;obs.exposure"),
    ColumnDescription("dr_naxis", "integer[]", "",
                      "Pixels along each axis (NAXIS1...NAXISn)", "meta.number"),
)

# Cards that only describe the file's structure: `dr gencol` leaves them out.
_STRUCTURAL = frozenset(("", "SIMPLE", "XTENSION", "EXTEND", "PCOUNT", "GCOUNT", "END",
                         "COMMENT", "HISTORY", "CONTINUE"))


def computed_fields(found: Geometry) -> dict[str, Any]:
    """The ``dr_`` fields for what wcsgeom found in one header."""
    foot = found.footprint
    xel = found.celestial_shape or (None, None)
    em = found.spectral or (None, None)
    return {
        "dr_s_region": foot.spoly if foot else None,
        "dr_s_ra": foot.center[0] if foot else None,
        "dr_s_dec": foot.center[1] if foot else None,
        "dr_s_center": foot.spoint if foot else None,
        "dr_s_fov": foot.fov if foot else None,
        "dr_s_xel1": xel[0], "dr_s_xel2": xel[1],
        "dr_em_min": em[0], "dr_em_max": em[1], "dr_em_xel": found.spectral_pixels,
        "dr_t_min": found.time[0], "dr_t_max": found.time[1],
        "dr_t_exptime": found.exposure,
        "dr_naxis": list(found.shape),
    }


@contextlib.contextmanager
def _open_raw(path: Path) -> Iterator[BinaryIO]:
    """``path`` for reading, decompressed if it is gzip'd or bzip2'd (by content)."""
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise SourceError(f"cannot open: {exc.strerror}", path=str(path)) from None
    with raw:
        magic = raw.read(3)
        raw.seek(0)
        if magic[:2] == b"\x1f\x8b":
            with gzip.GzipFile(fileobj=raw) as unzipped:
                yield unzipped  # type: ignore[misc]
        elif magic == b"BZh":
            with bz2.BZ2File(raw) as unzipped:
                yield unzipped  # type: ignore[misc]
        else:
            yield raw


def read_primary_header(path: Path, max_blocks: int = 40) -> str:
    """The primary header's text, read block by block up to and including END (DaCHS's qnd).

    Bytes that are not printable ASCII become ``?``, as astropy makes them.
    """
    blocks: list[bytes] = []
    try:
        with _open_raw(path) as stream:
            while len(blocks) < max_blocks:
                block = stream.read(BLOCK)
                if not blocks and not block.startswith(b"SIMPLE  ="):
                    raise SourceError("is not a FITS file (it does not start with SIMPLE)",
                                      path=str(path))
                if len(block) < BLOCK:
                    raise SourceError("ends inside its primary header", path=str(path))
                blocks.append(block)
                if any(block[i:i + CARD].startswith(b"END     ")
                       for i in range(0, BLOCK, CARD)):
                    return b"".join(blocks).translate(_PRINTABLE).decode("ascii")
    except (OSError, EOFError, zlib.error) as exc:
        raise SourceError(f"cannot be read ({exc})", path=str(path)) from None
    raise SourceError(f"has no END card in its first {max_blocks} header blocks",
                      path=str(path),
                      hint="raise maxHeaderBlocks on the grammar if its header is that long")


def _raw_value(card: fits.Card) -> str | None:
    """The value text of a card astropy cannot parse (DaCHS keeps such values as strings)."""
    image = card.image
    text = image[10:] if image[8:10] == "= " else image.partition("=")[2]
    text = text.split("/", 1)[0].strip().strip("'").strip()
    return text or None


def header_fields(header: fits.Header, key_map: Mapping[str, str] | None = None
                  ) -> dict[str, Any]:
    """The row fields of a header's cards: DaCHS's names and values (module docstring)."""
    row: dict[str, Any] = {}
    for card in header.cards:
        keyword = card.keyword
        if not keyword:
            continue
        try:
            value = card.value
        except (VerifyError, ValueError):
            value = _raw_value(card)
        if isinstance(value, fits.card.Undefined):
            value = None
        row[keyword.replace("-", "_")] = value
    for source, dest in (key_map or {}).items():
        for key in (source, source.replace("-", "_")):
            if key in row:
                row[dest] = row.pop(key)
                break
    return row


class FitsProdGrammar(Grammar):
    """One row per FITS file from one of its headers; see the module docstring."""

    element = ELEMENT

    def __init__(self, params: Mapping[str, Any]) -> None:
        super().__init__(params)
        p = self.params
        self.hdu = int(p.get("hdu", 0))
        self.qnd = bool(p.get("qnd", True))
        self.max_blocks = int(p.get("maxHeaderBlocks", 40))
        self.hdus_field: str | None = p.get("hdusField") or None
        self.computed = bool(p.get("computedFields", True))
        self.key_map: dict[str, str] = dict(p.get("mapKeys") or {})
        if self.hdu < 0 or self.max_blocks < 1:
            raise RDError("hdu must be 0 or more and maxHeaderBlocks 1 or more",
                          element=ELEMENT)

    @contextlib.contextmanager
    def _header(self, path: Path) -> Iterator[tuple[fits.Header, str | None,
                                                    fits.HDUList | None]]:
        """(header, its text if read directly, the open HDU list if opened)."""
        if self.qnd and self.hdu == 0 and not self.hdus_field:
            text = read_primary_header(path, self.max_blocks)
            yield _parse(text, path), text, None
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", AstropyUserWarning)  # non-ASCII → ?
            try:
                hdus = fits.open(path, lazy_load_hdus=True)
            except FileNotFoundError as exc:
                raise SourceError(f"cannot open: {exc.strerror}", path=str(path)) from None
            except (OSError, ValueError, VerifyError, EOFError) as exc:
                raise SourceError(f"is not a readable FITS file ({exc})",
                                  path=str(path)) from None
            try:
                header = self._chosen_hdu(hdus, path).header
            except SourceError:
                hdus.close()
                raise
        with hdus:
            yield header, None, hdus

    def _chosen_hdu(self, hdus: fits.HDUList, path: Path) -> Any:
        try:
            chosen = hdus[self.hdu]
            if self.hdu == 0 and not self.qnd and not chosen.header.get("NAXIS"):
                with contextlib.suppress(IndexError):
                    if isinstance(hdus[1], fits.CompImageHDU):
                        chosen = hdus[1]
        except IndexError:
            raise SourceError(f"has no HDU {self.hdu} (it has {len(hdus)}, numbered from 0)",
                              path=str(path)) from None
        except (OSError, ValueError, VerifyError, EOFError) as exc:
            raise SourceError(f"cannot be read up to HDU {self.hdu} ({exc})",
                              path=str(path)) from None
        return chosen

    def _row(self, path: Path, header: fits.Header, text: str | None,
             hdus: fits.HDUList | None) -> dict[str, Any]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", VerifyWarning)
            row = header_fields(header, self.key_map)
        row["header_"] = header
        if self.hdus_field:
            row[self.hdus_field] = hdus
        if self.computed:
            try:
                row.update(computed_fields(geometry(header, text)))
            except HeaderProblem as exc:
                raise SourceError(str(exc), path=str(path)) from None
        return row

    def batches(self, path: Path, batch_rows: int = DEFAULT_BATCH_ROWS
                ) -> Iterator[RowBatch]:
        with self._header(path) as (header, text, hdus):
            row = self._row(path, header, text, hdus)
            # Yielded inside the with: hdusField's HDU list stays open while the
            # rowmaker makes the row.
            yield RowBatch({name: [value] for name, value in row.items()}, [1])

    def columns(self, path: Path) -> list[ColumnDescription]:
        """Columns for the header's cards and the computed fields (``dr gencol``)."""
        with self._header(path) as (header, _, _):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", VerifyWarning)
                return _card_columns(header) + (list(COMPUTED_FIELDS) if self.computed
                                                else [])


def _parse(text: str, path: Path) -> fits.Header:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", VerifyWarning)
        try:
            return fits.Header.fromstring(text)
        except (ValueError, VerifyError) as exc:
            raise SourceError(f"has a header astropy cannot read ({exc})",
                              path=str(path)) from None


_TYPES = ((bool, "boolean"), (int, "integer"), (float, "double precision"))
# Keywords whose values are reals even where a header writes them as integers.
_REAL_KEYWORDS = re.compile(r"(CRPIX|CRVAL|CDELT|CROTA|CD\d+_|PC\d+_|PV\d+_|EQUINOX$|EPOCH$"
                            r"|MJD|EXPTIME$|EXPOSURE$|XPOSURE$|TELAPSE$|RESTFR|RESTWAV"
                            r"|BSCALE$|BZERO$)")


def _card_columns(header: fits.Header) -> list[ColumnDescription]:
    seen: set[str] = set()
    out = []
    for card in header.cards:
        keyword = card.keyword
        if keyword in _STRUCTURAL or keyword in seen:
            continue
        seen.add(keyword)
        try:
            value = card.value
        except (VerifyError, ValueError):
            value = None
        rd_type = next((t for cls, t in _TYPES if isinstance(value, cls)), "text")
        if rd_type == "integer" and _REAL_KEYWORDS.match(keyword):
            rd_type = "double precision"  # written as 1, meant as a real
        elif rd_type == "integer" and not -2**31 <= value < 2**31:
            rd_type = "bigint"
        comment = card.comment or ""
        unit = ""
        if comment.startswith("["):  # the FITS convention: "[unit] description"
            unit, _, comment = comment[1:].partition("]")
            unit, comment = column_unit(unit, comment.strip())
        name = keyword.replace("-", "_").replace(" ", "_").lower()
        if " " in keyword:
            comment = (f"{comment} " if comment else "") + \
                      f"(HIERARCH {keyword}: needs mapKeys)"
        out.append(ColumnDescription(name, rd_type, unit, comment))
    return out
