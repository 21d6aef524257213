"""CTA counts map: a UWS job and api over HTTP against the same numpy histogram in-process.

Writes GADF-like DL3 event lists (default 10 runs, 10,000,000 events in all:
an isotropic background within 3° of each run's pointing plus a gaussian
source at the Crab Nebula, power-law energies 0.05-100 TeV; EVENTS HDU with
EVENT_ID, TIME, RA, DEC (float32 deg), ENERGY (float32 TeV); the primary
header cards of inputs/cta/generate.py, whose ``Run``, ``_run_cards`` and
``offset`` it reuses) into a temporary inputs directory, with
inputs/cta/q.rd copied there as ``benchcta/q.rd`` in the schema ``bench_cta``
(not ``cta``, so the demo's own tables in the configured database are left
alone).  Imports it with ``dr imp``, starts ``dr serve`` on a free loopback
port and makes the same counts map over all runs (centred on the Crab, 8° wide,
0.02° pixels, 0.05-100 TeV, so every event lands in it), ``--repeat`` times
(default 3) each way:

* ``job``: POST PHASE=RUN to /benchcta/q/analysis/uws.xml, poll ``phase`` every
  ``--poll`` s until COMPLETED, GET ``results/result``: wall time from the POST
  to the map downloaded (the job's creation, start and end times split it);
* ``api``: GET /benchcta/q/analysis/api, the same computation answered at once;
* ``in-process``: :func:`counts_map` below, the coreProc's math copied (open
  the files with astropy, memmap'd, cut on energy, gnomonic projection,
  numpy.histogram2d), timed per step -- the baseline of the ratios;
* ``core in-process``: the RD's coreProc itself, compiled by DR's RD loader and
  called as the engine calls it (engine.pycore.run.call, on a direct database
  connection): the same work plus the run lookup and the FITS image written,
  without HTTP or a worker process.

Checks all maps are the same array (and sum), prints the medians, the ratios
job/in-process and api/in-process, and events per second.  The UWS jobs are
deleted, the server stopped, the schema dropped and the directory removed.
Uses the configured database (the embedded cluster by default).  Not a test:
CI never runs it.

    .venv/bin/python bench/cta.py [--events N] [--runs N] [--repeat N] [--poll S]
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import io
import os
import re
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import numpy as np
from _latency import served
from astropy.io import fits

from engine.config import load_config
from engine.db.connect import open_database

ROOT = Path(__file__).resolve().parent.parent
RESDIR = "benchcta"
SCHEMA = "bench_cta"
SERVICE = f"/{RESDIR}/q/analysis"
# The map: centred on the Crab, wide enough for every event (pointings 0.5° off
# it, events within 3° of the pointing), all energies the files hold.
MAP = {"ra": 83.633, "dec": 22.0145, "width": 8.0, "binsz": 0.02,
       "emin": 0.05, "emax": 100.0}
SOURCE_FRACTION = 0.1  # of the events, a gaussian of 0.1° about the target
INDEX = 2.6  # power law of the energies


def _generate_module():
    spec = importlib.util.spec_from_file_location("cta_generate",
                                                  ROOT / "inputs" / "cta" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


GEN = _generate_module()


def bench_rd() -> str:
    """inputs/cta/q.rd in the schema bench_cta."""
    text = (ROOT / "inputs" / "cta" / "q.rd").read_text()
    text, n = re.subn(r'<resource schema="cta">', f'<resource schema="{SCHEMA}">', text)
    assert n == 1, "inputs/cta/q.rd no longer starts <resource schema=\"cta\">"
    return text.replace('"cta/data/events/"', f'"{RESDIR}/data/events/"')


def _energies(rng: np.random.Generator, n: int) -> np.ndarray:
    """n energies (TeV) from E^-INDEX between the files' E_MIN and E_MAX."""
    a = 1 - INDEX
    lo, hi = GEN.E_MIN ** a, GEN.E_MAX ** a
    return (lo + rng.uniform(0, 1, n) * (hi - lo)) ** (1 / a)


def write_runs(resdir: Path, events: int, runs: int) -> list[int]:
    """``runs`` event lists of ``events`` in all under ``resdir/data/events``, laid
    out and headed as inputs/cta/generate.py does, with generate.py's IRF file of
    each run under ``resdir/data/irfs`` (the RD imports those too); their obs_ids."""
    out, irfs = resdir / "data" / "events", resdir / "data" / "irfs"
    out.mkdir(parents=True)
    irfs.mkdir()
    crab = GEN.TARGETS[0]
    obs_ids = []
    for k in range(runs):
        n = events // runs + (1 if k < events % runs else 0)
        run = GEN.Run(1 + k, crab, datetime(2025, 11, 20, 1, 12)
                      + timedelta(seconds=k * (GEN.ONTIME + 240)), (90.0 * k) % 360)
        rng = np.random.default_rng([2026, run.obs_id])
        ra_pnt, dec_pnt = run.pointing
        n_src = int(n * SOURCE_FRACTION)
        n_bkg = n - n_src
        cos_r = rng.uniform(np.cos(np.radians(GEN.FOV_RADIUS)), 1.0, n_bkg)
        bkg_ra, bkg_dec = GEN.offset(ra_pnt, dec_pnt, np.degrees(np.arccos(cos_r)),
                                     rng.uniform(0, 360, n_bkg))
        r = 0.1 * np.sqrt(-2 * np.log1p(-rng.uniform(0, 1, n_src)))
        src_ra, src_dec = GEN.offset(crab.ra, crab.dec, r, rng.uniform(0, 360, n_src))
        data = np.empty(n, dtype=[("EVENT_ID", ">i8"), ("TIME", ">f8"), ("RA", ">f4"),
                                  ("DEC", ">f4"), ("ENERGY", ">f4")])
        data["EVENT_ID"] = np.arange(1, n + 1)
        data["TIME"] = run.tstart + np.sort(rng.uniform(0, GEN.ONTIME, n))
        order = rng.permutation(n)  # background and source mixed in time
        data["RA"] = np.concatenate([bkg_ra, src_ra])[order]
        data["DEC"] = np.concatenate([bkg_dec, src_dec])[order]
        data["ENERGY"] = np.clip(_energies(rng, n), GEN.E_MIN, GEN.E_MAX)
        primary = fits.PrimaryHDU()
        for key, value, comment in GEN._run_cards(run, n):
            primary.header[key] = (value, comment)
        primary.header["CREATOR"] = ("bench/cta.py", "program that wrote the file")
        primary.header["COMMENT"] = GEN.NOT_CTA
        hdu = fits.BinTableHDU(data, name="EVENTS")
        for i, unit in enumerate(("", "s", "deg", "deg", "TeV"), 1):
            if unit:
                hdu.header[f"TUNIT{i}"] = unit
        for key, value in (("HDUCLASS", "GADF"), ("HDUDOC", GEN.HDUDOC),
                           ("HDUVERS", GEN.HDUVERS), ("HDUCLAS1", "EVENTS")):
            hdu.header[key] = value
        for key, value, comment in GEN._run_cards(run, None):
            hdu.header[key] = (value, comment)
        fits.HDUList([primary, hdu]).writeto(out / run.events_name)
        GEN.irf_hdus(run).writeto(irfs / run.irf_name)  # small; the RD imports them
        obs_ids.append(run.obs_id)
    return obs_ids


def counts_map(paths: list[Path], ra: float, dec: float, width: float, binsz: float,
               emin: float, emax: float, steps: dict[str, list[float]] | None = None
               ) -> np.ndarray:
    """The coreProc's counts map (its math copied from inputs/cta/q.rd), as int32;
    the seconds of each step appended to ``steps``."""
    t0 = time.perf_counter()
    ra0, dec0 = np.radians(ra), np.radians(dec)
    chunks = []
    for path in paths:
        with fits.open(path, memmap=True) as hdus:
            events = hdus["EVENTS"].data
            energy = np.asarray(events["ENERGY"], dtype=float)
            keep = (energy >= emin) & (energy <= emax)
            chunks.append((np.radians(np.asarray(events["RA"], dtype=float)[keep]),
                           np.radians(np.asarray(events["DEC"], dtype=float)[keep]),
                           energy[keep]))
    ra_ = np.concatenate([c[0] for c in chunks])
    dec_ = np.concatenate([c[1] for c in chunks])
    t1 = time.perf_counter()
    cosc = (np.sin(dec0) * np.sin(dec_)
            + np.cos(dec0) * np.cos(dec_) * np.cos(ra_ - ra0))
    front = cosc > 0
    x = np.degrees(np.cos(dec_) * np.sin(ra_ - ra0) / cosc)
    y = np.degrees((np.cos(dec0) * np.sin(dec_)
                    - np.sin(dec0) * np.cos(dec_) * np.cos(ra_ - ra0)) / cosc)
    t2 = time.perf_counter()
    n = int(round(width / binsz))
    half = n * binsz / 2
    image, _, _ = np.histogram2d(y[front], -x[front], bins=n,
                                 range=[[-half, half], [-half, half]])
    image = image.astype(np.int32)
    t3 = time.perf_counter()
    if steps is not None:
        for name, seconds in (("read + cut", t1 - t0), ("projection", t2 - t1),
                              ("histogram2d", t3 - t2)):
            steps.setdefault(name, []).append(seconds)
    return image


def _query(obs_ids: list[int]) -> list[tuple[str, str]]:
    return [("obs_id", str(i)) for i in obs_ids] + [
        ("product", "countsmap")] + [(k, repr(v)) for k, v in MAP.items()]


def _image(body: bytes) -> np.ndarray:
    with fits.open(io.BytesIO(body)) as hdus:
        return np.asarray(hdus[0].data)


def _tag(document: str, name: str) -> datetime | None:
    found = re.search(rf"<uws:{name}>([^<]+)</uws:{name}>", document)
    if not found:
        return None
    return datetime.fromisoformat(found.group(1).replace("Z", "+00:00"))


def run_job(conn: http.client.HTTPConnection, obs_ids: list[int], poll: float
            ) -> tuple[float, np.ndarray, dict[str, float]]:
    """Seconds from POST to the result downloaded, the map, and the job's own split."""
    body = urlencode([*_query(obs_ids), ("PHASE", "RUN")])
    start = time.perf_counter()
    conn.request("POST", f"{SERVICE}/uws.xml", body=body,
                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    answer = conn.getresponse()
    answer.read()
    assert answer.status == 303, answer.status
    job = urlsplit(answer.getheader("Location")).path
    while True:
        conn.request("GET", f"{job}/phase")
        phase = conn.getresponse().read().decode().strip()
        if phase == "COMPLETED":
            break
        if phase in ("ERROR", "ABORTED"):
            conn.request("GET", f"{job}/error")
            raise SystemExit(f"job {job} ended {phase}: "
                             f"{conn.getresponse().read().decode()[:1000]}")
        time.sleep(poll)
    conn.request("GET", f"{job}/results/result")
    answer = conn.getresponse()
    data = answer.read()
    elapsed = time.perf_counter() - start
    assert answer.status == 200, (answer.status, data[:300])
    conn.request("GET", job)
    document = conn.getresponse().read().decode()
    created, started, ended = (_tag(document, t) for t in
                               ("creationTime", "startTime", "endTime"))
    conn.request("DELETE", job)
    conn.getresponse().read()
    split = {}
    if created and started and ended:
        split = {"queued (creation -> start)": (started - created).total_seconds(),
                 "executing (start -> end)": (ended - started).total_seconds()}
    return elapsed, _image(data), split


def run_api(conn: http.client.HTTPConnection, obs_ids: list[int]
            ) -> tuple[float, np.ndarray]:
    start = time.perf_counter()
    conn.request("GET", f"{SERVICE}/api?{urlencode(_query(obs_ids))}")
    answer = conn.getresponse()
    data = answer.read()
    elapsed = time.perf_counter() - start
    assert answer.status == 200 and answer.getheader("Content-Type", "").startswith(
        "image/fits"), (answer.status, data[:500])
    return elapsed, _image(data)


def core_caller(inputs: Path, dsn: str, obs_ids: list[int]):
    """A function running the RD's compiled coreProc in this process: (seconds, map)."""
    from engine.db.rowsecurity import as_caller
    from engine.pycore.run import answer, arguments, call
    from engine.services.params import Params
    from rd.elements.service import PythonCore
    from rd.loader import load_rd

    os.environ["DR_CONFIG"] = str(inputs.parent / "gavo.conf")
    config = load_config()  # installs the site: base.getConfig("inputsDir") is `inputs`
    rd = load_rd(f"{RESDIR}/q", inputs)
    service = next(s for s in rd.services if s.id == "analysis")
    core = service.resolve_core()
    assert isinstance(core, PythonCore)
    args = arguments(core, Params(_query(obs_ids)))
    conn = open_database(config, start=False).connect()

    def run() -> tuple[float, np.ndarray]:
        start = time.perf_counter()
        conn.rollback()
        conn.readonly = True
        with conn.cursor() as cur:
            as_caller(cur, [])
        made = answer(core, call(rd, core, service, args, conn), None)
        elapsed = time.perf_counter() - start
        conn.rollback()
        assert made.mime == "image/fits", made.mime
        return elapsed, _image(made.body)

    return run, conn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--poll", type=float, default=0.02,
                        help="seconds between GETs of a job's phase")
    args = parser.parse_args()

    db = open_database(load_config())
    obs_ids: list[int] = []

    def write(resdir: Path) -> None:
        start = time.perf_counter()
        obs_ids.extend(write_runs(resdir, args.events, args.runs))
        size = sum(p.stat().st_size for p in (resdir / "data" / "events").iterdir())
        print(f"wrote {args.runs} runs, {args.events:,} events, {size / 1e6:.0f} MB "
              f"in {time.perf_counter() - start:.1f} s")

    times: dict[str, list[float]] = {"job": [], "api": [], "in-process": [],
                                     "core in-process": []}
    steps: dict[str, list[float]] = {}
    splits: dict[str, list[float]] = {}
    with served(RESDIR, bench_rd(), write, db.dsn,
                f"{args.events:,} events in {args.runs} runs") as site:
        paths = sorted((site.inputs / RESDIR / "data" / "events").glob("*.fits"))
        run_core, core_conn = core_caller(site.inputs, db.dsn, obs_ids)
        conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=3600)
        reference = None
        try:
            for _ in range(args.repeat):
                start = time.perf_counter()
                image = counts_map(paths, **MAP, steps=steps)
                times["in-process"].append(time.perf_counter() - start)
                maps = {"in-process": image}
                elapsed, maps["core in-process"] = run_core()
                times["core in-process"].append(elapsed)
                elapsed, maps["api"] = run_api(conn, obs_ids)
                times["api"].append(elapsed)
                elapsed, maps["job"], split = run_job(conn, obs_ids, args.poll)
                times["job"].append(elapsed)
                for name, seconds in split.items():
                    splits.setdefault(name, []).append(seconds)
                reference = image if reference is None else reference
                for name, got in maps.items():
                    assert got.shape == reference.shape and got.sum() == reference.sum() \
                        and np.array_equal(got, reference), f"the {name} map differs"
        finally:
            conn.close()
            core_conn.close()

    n = int(reference.shape[0])
    print(f"map {n} x {n} pixels of {MAP['binsz']} deg, {int(reference.sum()):,} events "
          f"in it; job, api, core in-process and in-process maps identical "
          f"({args.repeat} times each)")
    med = {name: statistics.median(t) for name, t in times.items()}
    for name in ("in-process", "core in-process", "api", "job"):
        print(f"{name:16s} median {med[name]:7.3f} s  (min {min(times[name]):.3f}, "
              f"max {max(times[name]):.3f})  "
              f"{args.events / med[name] / 1e6:6.2f} M events/s")
    print("in-process steps: " + ", ".join(
        f"{name} {statistics.median(t):.3f} s" for name, t in steps.items()))
    if splits:
        print("job, by its UWS times: " + ", ".join(
            f"{name} {statistics.median(t):.2f} s" for name, t in splits.items()))
    base = med["in-process"]
    print(f"ratio job/in-process {med['job'] / base:.2f}, api/in-process "
          f"{med['api'] / base:.2f}, core in-process/in-process "
          f"{med['core in-process'] / base:.2f}")


if __name__ == "__main__":
    main()
