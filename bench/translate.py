"""How many ADQL queries DR translates per second, on a mix of its test corpus.

Runs translate() (parse, check, generate) over the valid queries of
tests/adql/valid.adql against the fixture metadata — each parsed afresh, and
again with their decimal numbers changed, the way a client sends the same
query shapes with new values (adql/shapes.py reuses the parse) — parse()
alone over the same mix, and a cone query at 2,000 positions, for a few
seconds each, and prints the rates.  Not a test: a number to watch when the
grammar changes (pyparsing is the cost).

    .venv/bin/python bench/translate.py [seconds]
"""

from __future__ import annotations

import contextlib
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adql import ADQLError, parse, translate  # noqa: E402
from adql.shapes import SHAPES  # noqa: E402
from tests.adql.corpus import read_cases  # noqa: E402
from tests.adql.schema import TABLES  # noqa: E402

_NUMBER = re.compile(r"(?<![A-Za-z_0-9.])\d+\.\d+(?![A-Za-z_0-9.])")


def rate(function, queries: list[str], seconds: float) -> float:
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for query in queries:
            try:
                function(query)
            except ADQLError:
                pass
            done += 1
    return done / (time.perf_counter() - start)


def with_new_literals(queries: list[str], seed: int) -> list[str]:
    """The queries with every number changed: what a client sends next time (another
    cone, another magnitude cut), so the shapes are those seen before."""
    rng = random.Random(seed)
    return [_NUMBER.sub(lambda m: f"{rng.uniform(1, 80):.{len(m.group(0)) % 5 + 1}f}", q)
            for q in queries]


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    valid = [case.query for case in read_cases("valid.adql")]
    invalid = [case.query for case in read_cases("invalid.adql")]
    mix = valid + invalid[: len(valid) // 4]
    rate(lambda q: translate(q, TABLES), mix[:20], 0.2)  # warm the caches

    def fresh(query: str) -> None:
        SHAPES.clear()
        translate(query, TABLES)

    translated = rate(fresh, mix, seconds)
    for query in mix:  # remember every shape once
        with contextlib.suppress(ADQLError):
            translate(query, TABLES)
    hits = SHAPES.hits
    reused = rate(lambda q: translate(q, TABLES), with_new_literals(mix, 1), seconds)
    parsed = rate(parse, mix, seconds)
    length = sum(map(len, mix)) / len(mix)
    print(f"corpus mix: {len(mix)} queries ({len(valid)} valid), {length:.0f} characters "
          "on average")
    print(f"translate(), new shapes: {translated:.0f} queries/s "
          f"({1000 / translated:.3f} ms each)")
    print(f"translate(), known shapes with new numbers: {reused:.0f} queries/s "
          f"({1000 / reused:.3f} ms each; {SHAPES.hits - hits} reused shapes)")
    print(f"parse() alone: {parsed:.0f} queries/s ({1000 / parsed:.3f} ms each)")
    cone = ("SELECT id, ra, dec, mag FROM adqltest.stars WHERE 1 = CONTAINS("
            "POINT('ICRS', ra, dec), CIRCLE('ICRS', {:.5f}, {:.5f}, 0.1))")
    cones = [cone.format(i * 0.37 % 360, i * 0.11 % 80) for i in range(2000)]
    print(f"translate(), a cone at new positions: "
          f"{1000 / rate(lambda q: translate(q, TABLES), cones, seconds):.3f} ms each; "
          f"parsed afresh: {1000 / rate(fresh, cones, seconds):.3f} ms each")


if __name__ == "__main__":
    main()
