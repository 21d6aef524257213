"""How many ADQL queries DR translates per second, on a mix of its test corpus.

Runs translate() (parse, check, generate) over the valid queries of
tests/adql/valid.adql against the fixture metadata, and parse() alone over
the same mix, for a few seconds each, and prints the rates.  Not a test:
a number to watch when the grammar changes (pyparsing is the cost).

    .venv/bin/python bench/translate.py [seconds]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adql import ADQLError, parse, translate  # noqa: E402
from tests.adql.corpus import read_cases  # noqa: E402
from tests.adql.schema import TABLES  # noqa: E402


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


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    valid = [case.query for case in read_cases("valid.adql")]
    invalid = [case.query for case in read_cases("invalid.adql")]
    mix = valid + invalid[: len(valid) // 4]
    rate(lambda q: translate(q, TABLES), mix[:20], 0.2)  # warm the caches
    translated = rate(lambda q: translate(q, TABLES), mix, seconds)
    parsed = rate(parse, mix, seconds)
    length = sum(map(len, mix)) / len(mix)
    print(f"corpus mix: {len(mix)} queries ({len(valid)} valid), {length:.0f} characters "
          "on average")
    print(f"translate(): {translated:.0f} queries/s ({1000 / translated:.2f} ms each)")
    print(f"parse() alone: {parsed:.0f} queries/s ({1000 / parsed:.2f} ms each)")


if __name__ == "__main__":
    main()
