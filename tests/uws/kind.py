"""The ``sleep`` job kind, for testing the UWS machinery only (registered by the harness).

DELAY seconds of ``pg_sleep`` on the job's connection, then a small text
result named ``result``, and the raw bytes of ECHO, if given, as the result
``echo``.  SPIN seconds of sleeping in Python come first, out of PostgreSQL's
reach; FAIL=1 makes the job crash with a Python error at the end.
"""

from __future__ import annotations

import time
from pathlib import Path

from engine.uws.model import Job, Result


def validate(job: Job) -> None:
    job.params().number("DELAY", 0.0, minimum=0, maximum=120)
    job.params().number("SPIN", 0.0, minimum=0, maximum=120)


def run(job: Job, conn, workdir: Path) -> list[Result]:
    params = job.params()
    delay = params.number("DELAY", 0.0)
    time.sleep(params.number("SPIN", 0.0))
    with conn.cursor() as cur:
        cur.execute("SELECT pg_sleep(%s)", (delay,))
    if params.get("FAIL"):
        raise RuntimeError("the sleep kind was asked to fail")
    (workdir / "out.txt").write_text(f"slept {delay:g} s\n", encoding="utf-8")
    results = [Result("result", "out.txt", "text/plain", rows=1)]
    echo = job.data("echo")
    if echo is not None:
        (workdir / "echo.bin").write_bytes(echo)
        results.append(Result("echo", "echo.bin", "application/octet-stream"))
    return results
