"""Grammars by RD element name, and ``describe``: a source file's self-description by its kind.

Grammar classes are imported when first asked for, so that importing
``grammars`` does not pull in astropy for RDs that read only text.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from grammars.base import Grammar, SourceHeader
from rd.errors import SourceError

# RD element name -> (module, class).
_GRAMMARS = {
    "csvGrammar": ("grammars.csv", "CsvGrammar"),
    "califaGrammar": ("grammars.califa", "CalifaGrammar"),
    "fitsTableGrammar": ("grammars.fits", "FitsTableGrammar"),
    "fitsProdGrammar": ("grammars.fitsprod", "FitsProdGrammar"),
    "columnGrammar": ("grammars.columns", "ColumnGrammar"),
    "reGrammar": ("grammars.regex", "REGrammar"),
    "freeREGrammar": ("grammars.freere", "FreeREGrammar"),
    "keyValueGrammar": ("grammars.keyvalue", "KeyValueGrammar"),
    "voTableGrammar": ("grammars.votable", "VOTableGrammar"),
    "nullGrammar": ("grammars.null", "NullGrammar"),
    "dictlistGrammar": ("grammars.dictlist", "DictlistGrammar"),
    "transparentGrammar": ("grammars.dictlist", "TransparentGrammar"),
    "embeddedGrammar": ("grammars.embedded", "EmbeddedGrammar"),
    "customGrammar": ("grammars.custom", "CustomGrammar"),
    "directGrammar": ("grammars.direct", "DirectGrammar"),
}

ELEMENTS = frozenset(_GRAMMARS)

_FITS_SUFFIXES = (".fits", ".fit", ".fits.gz", ".fit.gz")
_CALIFA_SUFFIXES = (".csv", ".txt", ".csv.gz", ".txt.gz")


def make_grammar(element_name: str, params: Mapping[str, Any]) -> Grammar:
    """The grammar for RD element ``element_name`` with its (converted) attributes.

    Raises KeyError for an element that is not a grammar DR knows, and
    rd.errors.RDError for parameters the grammar cannot work with.
    """
    module_name, class_name = _GRAMMARS[element_name]
    grammar_class = getattr(importlib.import_module(module_name), class_name)
    return grammar_class(params)


def describe(path: Path | str) -> SourceHeader:
    """What a CALIFA-format CSV (.csv, .txt) or a FITS file (.fits, .fit) says about itself.

    A FITS file whose primary HDU is empty and whose first extension is a
    binary table describes the table's columns (fitsTableGrammar); any other
    FITS file, an image or cube, the fields fitsProdGrammar makes of its
    header (of the first extension if the primary HDU is empty).  Gzipped
    files (``.csv.gz``, ``.fits.gz``) work too.  Anything else, or a CSV
    without ``# COLUMN1:`` header lines, is a SourceError.
    """
    path = Path(path)
    name = path.name.lower()
    if name.endswith(_FITS_SUFFIXES):
        kind, hdu = _fits_kind(path)
        if kind == "table":
            return make_grammar("fitsTableGrammar", {}).header(path)
        grammar = make_grammar("fitsProdGrammar", {"hdu": hdu, "qnd": False})
        return SourceHeader(columns=grammar.columns(path))
    if name.endswith(_CALIFA_SUFFIXES):
        params = {"gunzip": name.endswith(".gz")}
        header = make_grammar("califaGrammar", params).header(path)
        if header.columns:
            return header
        raise SourceError("has no '# COLUMN1: name, type, unit, description' header lines",
                          path=str(path),
                          hint="only CALIFA-format text tables (appendix A of the CALIFA "
                               "DR1 design) describe their columns")
    raise SourceError("is neither a CALIFA-format table (.csv, .txt) nor a FITS table "
                      "(.fits, .fit)", path=str(path))


def _fits_kind(path: Path) -> tuple[str, int]:
    """("table", 1) for a binary table behind an empty primary HDU, else ("image", hdu)."""
    from astropy.io import fits

    try:
        with fits.open(path, lazy_load_hdus=True) as hdus:
            if hdus[0].header.get("NAXIS"):
                return "image", 0
            try:
                first = hdus[1]
            except IndexError:
                return "image", 0
            if isinstance(first, fits.CompImageHDU):
                return "image", 0  # fitsProdGrammar finds the image behind hdu 0
            return ("table", 1) if isinstance(first, fits.BinTableHDU) else ("image", 1)
    except FileNotFoundError as exc:
        raise SourceError(f"cannot open: {exc.strerror}", path=str(path)) from None
    except (OSError, ValueError, EOFError) as exc:
        raise SourceError(f"is not a readable FITS file ({exc})", path=str(path)) from None
