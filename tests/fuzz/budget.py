"""How hard the fuzz properties try, and a tally of the inputs they tried.

CI runs each property with the few hundred examples its ``@fuzz(n)`` names,
derandomized (the same inputs every run) and without hypothesis's example
database, so a run never depends on the one before.  ``bench/fuzz.py`` sets
``DR_FUZZ_EXAMPLES`` (examples per property) or ``DR_FUZZ_SCALE`` (a factor on
every budget), and ``DR_FUZZ_SEED`` to explore new inputs instead of the fixed
ones; it reads ``TRIED`` to say how many it tried.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable

from hypothesis import HealthCheck, settings

# Inputs tried per kind of property, this process.
TRIED: Counter[str] = Counter()
# HTTP answers per (renderer or site path, status), this process: how deep the
# inputs got (a fuzzer whose every request is a 404 tests little).
ANSWERS: Counter[tuple[str, int]] = Counter()


def examples_for(budget: int) -> int:
    """The examples a property with ``budget`` runs in this process."""
    fixed = os.environ.get("DR_FUZZ_EXAMPLES")
    if fixed:
        return max(1, int(fixed))
    return max(1, int(budget * float(os.environ.get("DR_FUZZ_SCALE", "1"))))


def seeded() -> bool:
    """Whether this run explores fresh random inputs (bench/fuzz.py) or the fixed ones."""
    return bool(os.environ.get("DR_FUZZ_SEED"))


def fuzz(examples: int) -> Callable:
    """The settings of one property: ``examples`` inputs (times the scale), fixed
    unless a seed is given, no deadline (the properties time themselves)."""
    return settings(max_examples=examples_for(examples), deadline=None,
                    derandomize=not seeded(), database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow,
                                           HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


def tried(name: str) -> None:
    """Count one input of the property ``name``."""
    TRIED[name] += 1


def answered(endpoint: str, status: int) -> None:
    """Count one HTTP answer of ``endpoint`` (a renderer's name or a site path)."""
    ANSWERS[endpoint, status] += 1
