"""Grammar elements: the RD side of the parsers in ``grammars/`` (their parameters).

Each element declares the attributes its grammar takes; :meth:`params` hands
the ones a publisher gave, as Python values, to ``grammars.make_grammar``.
"""

from __future__ import annotations

from typing import Any

from rd.elements.rowmaker import IgnoreOn
from rd.structure import Attr, Element, element, parse_bool, parse_int

_COMMON = (
    Attr("enc", default=None, doc="character encoding of the source (default utf-8)"),
    Attr("gunzip", parse_bool, None, doc="the sources are gzip-compressed"),
)


class GrammarElement(Element):
    """Base of grammar elements; ``text_param`` receives the element's text if any."""

    implemented = True

    def params(self) -> dict[str, Any]:
        out = {}
        for attr in self.attrs:
            value = getattr(self, attr.py_name)
            if value is not None:
                out[attr.name] = value
        for child in self.child_elements:
            if isinstance(child, GrammarParam):
                out[child.tag] = (child.content or "").strip()
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
    children = {"ignoreOn": IgnoreOn}


@element
class CalifaGrammar(GrammarElement):
    tag = "califaGrammar"
    doc = ("The CALIFA annotated CSV: # KEY: value header lines (kept as table meta), "
           "# COLUMNn: name, type, unit, description lines, comma-separated rows.")
    attrs = _COMMON + (
        Attr("lowerNames", parse_bool, None, doc="lower-case field names (default)"),
    )
    children = {"ignoreOn": IgnoreOn}


@element
class FITSTableGrammar(GrammarElement):
    tag = "fitsTableGrammar"
    doc = "Rows of a FITS binary table (TNULLn integer nulls, NaN float nulls, vectors)."
    attrs = (
        Attr("hdu", parse_int, None, doc="the extension holding the table (default 1)"),
        Attr("lowerNames", parse_bool, None, doc="lower-case field names (default)"),
        Attr("gunzip", parse_bool, None, doc="the sources are gzip-compressed"),
    )
    children = {"ignoreOn": IgnoreOn}


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
    children = {"ignoreOn": IgnoreOn, "colDefs": ColDefs}

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
    children = {"ignoreOn": IgnoreOn}


GRAMMAR_ELEMENTS: dict[str, type[GrammarElement]] = {
    cls.tag: cls for cls in (CSVGrammar, CalifaGrammar, FITSTableGrammar, ColumnGrammar,
                             REGrammar)
}
