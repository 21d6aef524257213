"""Translation is safe from many threads at once (TAP translates in worker threads)."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_fresh_parsers_translate_correctly_from_many_threads_at_once():
    # A fresh interpreter, so that no parse action has been called before: the
    # first calls race, which is where pyparsing's arity guessing used to break.
    script = textwrap.dedent("""
        import sys
        import threading
        sys.setswitchinterval(1e-6)  # switch threads as often as possible
        from adql import translate
        from tests.adql.schema import TABLES
        queries = [
            "SELECT TOP 5 ra, dec FROM adqltest.stars WHERE ra > 1 AND NOT dec < 0",
            "SELECT name FROM adqltest.stars WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), "
            "CIRCLE('ICRS', 10, 20, 1)) ORDER BY name DESC",
            "SELECT COUNT(*) AS n FROM adqltest.stars GROUP BY name HAVING COUNT(*) > 1",
        ]
        errors = []
        barrier = threading.Barrier(12)
        def work(i):
            barrier.wait()
            try:
                translate(queries[i % 3], TABLES)
            except Exception as exc:
                errors.append(repr(exc))
        threads = [threading.Thread(target=work, args=(i,)) for i in range(12)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        print("ERRORS", errors)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "ERRORS []" in result.stdout, result.stdout
