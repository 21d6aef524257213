"""Grammar elements: the RD side of the parsers in ``grammars/`` (their parameters).

Each element declares the attributes its grammar takes; :meth:`params` hands
the ones a publisher gave, as Python values, to ``grammars.make_grammar``.
"""

from __future__ import annotations

from typing import Any

from rd.elements.procs import ProcApp, RowFilter, SourceFields
from rd.elements.rowmaker import IgnoreOn
from rd.meta import Property
from rd.proccode import checked, dedent
from rd.structure import Attr, Element, element, one_of, parse_bool, parse_int

# Procedures every grammar runs on its rows (rd/importing.py applies them).
_PROCS = {"rowfilter": RowFilter, "sourceFields": SourceFields}

_COMMON = (
    Attr("enc", default=None, doc="character encoding of the source (default utf-8)"),
    Attr("gunzip", parse_bool, None, doc="the sources are gzip-compressed"),
)


class GrammarElement(Element):
    """Base of grammar elements; :meth:`params` is what ``grammars.make_grammar`` takes.

    Besides attributes and parameter children, grammars running publishers'
    Python (``wants_rd``) get the RD itself under ``rd``, and every grammar
    its ``property`` children as a dict under ``properties``.
    """

    implemented = True
    wants_rd = False
    yields_rows = True  # False: the data element's tables are made empty
    # True: with no <sources>, the grammar runs once with no source (DaCHS's
    # sourceToken None), for grammars whose code makes the rows itself.
    runs_without_sources = False

    def params(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for attr in self.attrs:
            value = getattr(self, attr.py_name)
            if value is not None:
                out[attr.name] = value
        properties = {}
        for child in self.child_elements:
            if isinstance(child, GrammarParam):
                out[child.tag] = (child.content or "").strip()
            elif isinstance(child, MapKeys):
                out["mapKeys"] = child.mapping
            elif isinstance(child, Property):
                properties[child.name] = (child.content or "").strip()
            elif isinstance(child, Iterator | Pargetter):
                out[child.tag] = child
        out["properties"] = properties
        if self.wants_rd:
            out["rd"] = self.rd
        return out

    @property
    def ignore_on(self) -> list[IgnoreOn]:
        return list(self.children_of(IgnoreOn))  # type: ignore[arg-type]


class GrammarParam(Element):
    """A grammar parameter written as a child element, such as ``<colDefs>``."""

    text = "content"


@element
class ColDefs(GrammarParam):
    tag = "colDefs"
    doc = "Fixed columns: name: start-end (1-based, inclusive), whitespace-separated."


@element
class ParseRE(GrammarParam):
    tag = "parseRE"
    doc = "freeREGrammar: a regular expression whose named groups are the fields of a record."


@element
class RowProduction(GrammarParam):
    tag = "rowProduction"
    doc = "freeREGrammar: a regular expression matching one whole record."


@element
class MapKeysMap(Element):
    tag = "map"
    doc = "Inside mapKeys: the source key (content) and the field name it becomes (key)."
    attrs = (Attr("key", doc="the field name"), Attr("dest", doc="the field name (as key)"))
    text = "content"


@element
class MapKeys(Element):
    tag = "mapKeys"
    doc = ("Renames keys coming from the source: dest:src pairs, comma-separated, "
           "and/or map children.")
    children = {"map": MapKeysMap}
    text = "content"

    def finish(self) -> None:
        super().finish()
        self.mapping: dict[str, str] = {}  # source key -> field name
        for item in (self.content or "").split(","):
            if not item.strip():
                continue
            dest, colon, src = item.partition(":")
            if not colon or not dest.strip() or not src.strip():
                raise self.error(f"cannot read {item.strip()!r}; write dest:src pairs, "
                                 "comma-separated")
            self.mapping[src.strip()] = dest.strip()
        for child in self.children_of(MapKeysMap):
            dest = child.key or child.dest
            if not dest or not (child.content or "").strip():
                raise child.error("needs key (the field name) and the source key as content")
            self.mapping[child.content.strip()] = dest


@element
class CSVGrammar(GrammarElement):
    tag = "csvGrammar"
    doc = "Rows of a delimiter-separated text file (Python's csv rules)."
    attrs = _COMMON + (
        Attr("names", doc="comma-separated field names (default: the header line)"),
        Attr("delimiter", doc="field delimiter (default ,)"),
        Attr("quoteChar", doc='quote character (default ")'),
        Attr("strip", parse_bool, None, doc="strip blanks around fields"),
        Attr("topIgnoredLines", parse_int, None, doc="lines skipped at the top"),
        Attr("commentIntroducer", doc="lines starting with this are skipped"),
        Attr("nullValue", doc="a field equal to this is NULL (default: empty)"),
    )
    children = {**_PROCS, "ignoreOn": IgnoreOn}


@element
class CalifaGrammar(GrammarElement):
    tag = "califaGrammar"
    doc = ("The CALIFA annotated CSV: # KEY: value header lines (kept as table meta), "
           "# COLUMNn: name, type, unit, description lines, comma-separated rows.")
    attrs = _COMMON + (
        Attr("lowerNames", parse_bool, None, doc="lower-case field names (default)"),
    )
    children = {**_PROCS, "ignoreOn": IgnoreOn}


@element
class FITSTableGrammar(GrammarElement):
    tag = "fitsTableGrammar"
    doc = "Rows of a FITS binary table (TNULLn integer nulls, NaN float nulls, vectors)."
    attrs = (
        Attr("hdu", parse_int, None, doc="the extension holding the table (default 1)"),
        Attr("lowerNames", parse_bool, None, doc="lower-case field names (default)"),
        Attr("gunzip", parse_bool, None, doc="the sources are gzip-compressed"),
    )
    children = {**_PROCS, "ignoreOn": IgnoreOn}


@element
class FITSProdGrammar(GrammarElement):
    tag = "fitsProdGrammar"
    doc = ("One row per FITS file from one of its headers: the cards as fields (- in "
           "keywords becomes _), header_ the whole astropy Header, hdusField the open "
           "HDU list; gzip'd files are read transparently.  DR adds computed fields "
           "(None where the header lacks the information): dr_s_region, the footprint "
           "as an spoly (ICRS, deg) from the outer pixel corners of the celestial axes; "
           "dr_s_ra, dr_s_dec (ICRS, deg) and dr_s_center (spoint), the middle of the "
           "pixel grid; dr_s_fov (deg), the diameter of the circle about the centre through "
           "the farthest corner; dr_s_xel1, dr_s_xel2, pixels along longitude and "
           "latitude; dr_em_min, dr_em_max, the edges of the spectral axis as vacuum "
           "wavelengths in m (wavelength, frequency, energy, or velocity with a rest "
           "frequency), dr_em_xel its pixels; dr_t_min, dr_t_max, start and end as MJD; "
           "dr_t_exptime, the exposure time in s; dr_naxis, the pixels along every axis.")
    attrs = (
        Attr("hdu", parse_int, None, doc="the HDU whose header makes the row (default 0, "
                                         "the primary; honoured with qnd too)"),
        Attr("qnd", parse_bool, None,
             doc="read the primary header straight from the file's first blocks "
                 "(default True); False opens the HDU list, and with hdu 0 takes a "
                 "tile-compressed image's header from behind its empty primary HDU"),
        Attr("maxHeaderBlocks", parse_int, None,
             doc="with qnd, a header without END in this many 2880-byte blocks is an "
                 "error (default 40)"),
        Attr("hdusField", doc="a field that holds the open astropy HDUList of the file"),
        Attr("computedFields", parse_bool, None,
             doc="DR: add the computed dr_* fields (default True); False reads the "
                 "header only, as DaCHS does"),
    )
    children = {**_PROCS, "ignoreOn": IgnoreOn, "property": Property, "mapKeys": MapKeys}

    def finish(self) -> None:
        super().finish()
        if self.hdu is not None and self.hdu < 0:
            raise self.error(f"hdu {self.hdu} is negative; HDUs are numbered from 0")
        if self.max_header_blocks is not None and self.max_header_blocks < 1:
            raise self.error("maxHeaderBlocks must be at least 1")
        if self.hdus_field is not None and not self.hdus_field.isidentifier():
            raise self.error(f"hdusField {self.hdus_field!r} is not a field name "
                             "(letters, digits and _)")


@element
class ColumnGrammar(GrammarElement):
    tag = "columnGrammar"
    doc = "Fixed-width text columns."
    attrs = _COMMON + (
        Attr("colDefs", doc="name: start-end items (or a colDefs child)"),
        Attr("topIgnoredLines", parse_int, None, doc="lines skipped at the top"),
        Attr("commentIntroducer", doc="lines starting with this are skipped"),
        Attr("strip", parse_bool, None, doc="strip blanks around fields (default)"),
    )
    children = {**_PROCS, "ignoreOn": IgnoreOn, "colDefs": ColDefs}

    def finish(self) -> None:
        super().finish()
        if not self.col_defs and not any(isinstance(c, ColDefs)
                                         for c in self.child_elements):
            raise self.error("needs colDefs (an attribute or child element)")


@element
class REGrammar(GrammarElement):
    tag = "reGrammar"
    doc = "Records and fields split by regular expressions."
    attrs = _COMMON + (
        Attr("names", required=True, doc="comma-separated field names"),
        Attr("recordSep", doc="regular expression between records (default newline)"),
        Attr("fieldSep", doc=r"regular expression between fields (default \s+)"),
        Attr("commentPat", doc="regular expression of comments to drop"),
        Attr("topIgnoredLines", parse_int, None, doc="lines skipped at the top"),
        Attr("lax", parse_bool, None, doc="records may have fewer fields (NULL)"),
        Attr("stripTokens", parse_bool, None, doc="strip blanks around fields"),
    )
    children = {**_PROCS, "ignoreOn": IgnoreOn}


_ENC = Attr("enc", doc="character encoding of strings from the source (default utf-8)")
_BASIC = {**_PROCS, "ignoreOn": IgnoreOn, "property": Property}
_NOTIFY = Attr("notify", parse_bool, None,
               doc="progress notification (DR always shows progress)")


@element
class FreeREGrammar(GrammarElement):
    tag = "freeREGrammar"
    doc = ("Records found by the regular expression rowProduction; parseRE's named groups "
           "are their fields.")
    attrs = (
        _ENC,
        Attr("parseRE", doc="regular expression with named groups (or a parseRE child)"),
        Attr("rowProduction", doc=r"regular expression of a record (default (?m)^.+$\n)"),
        Attr("ignoreJunk", parse_bool, None, doc="ignore text between records"),
        Attr("stripTokens", parse_bool, None, doc="strip blanks around fields"),
    )
    children = {**_BASIC, "parseRE": ParseRE, "rowProduction": RowProduction}

    def finish(self) -> None:
        super().finish()
        if not self.params().get("parseRE"):
            raise self.error("needs parseRE (an attribute or child element)")


@element
class KeyValueGrammar(GrammarElement):
    tag = "keyValueGrammar"
    doc = ("Key-value pairs: one row per file (fields named by the keys), or one "
           "{key, value} row per pair with yieldPairs.")
    attrs = (
        _ENC,
        Attr("commentPattern", doc="regular expression of comments (default (?m)#.*)"),
        Attr("kvSeparators", doc="characters between key and value (default :=)"),
        Attr("pairSeparators", doc="characters between pairs (default a newline)"),
        Attr("yieldPairs", parse_bool, None, doc="one row per pair"),
    )
    children = {**_BASIC, "mapKeys": MapKeys}


@element
class VOTableGrammar(GrammarElement):
    tag = "voTableGrammar"
    doc = "Rows of the first table of a VOTable, typed; PARAMs are ignored."
    attrs = (_ENC, Attr("gunzip", parse_bool, None, doc="the sources are gzip-compressed"))
    children = _BASIC


@element
class NullGrammar(GrammarElement):
    tag = "nullGrammar"
    doc = "Returns no rows at all; its data element makes its tables empty."
    attrs = (_ENC,)
    children = _BASIC
    yields_rows = False


@element
class TransparentGrammar(GrammarElement):
    tag = "transparentGrammar"
    doc = "Returns its source token (an iterable of row dictionaries, from code) as rows."
    attrs = (_ENC,)
    children = _BASIC


@element
class DictlistGrammar(GrammarElement):
    tag = "dictlistGrammar"
    doc = "Returns the dictionaries of a list handed over by code as rows."
    attrs = (
        _ENC,
        Attr("asPars", parse_bool, None,
             doc="the first dictionary is the parameters; no rows"),
        _NOTIFY,
    )
    children = _BASIC


class GrammarProc(ProcApp):
    """Python code of an embeddedGrammar, a method of its row iterator (``self``).

    It is compiled with the other procedures (rd/proccode.py) when the
    grammar is built for an import; its own code is checked when the RD loads.
    """

    def finish(self) -> None:
        super().finish()
        if self.body is not None:
            checked(dedent(self.body), self, "body", "code", self.body)


@element
class Iterator(GrammarProc):
    tag = "iterator"
    doc = ("The rows of an embeddedGrammar: a function body yielding row dictionaries; "
           "self.sourceToken is the source, self.grammar the grammar.")
    required_type = "iterator"


@element
class Pargetter(GrammarProc):
    tag = "pargetter"
    doc = ("Returns the parameters (a dictionary) of an embeddedGrammar's source; it runs "
           "once per source, before the iterator and on the same self.")
    required_type = "pargetter"


_IS_DISPATCHING = Attr("isDispatching", parse_bool, None,
                       doc="rows come as (role, row) pairs, for the make with that role")


@element
class EmbeddedGrammar(GrammarElement):
    tag = "embeddedGrammar"
    doc = ("Rows from Python in the RD: an iterator yielding row dictionaries "
           "(self.sourceToken is the source) and an optional pargetter.")
    attrs = (
        _ENC, _IS_DISPATCHING,
        _NOTIFY,
    )
    children = {**_BASIC, "iterator": Iterator, "pargetter": Pargetter}
    wants_rd = True
    runs_without_sources = True

    def finish(self) -> None:
        super().finish()
        iterators = list(self.children_of(Iterator))
        if len(iterators) > 1 or len(list(self.children_of(Pargetter))) > 1:
            raise self.error("takes one iterator and at most one pargetter")


@element
class CustomGrammar(GrammarElement):
    tag = "customGrammar"
    doc = ("Rows from the RowIterator class of a Python module in the resource directory "
           "(module: its path without .py, relative to the resource directory).")
    attrs = (
        _ENC, _IS_DISPATCHING,
        Attr("module", required=True, doc="the module, e.g. res/mygrammar"),
    )
    children = _BASIC
    wants_rd = True
    runs_without_sources = True


@element
class DirectGrammar(GrammarElement):
    tag = "directGrammar"
    doc = ("DaCHS's C booster grammar.  DR compiles no C: it reads the booster's type "
           "(split, col, bin, fits) and, where needed, the field layout written in the "
           "booster source, and loads the single table of its data element directly.")
    attrs = (
        Attr("cBooster", required=True, doc="the booster's C source, resdir-relative"),
        Attr("type", one_of("col", "split", "bin", "fits", "hdf5vaex"), "col",
             doc="how the booster reads: by column positions, split at splitChar, "
                 "fixed binary records, FITS binary table"),
        Attr("splitChar", doc="the separator of split boosters (default |)"),
        Attr("recordSize", parse_int, None,
             doc="bytes per record of bin boosters (default 4000)"),
        Attr("gzippedInput", parse_bool, None, doc="the sources are gzip-compressed"),
        Attr("autoNull", doc="a value that means NULL in text sources"),
        Attr("ignoreBadRecords", parse_bool, None, doc="skip records that cannot be read"),
        Attr("extension", parse_int, None, doc="the FITS extension of the table (default 1)"),
        Attr("preFilter", doc="a shell command the source is piped through (not FITS)"),
        Attr("customFlags", doc="C compiler flags (DR compiles nothing; ignored)"),
    )
    children = {**_PROCS, "mapKeys": MapKeys, "property": Property}
    wants_rd = True

    def params(self) -> dict[str, Any]:
        out = super().params()
        makes = getattr(self.parent, "makes", [])
        if len(makes) != 1:
            raise self.error(f"a directGrammar fills exactly one table, but its data "
                             f"element has {len(makes)} make elements")
        table, _ = makes[0].resolve()
        out["columns"] = [(column.name, column.type) for column in table.columns]
        return out


GRAMMAR_ELEMENTS: dict[str, type[GrammarElement]] = {
    cls.tag: cls for cls in (CSVGrammar, CalifaGrammar, FITSTableGrammar, FITSProdGrammar,
                             ColumnGrammar, REGrammar, FreeREGrammar, KeyValueGrammar,
                             VOTableGrammar, NullGrammar, TransparentGrammar, DictlistGrammar,
                             EmbeddedGrammar, CustomGrammar, DirectGrammar)
}
