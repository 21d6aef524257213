"""The few names of DaCHS's ``gavo`` package that grammar code written for DaCHS imports.

Custom grammar modules say ``from gavo.api import CustomRowIterator`` (or
``from gavo.grammars.customgrammar import ...``) and raise
``api.SourceParseError``; embedded grammars raise
``utils.SourceParseError``; embedded grammars building spectra say ``from gavo
import base`` (``base.getConfig``) and ``from gavo.utils import pyfits``.
:func:`install_gavo_modules` makes those imports work when DaCHS itself is
not installed; nothing else of DaCHS is imitated.
"""

from __future__ import annotations

import importlib.util
import sys
import types
from collections.abc import Iterator
from typing import Any

from rd import rmkfuncs
from rd.rmkfuncs import IgnoreThisRow


class SourceParseError(Exception):
    """DaCHS's error for bad input: message, where (``location``), what (``offending``)."""

    def __init__(self, msg: str = "", offending: Any = None, location: Any = None,
                 source: Any = None, hint: str | None = None) -> None:
        super().__init__(msg)
        self.msg, self.offending, self.location = msg, offending, location
        self.source, self.hint = source, hint

    def __str__(self) -> str:
        text = self.msg
        if self.location not in (None, ""):
            text = f"at {self.location}: {text}"
        if self.offending is not None:
            text += f" (offending: {self.offending!r})"
        return text


class CustomRowIterator:
    """Base of a customGrammar's ``RowIterator``: override ``_iterRows`` to yield row dicts.

    ``self.grammar`` is the grammar (``getProperty``, ``dataPack``, ``rd``),
    ``self.sourceToken`` the source (a file's full path for file sources).
    ``getParameters`` returns the parameters of the source, ``getLocator``
    where in the source the iterator is (for error messages).
    """

    def __init__(self, grammar: Any, sourceToken: Any, sourceRow: Any = None) -> None:
        self.grammar = grammar
        self.sourceToken = sourceToken
        self.sourceRow = sourceRow

    def _iterRows(self) -> Iterator[Any]:
        return iter(())

    def getParameters(self) -> dict[str, Any]:
        return {}

    def getLocator(self) -> str:
        return ""

    def __iter__(self) -> Iterator[Any]:
        return iter(self._iterRows())


# The DaCHS module names and what each offers here.
_MODULES = {
    "gavo": {},
    "gavo.api": {"CustomRowIterator": CustomRowIterator, "SourceParseError": SourceParseError,
                 "IgnoreThisRow": IgnoreThisRow},
    "gavo.base": {"SourceParseError": SourceParseError},
    "gavo.utils": {"SourceParseError": SourceParseError, "pyfits": rmkfuncs.pyfits},
    "gavo.grammars": {},
    "gavo.grammars.customgrammar": {"CustomRowIterator": CustomRowIterator},
    "gavo.grammars.common": {"RowIterator": CustomRowIterator},
    "gavo.rscdef": {"IgnoreThisRow": IgnoreThisRow},
}


# What rowmaker code gets as base and utils (getConfig, parseISODT...), too.
_RD_NAMES = {"gavo.base": vars(rmkfuncs.base), "gavo.utils": vars(rmkfuncs.utils)}


def compat_module(name: str) -> types.ModuleType:
    module = types.ModuleType(name, "DR's stand-in for DaCHS's module of this name.")
    module.__dict__.update(_RD_NAMES.get(name, {}))
    module.__dict__.update(_MODULES[name])
    return module


def install_gavo_modules() -> None:
    """Make ``import gavo.api`` and friends work, unless DaCHS itself is importable."""
    if "gavo" in sys.modules or importlib.util.find_spec("gavo") is not None:
        return
    modules = {name: compat_module(name) for name in _MODULES}
    for name, module in modules.items():
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(modules[parent], child, module)
        sys.modules[name] = module


def code_namespace() -> dict[str, Any]:
    """Names DaCHS gives Python in RDs beyond the rowmaker functions: utils, base."""
    return {"utils": compat_module("gavo.utils"), "base": compat_module("gavo.base"),
            "SourceParseError": SourceParseError}
