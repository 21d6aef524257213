"""A small cutout of a big cube costs memory in proportion to the piece, not the file."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import numpy as np
from astropy.io import fits

from engine.soda.cutout import cut_file
from engine.soda.params import parse_request
from tests.soda.cubes import tan_cards

MIB = 1 << 20


def write_big_cube(path: Path, shape: tuple[int, int, int], compress: bool = False) -> None:
    """A float32 cube written plane by plane (this test's own memory stays small);
    plane k holds k + y / 1000 in each row y."""
    nx, ny, nz = shape
    header = fits.Header([("SIMPLE", True), ("BITPIX", -32), ("NAXIS", 3),
                          ("NAXIS1", nx), ("NAXIS2", ny), ("NAXIS3", nz)])
    for key, value in (tan_cards(120.0, 30.0, nx, ny, scale=0.001) | {
            "CTYPE3": "WAVE", "CUNIT3": "m", "CRVAL3": 4e-7, "CRPIX3": 1.0,
            "CDELT3": 1e-9}).items():
        header[key] = value
    opener = gzip.open if compress else open
    with opener(path, "wb", **({"compresslevel": 1} if compress else {})) as f:
        f.write(header.tostring().encode("ascii"))
        rows = np.broadcast_to((np.arange(ny, dtype=">f4") / 1000)[:, None], (ny, nx))
        for k in range(nz):
            f.write((rows + np.float32(k)).astype(">f4").tobytes())
        size = nx * ny * nz * 4
        f.write(b"\0" * (-size % 2880))


def peak_growth(run) -> tuple[int, object]:
    """How far this process's resident memory rose above its level before ``run``, in bytes."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # resets VmHWM to the current RSS
    before = _status("VmRSS")
    result = run()
    return _status("VmHWM") - before, result


def _status(key: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    raise AssertionError(f"no {key} in /proc/self/status")


def test_a_small_cutout_of_a_200_mb_cube_keeps_memory_small(tmp_path):
    path = tmp_path / "big.fits"
    shape = (500, 400, 256)  # 204.8 MB of float32
    write_big_cube(path, shape)
    assert path.stat().st_size > 200 * 10**6
    # every plane, a 20 x 30 pixel patch of each: the whole file is touched
    request = parse_request({"PIXEL_1": ["101 120"], "PIXEL_2": ["201 230"]})
    out = io.BytesIO()
    growth, _ = peak_growth(lambda: cut_file(path, request, out))
    assert growth < 24 * MIB, f"resident memory grew by {growth / MIB:.1f} MiB"
    out.seek(0)
    with fits.open(out) as result:
        assert result[0].data.shape == (256, 30, 20)
        assert result[0].data[7, 3, 0] == np.float32(7 + 203 / 1000)
    # a sub-cube of some 39 MB written to a file: memory grows by a bounded
    # read-ahead (runs of at most 16 MiB), neither by the file nor by the cutout
    request = parse_request({"CIRCLE": ["120 30 0.1"], "BAND": ["4.1e-7 6.5e-7"]})
    target = tmp_path / "cutout.fits"
    with open(target, "wb") as f:
        growth, _ = peak_growth(lambda: cut_file(path, request, f))
    cube_bytes = target.stat().st_size
    assert cube_bytes > 36 * MIB
    assert growth < 32 * MIB, f"grew by {growth / MIB:.1f} MiB"


def test_a_cutout_of_a_gzipped_cube_holds_only_the_rows_it_needs(tmp_path):
    path = tmp_path / "big.fits.gz"
    shape = (400, 300, 200)  # 96 MB uncompressed
    write_big_cube(path, shape, compress=True)
    request = parse_request({"PIXEL_2": ["101 110"], "PIXEL_3": ["150 200"]})
    out = io.BytesIO()
    growth, _ = peak_growth(lambda: cut_file(path, request, out))
    assert growth < 16 * MIB, f"resident memory grew by {growth / MIB:.1f} MiB"
    out.seek(0)
    with fits.open(out) as result:
        assert result[0].data.shape == (51, 10, 400)
        assert result[0].data[50, 9, 399] == np.float32(199 + 109 / 1000)
