"""Product previews: PNGs of real FITS images and cubes, parsed back and checked by pixel.

The PNGs are decoded by the small, independent reader below (all five PNG
row filters, CRCs checked), not by the writer's own code.
"""

from __future__ import annotations

import gzip
import os
import struct
import subprocess
import sys
import threading
import zlib
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits

from engine.products import previews
from engine.products.png import encode_png
from engine.products.previews import PreviewStats, make_previews, preview_file

ROOT = Path(__file__).resolve().parents[2]


# ---- an independent PNG reader ----

def decode_png(data: bytes) -> tuple[np.ndarray, np.ndarray | None, dict[str, str]]:
    """(grey, alpha or None, tEXt chunks) of an 8-bit grey PNG; asserts it is well formed."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, pos = [], 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + body), f"bad CRC in {kind!r}"
        chunks.append((kind, body))
        pos += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1] == (b"IEND", b"")
    width, height, depth, colour, *methods = struct.unpack(">IIBBBBB", chunks[0][1])
    assert depth == 8 and colour in (0, 4) and methods == [0, 0, 0]
    channels = 1 if colour == 0 else 2
    stride = width * channels
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    assert len(raw) == height * (stride + 1)
    rows = np.zeros((height + 1, stride), dtype=np.int64)        # rows[0]: the zero row
    for r in range(height):
        kind = raw[r * (stride + 1)]
        line = np.frombuffer(raw, np.uint8, stride, r * (stride + 1) + 1).astype(np.int64)
        up = rows[r]
        if kind == 0:
            cur = line
        elif kind == 2:
            cur = (line + up) % 256
        else:
            cur = np.zeros(stride, dtype=np.int64)
            for i in range(stride):
                left = cur[i - channels] if i >= channels else 0
                corner = up[i - channels] if i >= channels else 0
                if kind == 1:
                    pred = left
                elif kind == 3:
                    pred = (left + up[i]) // 2
                else:
                    pred = paeth(left, up[i], corner)
                cur[i] = (line[i] + pred) % 256
        rows[r + 1] = cur
    pixels = rows[1:].astype(np.uint8).reshape(height, width, channels)
    text = dict(body.split(b"\0", 1) for kind, body in chunks if kind == b"tEXt")
    text = {k.decode("latin-1"): v.decode("latin-1") for k, v in text.items()}
    return pixels[..., 0], (pixels[..., 1] if channels == 2 else None), text


def paeth(left: int, up: int, corner: int) -> int:
    p = left + up - corner
    pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
    return left if pa <= pb and pa <= pc else up if pb <= pc else corner


def read_png(path: Path) -> tuple[np.ndarray, np.ndarray | None]:
    grey, alpha, _ = decode_png(path.read_bytes())
    return grey, alpha


# ---- FITS fixtures ----

CELESTIAL = {"RA---TAN": (150.0, -0.001), "DEC--TAN": (2.0, 0.001)}


def wcs_header(ctypes: list[str], **extra) -> fits.Header:
    header = fits.Header()
    for i, ctype in enumerate(ctypes, 1):
        header[f"CTYPE{i}"] = ctype
        header[f"CRPIX{i}"] = 1.0
        crval, cdelt = CELESTIAL.get(ctype, {"WAVE": (3.7e-7, 2e-10),
                                             "FREQ": (3.4e11, 1e6),
                                             "STOKES": (1.0, 1.0)}.get(ctype, (0.0, 1.0)))
        header[f"CRVAL{i}"], header[f"CDELT{i}"] = crval, cdelt
    header.update(extra)
    return header


def write_fits(path: Path, data: np.ndarray, header: fits.Header | None = None) -> Path:
    fits.PrimaryHDU(data, header=header).writeto(path)
    return path


def corner_image(ny: int = 48, nx: int = 64) -> np.ndarray:
    """Noise with a bright pixel at FITS pixel (1, 1), the lower left; dark other corners."""
    data = np.random.default_rng(1).normal(10, 1, (ny, nx)).astype(np.float32)
    data[0, 0] = 1000
    data[0, -1] = data[-1, 0] = data[-1, -1] = 0
    return data


def assert_bright_corner(grey: np.ndarray, corner: str = "lower left") -> None:
    """The named corner of the PNG is at full brightness, the others are darker."""
    corners = {"upper left": grey[0, 0], "upper right": grey[0, -1],
               "lower left": grey[-1, 0], "lower right": grey[-1, -1]}
    assert corners.pop(corner) == 255
    assert max(corners.values()) < 200


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "previews"


# ---- images ----

def test_image_preview_is_a_grey_png_of_the_image_size_with_fits_origin_at_lower_left(
        tmp_path, cache):
    source = write_fits(tmp_path / "img.fits", corner_image(), wcs_header(list(CELESTIAL)))
    path = preview_file(source, "image/fits", cache, "img")
    assert path == cache / "img.png"
    grey, alpha = read_png(path)
    assert grey.shape == (48, 64) and alpha is None
    assert_bright_corner(grey, "lower left")


def test_top_right_data_pixel_ends_up_top_right(tmp_path, cache):
    data = corner_image()[::-1, ::-1].copy()     # the bright pixel at FITS (NAXIS1, NAXIS2)
    grey, _ = read_png(preview_file(write_fits(tmp_path / "i.fits", data), "image/fits",
                                    cache, "i"))
    assert_bright_corner(grey, "upper right")


def test_big_image_is_scaled_down_keeping_its_aspect(tmp_path, cache):
    data = np.random.default_rng(2).normal(0, 1, (650, 1300)).astype(np.float32)
    data[:3, :3] = 500                            # one output pixel's worth of a bright corner
    data[:3, -3:] = data[-3:, :3] = data[-3:, -3:] = -5
    grey, _ = read_png(preview_file(write_fits(tmp_path / "big.fits", data), "image/fits",
                                    cache, "big"))
    assert grey.shape == (217, 434)               # binned by 3: at most 512, aspect kept
    assert_bright_corner(grey, "lower left")


def test_integer_image_with_blank_and_bscale_is_scaled_and_blank_is_transparent(
        tmp_path, cache):
    data = np.full((20, 30), 100, dtype=np.int16)
    data[0, 0] = 3000
    data[5:8, 5:8] = -32768
    header = fits.Header({"BSCALE": 0.5, "BZERO": 10.0, "BLANK": -32768})
    hdu = fits.PrimaryHDU(data, header=header, do_not_scale_image_data=True)
    hdu.writeto(tmp_path / "int.fits")
    grey, alpha = read_png(preview_file(tmp_path / "int.fits", "image/fits", cache, "int"))
    assert_bright_corner(grey, "lower left")
    assert (alpha[::-1][5:8, 5:8] == 0).all() and alpha.sum() == 255 * (600 - 9)


def test_nans_are_transparent(tmp_path, cache):
    data = corner_image()
    data[10:20, 30:40] = np.nan
    grey, alpha = read_png(preview_file(write_fits(tmp_path / "n.fits", data), "image/fits",
                                        cache, "n"))
    assert_bright_corner(grey, "lower left")
    transparent = alpha[::-1] == 0                # back to FITS row order
    assert transparent[10:20, 30:40].all() and transparent.sum() == 100
    assert (grey[alpha == 0] == 0).all()


def test_image_in_an_extension_after_an_empty_primary(tmp_path, cache):
    fits.HDUList([fits.PrimaryHDU(), fits.BinTableHDU.from_columns(
        [fits.Column("a", "E", array=np.arange(3))]),
        fits.ImageHDU(corner_image())]).writeto(tmp_path / "ext.fits")
    grey, _ = read_png(preview_file(tmp_path / "ext.fits", "application/fits", cache, "ext"))
    assert_bright_corner(grey, "lower left")


def test_gzipped_fits_gives_the_same_preview(tmp_path, cache):
    plain = write_fits(tmp_path / "p.fits", corner_image(), wcs_header(list(CELESTIAL)))
    packed = tmp_path / "p.fits.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    from_gzip = preview_file(packed, "application/x-gzip", cache, "gz")
    assert read_png(from_gzip)[0].tolist() == read_png(
        preview_file(plain, "image/fits", cache, "plain"))[0].tolist()


def test_tile_compressed_image(tmp_path, cache):
    fits.HDUList([fits.PrimaryHDU(), fits.CompImageHDU(corner_image())]).writeto(
        tmp_path / "c.fits.fz")
    grey, _ = read_png(preview_file(tmp_path / "c.fits.fz", "application/fits", cache, "fz"))
    assert_bright_corner(grey, "lower left")


# ---- cubes ----

def test_wave_cube_is_collapsed_along_wavelength(tmp_path, cache):
    cube = np.ones((40, 20, 30), dtype=np.float32)      # WAVE, DEC, RA
    cube[10:15, 0, 0] = 500                             # an emission line at the lower left
    cube[:, 5:7, 5:7] = np.nan                          # no data there at any wavelength
    cube[20:, 10, 10] = np.nan                          # half a spectrum: still shown
    header = wcs_header(["RA---TAN", "DEC--TAN", "WAVE"], CUNIT3="m")
    grey, alpha = read_png(preview_file(write_fits(tmp_path / "w.fits", cube, header),
                                        "image/fits", cache, "w"))
    assert grey.shape == (20, 30)
    assert_bright_corner(grey, "lower left")
    transparent = alpha[::-1] == 0
    assert transparent[5:7, 5:7].all() and transparent.sum() == 4


def test_freq_axis_is_found_from_the_wcs_wherever_it_is(tmp_path, cache):
    cube = np.ones((20, 30, 50), dtype=np.float32)      # DEC, RA, FREQ (FREQ is NAXIS1)
    cube[0, 0, 20:25] = 500
    header = wcs_header(["FREQ", "RA---TAN", "DEC--TAN"], RESTFRQ=3.45796e11)
    grey, _ = read_png(preview_file(write_fits(tmp_path / "f.fits", cube, header),
                                    "image/fits", cache, "f"))
    assert grey.shape == (20, 30)
    assert_bright_corner(grey, "lower left")


def test_radio_cube_with_a_stokes_axis(tmp_path, cache):
    cube = np.ones((2, 50, 20, 30), dtype=np.float32)   # STOKES, FREQ, DEC, RA
    cube[0, 20:25, -1, -1] = 500                         # Stokes I: shown
    cube[1, :, 0, 0] = 1e6                               # Stokes Q: not shown
    header = wcs_header(["RA---TAN", "DEC--TAN", "FREQ", "STOKES"])
    grey, _ = read_png(preview_file(write_fits(tmp_path / "s.fits", cube, header),
                                    "image/fits", cache, "s"))
    assert grey.shape == (20, 30)
    assert_bright_corner(grey, "upper right")


def test_cube_without_wcs_is_collapsed_along_its_third_axis(tmp_path, cache):
    cube = np.ones((40, 20, 30), dtype=np.float32)
    cube[:, 0, 0] = 500
    grey, _ = read_png(preview_file(write_fits(tmp_path / "nowcs.fits", cube), "image/fits",
                                    cache, "nowcs"))
    assert grey.shape == (20, 30)
    assert_bright_corner(grey, "lower left")


def test_blocks_smaller_than_a_plane_give_the_same_preview(tmp_path, cache, monkeypatch):
    cube = np.random.default_rng(3).normal(1, 0.1, (7, 600, 700)).astype(np.float32)
    cube[:, :50, :40] = 30
    source = write_fits(tmp_path / "c.fits", cube, wcs_header(["RA---TAN", "DEC--TAN",
                                                                "WAVE"]))
    whole = read_png(preview_file(source, "image/fits", cache, "whole"))[0]
    monkeypatch.setattr(previews, "CHUNK_BYTES", 700 * 8 * 13)    # 13 rows, unaligned bins
    assert read_png(preview_file(source, "image/fits", cache, "rows"))[0].tolist() \
        == whole.tolist()
    assert whole.shape == (300, 350)


# ---- files without a preview ----

def test_table_only_fits_has_no_preview_and_is_not_read_again(tmp_path, cache, monkeypatch):
    table = fits.BinTableHDU.from_columns([fits.Column("a", "E", array=np.arange(10))])
    fits.HDUList([fits.PrimaryHDU(), table]).writeto(tmp_path / "t.fits")
    assert preview_file(tmp_path / "t.fits", "application/fits", cache, "t") is None
    monkeypatch.setattr(previews.fits, "open", lambda *a, **k: pytest.fail("read again"))
    assert preview_file(tmp_path / "t.fits", "application/fits", cache, "t") is None


def test_non_fits_files_have_no_preview(tmp_path, cache):
    text = tmp_path / "readme.txt"
    text.write_text("SIMPLE but not FITS\n" * 200)
    assert preview_file(text, "text/plain", cache, "txt") is None
    assert preview_file(text, "application/fits", cache, "txt2") is None
    gz = tmp_path / "x.gz"
    gz.write_bytes(gzip.compress(b"hello" * 1000))
    assert preview_file(gz, "application/x-gzip", cache, "gz") is None
    assert preview_file(tmp_path / "missing.fits", "image/fits", cache, "missing") is None


@pytest.mark.filterwarnings("ignore:File may have been truncated")
def test_truncated_fits_gives_none_and_a_warning(tmp_path, cache, caplog):
    cube = np.random.default_rng(6).normal(0, 1, (40, 60, 60)).astype(np.float32)
    whole = write_fits(tmp_path / "w.fits", cube).read_bytes()
    packed = gzip.compress(whole)
    (tmp_path / "cut.fits").write_bytes(whole[:len(whole) // 2])
    (tmp_path / "cut.fits.gz").write_bytes(packed[:len(packed) // 2])
    assert preview_file(tmp_path / "cut.fits", "image/fits", cache, "cut") is None
    assert preview_file(tmp_path / "cut.fits.gz", "application/x-gzip", cache, "cutgz") is None
    warnings = [r.getMessage() for r in caplog.records if r.name == "dr.products"]
    assert len(warnings) == 2 and all("unreadable" in w for w in warnings)


def test_a_bad_name_is_a_programming_error(tmp_path, cache):
    source = write_fits(tmp_path / "i.fits", corner_image())
    for name in ("", "a/b", "..", ".hidden", "x" * 300):
        with pytest.raises(ValueError):
            preview_file(source, "image/fits", cache, name)


# ---- the cache ----

def test_preview_is_reused_then_remade_when_the_source_changes(tmp_path, cache):
    source = write_fits(tmp_path / "i.fits", corner_image())
    first = preview_file(source, "image/fits", cache, "i")
    inode = first.stat().st_ino
    assert preview_file(source, "image/fits", cache, "i").stat().st_ino == inode

    source.unlink()
    write_fits(source, corner_image()[::-1].copy())
    stat = source.stat()
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    again = preview_file(source, "image/fits", cache, "i")
    assert again == first and again.stat().st_ino != inode
    assert_bright_corner(read_png(again)[0], "upper left")


def test_a_file_that_gains_an_image_gets_a_preview(tmp_path, cache):
    source = tmp_path / "later.fits"
    fits.PrimaryHDU().writeto(source)
    assert preview_file(source, "image/fits", cache, "later") is None
    source.unlink()
    write_fits(source, corner_image())
    os.utime(source, ns=(0, 10**18))
    assert preview_file(source, "image/fits", cache, "later") is not None
    assert sorted(p.name for p in cache.iterdir()) == ["later.png"]


def test_concurrent_requests_never_see_a_partial_file(tmp_path, cache):
    source = write_fits(tmp_path / "c.fits", np.random.default_rng(4).normal(
        0, 1, (30, 300, 300)).astype(np.float32))
    results: list[Path | None] = []
    threads = [threading.Thread(target=lambda: results.append(
        preview_file(source, "image/fits", cache, "c"))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [cache / "c.png"] * 4
    assert read_png(cache / "c.png")[0].shape == (300, 300)
    assert [p.name for p in cache.iterdir()] == ["c.png"]     # no temporary files left


def test_make_previews_counts_and_skips_what_is_current(tmp_path, cache):
    image = write_fits(tmp_path / "i.fits", corner_image())
    table = tmp_path / "t.fits"
    fits.HDUList([fits.PrimaryHDU(), fits.BinTableHDU.from_columns(
        [fits.Column("a", "E", array=np.arange(3))])]).writeto(table)
    items = [(image, "image/fits", "i"), (table, "application/fits", "t")]
    assert make_previews(items, cache) == PreviewStats(made=1, unavailable=1)
    assert make_previews(items, cache) == PreviewStats(reused=1, unavailable=1)


# ---- the PNG writer ----

def test_png_writer_round_trips_grey_and_alpha_of_odd_sizes():
    rng = np.random.default_rng(5)
    grey = rng.integers(0, 256, (7, 13), dtype=np.uint8)
    alpha = rng.integers(0, 256, (7, 13), dtype=np.uint8)
    assert decode_png(encode_png(grey))[0].tolist() == grey.tolist()
    back_grey, back_alpha, text = decode_png(encode_png(grey, alpha, {"k": "v 1"}))
    assert (back_grey.tolist(), back_alpha.tolist(), text) == (grey.tolist(),
                                                               alpha.tolist(), {"k": "v 1"})


def test_png_reader_handles_every_filter_type():
    """The reader above is checked against hand-filtered rows, so it can judge the writer."""
    rows = [[10, 200, 30], [40, 5, 250], [7, 8, 9], [100, 0, 255], [1, 2, 3]]
    filtered, prev = b"", [0, 0, 0]
    for kind, row in enumerate(rows):                  # row i uses filter type i
        left, corner = [0] + row[:-1], [0] + prev[:-1]
        pred = [[0] * 3, left, prev, [(a + b) // 2 for a, b in zip(left, prev)],
                [paeth(a, b, c) for a, b, c in zip(left, prev, corner)]][kind]
        filtered += bytes([kind] + [(x - p) % 256 for x, p in zip(row, pred)])
        prev = row

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 3, 5, 8, 0, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(filtered)) + chunk(b"IEND", b""))
    assert decode_png(png)[0].tolist() == rows


# ---- memory ----

MEMORY_PROBE = """
import resource, sys
from pathlib import Path
from engine.products.previews import preview_file
big, small, cache = map(Path, sys.argv[1:])
assert preview_file(small, "image/fits", cache, "small")       # every code path warmed up
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
grey = preview_file(big, "image/fits", cache, "big")
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(grey is not None, (after - before) // 1024)
"""


def test_a_256_mb_cube_costs_little_memory(tmp_path, cache):
    big = tmp_path / "big.fits"
    header = wcs_header(["RA---TAN", "DEC--TAN", "WAVE"])
    hdu = fits.PrimaryHDU(np.zeros((1, 1, 1), dtype=np.float32))
    header = hdu.header + header
    header["NAXIS1"] = header["NAXIS2"] = header["NAXIS3"] = 400
    raw = header.tostring().encode()
    size = 400 ** 3 * 4
    with open(big, "wb") as f:                # sparse, but every byte is read back
        f.write(raw)
        f.seek(len(raw) + 200 * 400 * 400 * 4)
        f.write(np.tile(np.arange(400, dtype=">f4"), 400).tobytes())    # one plane
        f.truncate(len(raw) + size + (-size) % 2880)
    small = write_fits(tmp_path / "small.fits", np.ones((3, 20, 20), dtype=np.float32))
    probe = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(big), str(small),
                            str(cache)], cwd=ROOT, capture_output=True, text=True,
                           check=True)
    made, growth_mb = probe.stdout.split()
    assert made == "True"
    assert int(growth_mb) < 64, f"RSS grew by {growth_mb} MB for a 256 MB cube"
    grey, _ = read_png(cache / "big.png")
    assert grey.shape == (400, 400) and grey[0, -1] > grey[0, 0]    # the gradient in x
