"""Running DR's fuzz properties (tests/fuzz) for longer than CI does, on fresh inputs.

    .venv/bin/python bench/fuzz.py [--examples 20000] [--seed N] [-k EXPR]
    .venv/bin/python bench/fuzz.py --atheris adql|rd [-- atheris options]

The first form runs the hypothesis properties of tests/fuzz (through pytest,
with the session's PostgreSQL cluster and demo server) with ``--examples``
inputs each, drawn at random from ``--seed`` (printed, so a finding can be
replayed) instead of CI's fixed ones; ``-k`` picks properties as pytest's -k
does (``-k "adql or rd"`` skips the slow HTTP ones).  It prints how many inputs
each kind of property tried and every failure with hypothesis's falsifying
example.  The second form hands the ADQL translator or the RD reader to
atheris (coverage-guided, starting from the corpora and the demo's RDs;
libFuzzer's options after ``--``, e.g. ``-runs=100000 -max_len=4096``), with
the same contract as the properties: only ADQLError / a located RDError, never
slowly.
Not a test: nothing here runs in CI.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Findings:
    """A pytest plugin keeping the report of every failed test."""

    def __init__(self) -> None:
        self.failed: list[tuple[str, str]] = []

    def pytest_runtest_logreport(self, report) -> None:
        if report.failed:
            self.failed.append((report.nodeid, report.longreprtext))


def run_properties(examples: int, seed: int, select: str | None) -> int:
    import pytest

    os.environ["DR_FUZZ_EXAMPLES"] = str(examples)
    os.environ["DR_FUZZ_SEED"] = str(seed)
    findings = Findings()
    argv = [str(ROOT / "tests" / "fuzz"), "-q", "-p", "no:cacheprovider",
            f"--hypothesis-seed={seed}", "--hypothesis-show-statistics"]
    if select:
        argv += ["-k", select]
    status = pytest.main(argv, plugins=[findings])
    from tests.fuzz.budget import ANSWERS, TRIED

    print(f"\nseed {seed}, up to {examples} examples per property")
    for kind, count in sorted(TRIED.items()):
        print(f"  {kind:12} {count:8} inputs tried")
    print(f"  {'total':12} {sum(TRIED.values()):8}")
    if ANSWERS:
        print("HTTP answers by endpoint and status:")
        for endpoint in sorted({e for e, _ in ANSWERS}):
            statuses = sorted((s, n) for (e, s), n in ANSWERS.items() if e == endpoint)
            print(f"  {endpoint:18} " + "  ".join(f"{s}: {n}" for s, n in statuses))
    if not findings.failed:
        print("found nothing")
    for nodeid, text in findings.failed:
        print(f"\nFOUND in {nodeid}:\n{text[-4000:]}")
    return int(status)


def run_atheris(target: str, rest: list[str]) -> None:
    import tempfile

    import atheris

    directory = Path(tempfile.mkdtemp(prefix="dr-fuzz-"))
    corpus = directory / "corpus"
    corpus.mkdir()
    # Only DR's parsers are instrumented (astropy, lxml and pyparsing would swamp
    # the coverage map); everything they import is imported in this block.
    with atheris.instrument_imports(include=["adql", "rd"]):
        if target == "adql":
            from tests.fuzz.test_adql_fuzz import SEEDS, translate_or_refuse
        else:
            from tests.fuzz.test_rd_fuzz import SOURCES, load
    if target == "adql":
        seeds = [query.encode() for query in SEEDS]

        def one_input(data: bytes) -> None:
            translate_or_refuse(data.decode("utf-8", "replace"))
    else:
        seeds = list(SOURCES.values())

        def one_input(data: bytes) -> None:
            load(data, "fuzz/q", directory)

    for number, seed in enumerate(seeds):  # libFuzzer starts from the good inputs
        (corpus / f"seed{number}").write_bytes(seed)
    print(f"atheris on {target}: corpus of {len(seeds)} good inputs in {corpus}")
    atheris.Setup([sys.argv[0], *rest, str(corpus)], one_input)
    atheris.Fuzz()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000,
                        help="inputs per property (default 2000)")
    parser.add_argument("--seed", type=int, default=None,
                        help="hypothesis's seed (default: a random one, printed)")
    parser.add_argument("-k", dest="select", default=None,
                        help="only the properties pytest -k selects")
    parser.add_argument("--atheris", choices=["adql", "rd"], default=None,
                        help="fuzz this target with atheris instead")
    args, rest = parser.parse_known_args()
    if args.atheris:
        run_atheris(args.atheris, [a for a in rest if a != "--"])
        return 0
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    return run_properties(args.examples, seed, args.select)


if __name__ == "__main__":
    sys.exit(main())
