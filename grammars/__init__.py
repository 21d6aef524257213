"""Source parsers: each grammar turns source files into column-oriented row batches.

``make_grammar(element_name, params)`` builds the grammar of an RD element
(csvGrammar, califaGrammar, fitsTableGrammar, columnGrammar, reGrammar,
freeREGrammar, keyValueGrammar, voTableGrammar, nullGrammar,
dictlistGrammar, transparentGrammar, embeddedGrammar, customGrammar,
directGrammar); ``describe(path)`` reads what a CALIFA-format CSV or a FITS
table declares about itself, and ``grammars.gencol.column_elements`` turns
that into RD ``<column>`` elements.  The contract every grammar keeps is in
``grammars.base``.
"""

from grammars.registry import ELEMENTS, describe, make_grammar

__all__ = ["ELEMENTS", "describe", "make_grammar"]
