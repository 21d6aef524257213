"""Products: importing FITS files (part 1) and serving a big file through /getproduct (part 2).

Part 1 is bench/products_import.py (``dr imp`` with fitsProdGrammar against
plain astropy; target >= 0.5).

Part 2 writes a file of ``--size-mb`` MiB (default 1 GiB) into a temporary
inputs directory, publishes it with //products#define (``dr imp``), starts
``dr serve`` on a free loopback port and times, best of ``--repeat`` runs:

* reading the file from disk in 1 MiB ``readinto`` calls (the limit),
* downloading it from /getproduct with ``http.client`` into a reused
  buffer (the client does no more work than the disk reader), and
* downloading it the same way from the fastest server Python can be: a bare
  socket answering with ``os.sendfile`` (zero copy), which measures what the
  loopback TCP connection itself carries on this machine,

both with the file in the page cache (warm) and with it evicted before each
run (``posix_fadvise(DONTNEED)``: read from the device; cold).  Prints MiB/s,
the ratios getproduct/disk (target >= 0.8) and getproduct/sendfile, and the
server's resident memory before, at its highest during, and after the
downloads (flat: a download holds about two 1 MiB chunks).  Uses the
configured database (the embedded cluster by default).  Not a test: CI never
runs it.

    .venv/bin/python bench/products.py                      # both parts
    .venv/bin/python bench/products.py --part getproduct --size-mb 1024
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import products_import

RD = """<resource schema="benchget">
  <table id="files" onDisk="True" mixin="//products#table" primary="accref"/>
  <data id="import">
    <sources pattern="data/*.bin"/>
    <embeddedGrammar>
      <iterator><code>yield {}</code></iterator>
      <rowfilter procDef="//products#define">
        <bind key="table">"\\schema.files"</bind>
        <bind key="mime">"application/octet-stream"</bind>
        <bind key="preview">None</bind>
      </rowfilter>
    </embeddedGrammar>
    <make table="files"/>
  </data>
</resource>
"""
ACCREF = "benchget/data/big.bin"
BLOCK = 1 << 20


def write_big_file(path: Path, mib: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        for _ in range(mib):
            f.write(os.urandom(BLOCK))
        f.flush()
        os.fsync(f.fileno())


def evict(path: Path) -> None:
    """Drop the file's pages from the page cache (no root needed)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def read_disk(path: Path) -> int:
    buffer = bytearray(BLOCK)
    view = memoryview(buffer)
    total = 0
    with open(path, "rb", buffering=0) as f:
        while n := f.readinto(view):
            total += n
    return total


def download(port: int, path: str = f"/getproduct/{ACCREF}") -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        assert response.status == 200, response.status
        expected = int(response.headers["content-length"])
        buffer = bytearray(BLOCK)
        view = memoryview(buffer)
        total = 0
        while n := response.readinto(view):
            total += n
        assert total == expected, (total, expected)
        return total
    finally:
        conn.close()


class SendfileServer:
    """The ceiling: answers every connection with the file by ``os.sendfile``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        size = self.path.stat().st_size
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n"
                             b"Connection: close\r\n\r\n" % size)
                fd = os.open(self.path, os.O_RDONLY)
                try:
                    offset = 0
                    while offset < size:
                        offset += os.sendfile(conn.fileno(), fd, offset,
                                              min(8 << 20, size - offset))
                finally:
                    os.close(fd)

    def close(self) -> None:
        self.sock.close()


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class RSSWatch:
    """The highest resident memory of a process while the watch runs (every 20 ms)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.stop = pid, 0, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, rss_kib(self.pid))
            time.sleep(0.02)

    def __enter__(self) -> RSSWatch:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def best(run: Callable[[], int], repeat: int, before: Callable[[], None]) -> float:
    times = []
    for _ in range(repeat):
        before()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(config: Path) -> subprocess.Popen:
    env = dict(os.environ, DR_CONFIG=str(config))
    env.pop("DR_STATE_DIR", None)
    env.pop("DR_INPUTS_DIR", None)
    process = subprocess.Popen([sys.executable, "-m", "engine.cli", "serve"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
    line = process.stdout.readline()
    if "listening on" not in line:
        process.kill()
        raise RuntimeError(f"dr serve did not start: {line}")
    threading.Thread(target=process.stdout.read, daemon=True).start()
    return process


def run_dr(config: Path, *argv: str) -> None:
    env = dict(os.environ, DR_CONFIG=str(config))
    env.pop("DR_STATE_DIR", None)
    env.pop("DR_INPUTS_DIR", None)
    subprocess.run([sys.executable, "-m", "engine.cli", *argv], env=env, check=True,
                   capture_output=True)


def bench_getproduct(args: argparse.Namespace) -> tuple[float, float]:
    """Part 2; returns the (warm, cold) ratios getproduct/disk."""
    from engine.config import load_config
    from engine.db.connect import open_database

    dsn = open_database(load_config()).dsn
    work = Path(tempfile.mkdtemp(prefix="dr-bench-getproduct-"))
    process = None
    try:
        inputs = work / "inputs"
        big = inputs / "benchget" / "data" / "big.bin"
        t0 = time.perf_counter()
        write_big_file(big, args.size_mb)
        (inputs / "benchget" / "q.rd").write_text(RD)
        print(f"{args.size_mb:,} MiB file written in {time.perf_counter() - t0:.1f} s")
        port = free_port()
        config = work / "gavo.conf"
        config.write_text(f"[general]\nstateDir = {work / 'state'}\ninputsDir = {inputs}\n"
                          f"[db]\ndsn = {dsn}\n[web]\nserverPort = {port}\n"
                          f"serverURL = http://127.0.0.1:{port}\n")
        run_dr(config, "imp", "benchget")
        process = start_server(config)
        download(port)  # the first request loads what the server loads lazily
        size = big.stat().st_size
        idle = rss_kib(process.pid)
        rates = {}
        ceiling = SendfileServer(big)
        with RSSWatch(process.pid) as watch:
            for label, before in (("warm", lambda: None), ("cold", lambda: evict(big))):
                disk = best(lambda: read_disk(big), args.repeat, before)
                served = best(lambda: download(port), args.repeat, before)
                bare = best(lambda: download(ceiling.port, "/"), args.repeat, before)
                rates[label] = (size / disk, size / served, size / bare)
        ceiling.close()
        after = rss_kib(process.pid)
        run_dr(config, "drop", "benchget")
    finally:
        if process is not None:
            process.terminate()
            process.wait(10)
        shutil.rmtree(work, ignore_errors=True)
    mib = float(1 << 20)
    ratios = []
    for label, (disk_rate, served_rate, bare_rate) in rates.items():
        ratio = served_rate / disk_rate
        ratios.append(ratio)
        print(f"{label}: disk {disk_rate / mib:6,.0f} MiB/s  /getproduct "
              f"{served_rate / mib:6,.0f} MiB/s  bare sendfile {bare_rate / mib:6,.0f} MiB/s"
              f"  getproduct/disk {ratio:.2f} (target >= 0.8)  getproduct/sendfile "
              f"{served_rate / bare_rate:.2f}")
    print(f"server RSS: {idle / 1024:.0f} MiB before, {watch.peak / 1024:.0f} MiB at most "
          f"during {2 * args.repeat + 1} downloads of {size / mib:,.0f} MiB, "
          f"{after / 1024:.0f} MiB after")
    return ratios[0], ratios[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("import", "getproduct", "all"), default="all")
    parser.add_argument("--size-mb", type=int, default=1024,
                        help="size of the served file in MiB")
    products_import.add_arguments(parser)  # --files, --repeat
    args = parser.parse_args()
    if args.part in ("import", "all"):
        products_import.bench_import(args)
    if args.part in ("getproduct", "all"):
        bench_getproduct(args)


if __name__ == "__main__":
    main()
