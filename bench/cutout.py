"""SODA cutouts: dlget over HTTP against astropy (memmap slab + writeto) on a 1 GiB cube.

The target: a SODA cutout of a 10 % sub-cube of a >= 1 GB cube through
HTTP takes at most 1.5 x the time astropy needs to read the same slab
(``fits.open(memmap=True)``) and write it to a FITS file in-process, plus
20 ms, and the server stays below 200 MB resident.

By itself the benchmark writes a float32 cube of ``--size-mb`` MiB (default
1 GiB: 1024 x 1024 pixels x 256 planes, RA---TAN/DEC--TAN/WAVE) into a
temporary inputs directory, publishes it as a product with a datalinkCore
service (``dr imp`` into the configured database, the embedded cluster by
default; bench/_cutout_site.py), starts ``dr serve`` on a free loopback
port, and cuts the middle half of each celestial axis and 40 % of the
planes (PIXEL_1/2/3, 10 % of the voxels, 102 MiB) three ways:

* ``dlget``: ``GET /benchcutout/q/dl/dlget?ID=<pubDID>&PIXEL_1=…`` with
  ``http.client``, the whole body read into a reused buffer; also the time
  to the response headers (first byte);
* ``astropy``: ``fits.open(memmap=True)``, the slab sliced from ``.data``,
  CRPIXn moved, ``PrimaryHDU(...).writeto`` to a file;
* ``cut_file``: ``engine.soda.cutout.cut_file`` to a file (what the server
  runs), for reference.

In-process methods run in a fresh process each (timed after imports), so
their peak RSS (VmHWM) is their own.  After one warm-up run of each (whose
outputs are compared: the HTTP body byte for byte with cut_file's, the data
with astropy's), ``--repeat`` rounds with a warm page cache, and with
``--cold`` one run of each after ``echo 3 > /proc/sys/vm/drop_caches``
(root only; otherwise the cube is evicted with posix_fadvise and the table
says so).  Prints best and median, the target check on the medians, and the
server's VmRSS/VmHWM before, during (sampled every 20 ms) and after, plus
the load average.  Everything it made is removed at the end (the cube and
its directory stay with ``--keep``).  ``--http URL --id ID --cube PATH
[--pid PID]`` measures an already running server's dlget endpoint instead,
``PATH`` being the cube it publishes under ``ID``.  Not a test: CI never
runs it.

    .venv/bin/python bench/cutout.py --cold             # 1 GiB cube, the target
    .venv/bin/python bench/cutout.py --size-mb 2048 --repeat 9
"""

from __future__ import annotations

import argparse
import filecmp
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from astropy.io import fits

MIB = 1 << 20
TARGET_FACTOR, TARGET_SLACK, TARGET_RSS = 1.5, 0.020, 200_000_000
METHODS = ("dlget", "astropy", "cut_file")


def tenth(shape: tuple[int, ...]) -> list[tuple[int, int]]:
    """1-based inclusive pixel ranges of the 10 % sub-cube: half of x, half of y, 40 % of z."""
    nx, ny, nz = shape
    depth = max(1, round(nz * 0.4))
    return [(nx // 4 + 1, nx // 4 + nx // 2), (ny // 4 + 1, ny // 4 + ny // 2),
            (nz // 3 + 1, nz // 3 + depth)]


def status_bytes(key: str, pid: int | str = "self") -> int:
    """VmRSS, VmHWM, … of a process in bytes."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    return 0


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def make_cold(cube: Path) -> str:
    """Empty the page cache (all of it if we may, else the cube's); says how."""
    os.sync()
    try:
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return "drop_caches"
    except OSError as exc:
        fd = os.open(cube, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
        return f"posix_fadvise (drop_caches: {exc.strerror})"


def child(method: str, source: Path, box: list[tuple[int, int]], target: Path) -> None:
    """One in-process run in this (fresh) process; prints seconds and memory as JSON."""
    from engine.soda.cutout import cut_file  # imported before the clock starts
    from engine.soda.params import parse_request

    idle = status_bytes("VmRSS")
    start = time.perf_counter()
    if method == "cut_file":
        request = parse_request({f"PIXEL_{i}": [f"{lo} {hi}"]
                                 for i, (lo, hi) in enumerate(box, start=1)})
        with open(target, "wb") as out:
            cut_file(source, request, out)
    else:
        with fits.open(source, memmap=True) as hdul:
            header = hdul[0].header.copy()
            slab = hdul[0].data[tuple(slice(lo - 1, hi) for lo, hi in reversed(box))]
            for i, (lo, _) in enumerate(box, start=1):
                header[f"CRPIX{i}"] = header[f"CRPIX{i}"] - (lo - 1)
            fits.PrimaryHDU(slab, header).writeto(target, overwrite=True)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "hwm": status_bytes("VmHWM"), "idle": idle,
                      "bytes": target.stat().st_size}))


@dataclass
class Bench:
    """What is measured: the cube, the sub-cube, and the dlget endpoint."""

    cube: Path
    box: list[tuple[int, int]]
    host: str
    port: int
    path: str  # of the dlget request, with its query
    pid: int | None  # the server's, for its memory
    work: Path  # for outputs

    def run(self, method: str, keep: Path | None = None) -> dict:
        if method == "dlget":
            return self.get(keep)
        target = keep or self.work / f"{method}.fits"
        found = subprocess.run(
            [sys.executable, __file__, "--child", method, str(self.cube),
             json.dumps(self.box), str(target)], capture_output=True, text=True)
        if found.returncode:
            raise SystemExit(f"{method} failed:\n{found.stderr}")
        if keep is None:
            target.unlink()
        return json.loads(found.stdout.splitlines()[-1])

    def get(self, keep: Path | None = None) -> dict:
        """The dlget request, its body read whole (into a file with ``keep``)."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=600)
        start = time.perf_counter()
        connection.request("GET", self.path)
        response = connection.getresponse()
        first = time.perf_counter() - start
        if response.status != 200:
            raise SystemExit(f"dlget answered {response.status}: {response.read(2000)!r}")
        view = memoryview(bytearray(MIB))
        total = 0
        with open(keep, "wb") if keep else open(os.devnull, "wb") as out:
            while n := response.readinto(view):
                total += n
                if keep:
                    out.write(view[:n])
        seconds = time.perf_counter() - start
        connection.close()
        expected = int(response.headers.get("content-length", total))
        if total != expected:
            raise SystemExit(f"dlget sent {total} bytes of {expected}")
        return {"seconds": seconds, "first": first, "bytes": total}


def check_outputs(work: Path) -> list[str]:
    """Compare the warm-up outputs; returns what to print."""
    lines = []
    same = filecmp.cmp(work / "dlget.fits", work / "cut_file.fits", shallow=False)
    lines.append("HTTP body == cut_file output byte for byte: " + ("yes" if same else "NO"))
    with fits.open(work / "dlget.fits") as got, fits.open(work / "astropy.fits") as ref:
        equal = np.array_equal(got[0].data, ref[0].data, equal_nan=True)
        lines.append(f"HTTP data == astropy slab: {'yes' if equal else 'NO'} "
                     f"(shape {got[0].data.shape}, {got[0].data.dtype})")
        moved = [k for k in ("CRPIX1", "CRPIX2", "CRPIX3")
                 if got[0].header[k] != ref[0].header[k]]
        if moved:
            lines.append(f"CRPIXn differ from astropy's: {moved}")
    return lines


def server_memory(pid: int | None) -> str:
    if pid is None:
        return "n/a"
    return (f"VmRSS {status_bytes('VmRSS', pid) / MIB:.0f} MiB, "
            f"VmHWM {status_bytes('VmHWM', pid) / MIB:.0f} MiB")


def measure(bench: Bench, repeat: int, cold: bool) -> None:
    from products import RSSWatch  # bench/products.py: samples VmRSS every 20 ms

    print(f"load average before: {load_average()}")
    print(f"server before any cutout: {server_memory(bench.pid)}")
    for method in METHODS:  # warm-up: fills the page cache, loads what loads lazily
        bench.run(method, keep=bench.work / f"{method}.fits")
    for line in check_outputs(bench.work):
        print(line)
    for method in METHODS:
        (bench.work / f"{method}.fits").unlink()
    print(f"server after the warm-up: {server_memory(bench.pid)}")
    runs: dict[str, list[dict]] = {m: [] for m in METHODS}
    cold_runs: dict[str, dict] = {}
    how_cold = ""
    watch = RSSWatch(bench.pid) if bench.pid else None
    if watch:
        watch.__enter__()
    try:
        for _ in range(repeat):  # interleaved: load changes hit all methods alike
            for method in METHODS:
                runs[method].append(bench.run(method))
        if cold:
            for method in METHODS:
                how_cold = make_cold(bench.cube)
                cold_runs[method] = bench.run(method)
    finally:
        if watch:
            watch.__exit__()
    print(f"load average after: {load_average()}")
    report(runs, cold_runs, how_cold, repeat)
    if bench.pid:
        hwm = status_bytes("VmHWM", bench.pid)
        print(f"server after: {server_memory(bench.pid)}; highest VmRSS sampled during "
              f"the runs {watch.peak / 1024:.0f} MiB")
        print(f"target server RSS < 200 MB ({TARGET_RSS / MIB:.1f} MiB): VmHWM "
              f"{hwm / 1e6:.0f} MB {'met' if hwm < TARGET_RSS else 'NOT met'}")


def report(runs: dict[str, list[dict]], cold_runs: dict[str, dict], how_cold: str,
           repeat: int) -> None:
    size = runs["dlget"][0]["bytes"]
    print(f"\ncutout {size / MIB:.1f} MiB; {repeat} warm runs each (seconds)")
    print(f"  {'':9s} {'best':>7s} {'median':>7s} {'MiB/s':>6s}  {'cold':>7s}  notes")
    medians = {}
    for method in METHODS:
        times = [r["seconds"] for r in runs[method]]
        medians[method] = statistics.median(times)
        cold = f"{cold_runs[method]['seconds']:7.3f}" if method in cold_runs else "    n/a"
        if method == "dlget":
            firsts = [r["first"] for r in runs[method]]
            note = f"first byte after {statistics.median(firsts):.3f} s (median)"
            if method in cold_runs:
                note += f", cold {cold_runs[method]['first']:.3f} s"
        else:
            hwm = max(r["hwm"] for r in runs[method])
            idle = min(r["idle"] for r in runs[method])
            note = (f"peak RSS {hwm / MIB:.0f} MiB ({(hwm - idle) / MIB:.0f} MiB above "
                    "the process before the cut)")
        print(f"  {method:9s} {min(times):7.3f} {medians[method]:7.3f} "
              f"{size / MIB / medians[method]:6.0f}  {cold}  {note}")
    if cold_runs:
        print(f"  (cold: one run each after emptying the page cache by {how_cold})")
    budget = TARGET_FACTOR * medians["astropy"] + TARGET_SLACK
    print(f"target dlget <= 1.5 x astropy + 20 ms = {budget:.3f} s (medians): dlget "
          f"{medians['dlget']:.3f} s, {'met' if medians['dlget'] <= budget else 'NOT met'}"
          f" (dlget/astropy {medians['dlget'] / medians['astropy']:.2f}, "
          f"dlget/cut_file {medians['dlget'] / medians['cut_file']:.2f})")
    if {"dlget", "astropy"} <= cold_runs.keys():
        budget = TARGET_FACTOR * cold_runs["astropy"]["seconds"] + TARGET_SLACK
        print(f"cold: dlget {cold_runs['dlget']['seconds']:.3f} s against {budget:.3f} s: "
              f"{'met' if cold_runs['dlget']['seconds'] <= budget else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="cube size in MiB")
    parser.add_argument("--dir", type=Path, help="where to make the work directory")
    parser.add_argument("--keep", action="store_true", help="keep the cube afterwards")
    parser.add_argument("--repeat", type=int, default=7, help="warm runs of each method")
    parser.add_argument("--cold", action="store_true", help="also one cold run of each")
    parser.add_argument("--http", metavar="URL", help="a running server's dlget endpoint")
    parser.add_argument("--id", help="the cube's ID at --http")
    parser.add_argument("--cube", type=Path, help="the cube --http serves under --id")
    parser.add_argument("--pid", type=int, help="the --http server's process, for its RSS")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        method, source, box, target = args.child
        child(method, Path(source), [tuple(b) for b in json.loads(box)], Path(target))
        return
    if args.http:
        if not (args.id and args.cube):
            parser.error("--http needs --id and --cube")
        with fits.open(args.cube) as hdul:
            box = tenth(tuple(hdul[0].header[f"NAXIS{i}"] for i in (1, 2, 3)))
        url = urllib.parse.urlsplit(args.http)
        query = urllib.parse.urlencode([("ID", args.id)] + [
            (f"PIXEL_{i}", f"{lo} {hi}") for i, (lo, hi) in enumerate(box, start=1)])
        with tempfile.TemporaryDirectory(prefix="dr-bench-cutout-", dir=args.dir) as work:
            measure(Bench(args.cube, box, url.hostname, url.port or 80,
                          f"{url.path}?{query}", args.pid, Path(work)),
                    args.repeat, args.cold)
        return
    from _cutout_site import Site

    with Site(args.size_mb, parent=args.dir, keep=args.keep) as site:
        start = time.perf_counter()
        shape = site.make_cube()
        print(f"cube {'x'.join(map(str, shape))} float32, "
              f"{site.cube.stat().st_size / MIB:,.0f} MiB, written in "
              f"{time.perf_counter() - start:.1f} s")
        start = time.perf_counter()
        site.publish()
        print(f"imported and served on port {site.port} (pid {site.pid}) in "
              f"{time.perf_counter() - start:.1f} s")
        box = tenth(shape)
        print(f"cutout PIXEL_n {', '.join(f'{lo} {hi}' for lo, hi in box)} of {site.pub_did}")
        measure(Bench(site.cube, box, "127.0.0.1", site.port, site.dlget_query(box),
                      site.pid, site.work), args.repeat, args.cold)


if __name__ == "__main__":
    main()
