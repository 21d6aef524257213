"""Small inputs directories with product RDs and real FITS files, written by the tests.

``write_images`` makes ``<inputs>/prods``: a table of FITS images mixing in
//products#table, one product per file, with what each file's header says
(OBJECT, and optionally EMBARGO, OWNER, PREVIEW, REMOTE) bound into
//products#define.  ``write_galaxies`` makes ``<inputs>/gals``: a catalogue
and an ancillary file set (spectra, images, notes per galaxy) linked to it.
"""

from __future__ import annotations

import gzip
import textwrap
from pathlib import Path

import numpy as np
from astropy.io import fits

IMAGES_RD = """
<resource schema="prods">
  <meta name="title">Product test images</meta>
  <table id="images" onDisk="True" adql="True" mixin="//products#table"
      primary="accref">
    <column name="object" type="text" ucd="meta.id" description="Target"/>
  </table>
  <data id="import">
    <sources pattern="data/*.fits*"/>
    <embeddedGrammar>
      <iterator><code>
        from astropy.io import fits
        header = fits.getheader(self.sourceToken)
        yield {key.lower(): header.get(key) for key in
               ("OBJECT", "EMBARGO", "OWNER", "PREVIEW", "REMOTE")}
      </code></iterator>
      <rowfilter procDef="//products#define">
        <bind key="table">"\\schema.images"</bind>
        <bind key="embargo">@embargo</bind>
        <bind key="owner">@owner</bind>
        <bind key="preview">@preview or "AUTO"</bind>
        <bind key="preview_mime">"image/png" if @preview else None</bind>
        <bind key="path">@remote or \\inputRelativePath{True}</bind>
      </rowfilter>
    </embeddedGrammar>
    <make table="images">
      <rowmaker idmaps="*"/>
    </make>
  </data>
</resource>
"""

GALAXIES_RD = """
<resource schema="gals">
  <meta name="title">Galaxies and their files</meta>
  <table id="main" onDisk="True" adql="True" primary="gal_id">
    <column name="gal_id" type="integer" required="True" ucd="meta.id;meta.main"/>
    <column name="name" type="text" ucd="meta.id"/>
  </table>
  <table id="files" onDisk="True" adql="True" mixin="//products#table"
      primary="accref">
    <column name="gal_id" type="integer" ucd="meta.id"
      description="The galaxy this file belongs to"/>
    <column name="kind" type="text" description="What the file is"/>
    <foreignKey inTable="main" source="gal_id" dest="gal_id"/>
  </table>
  <data id="import_main">
    <sources pattern="data/galaxies.csv"/>
    <csvGrammar/>
    <make table="main"/>
  </data>
  <data id="import_files">
    <sources pattern="ancillary/*/*"/>
    <embeddedGrammar>
      <iterator><code>
        folder, name = self.sourceToken.split("/")[-2:]
        yield {"gal_id": int(folder), "kind": name.split(".")[0]}
      </code></iterator>
      <rowfilter procDef="//products#define">
        <setup imports="mimetypes"/>
        <bind key="table">"\\schema.files"</bind>
        <bind key="mime">("image/fits" if \\fullPath.endswith(".fits")
          else mimetypes.guess_type(\\fullPath)[0])</bind>
        <bind key="preview">None</bind>
      </rowfilter>
    </embeddedGrammar>
    <make table="files"/>
  </data>
</resource>
"""

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049"
                    "454e44ae426082")


def image(seed: int, shape: tuple[int, ...] = (40, 30)) -> np.ndarray:
    return (np.arange(np.prod(shape), dtype=">f4").reshape(shape) + seed * 1000)


def write_fits(path: Path, seed: int, shape: tuple[int, ...] = (40, 30), **cards) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    hdu = fits.PrimaryHDU(image(seed, shape))
    hdu.header["OBJECT"] = f"field {seed}"
    for key, value in cards.items():
        hdu.header[key.upper()] = value
    if path.suffix == ".gz":
        buffer = path.with_suffix("")
        hdu.writeto(buffer, overwrite=True)
        path.write_bytes(gzip.compress(buffer.read_bytes(), mtime=0))
        buffer.unlink()
    else:
        hdu.writeto(path, overwrite=True)
    return path


def write_images(inputs: Path) -> Path:
    """<inputs>/prods with plain, gzipped, embargoed, previewed and remote products."""
    base = inputs / "prods"
    data = base / "data"
    write_fits(data / "plain.fits", 1)
    write_fits(data / "big.fits", 2, shape=(6, 400, 500))  # 4.8 MB: several chunks
    write_fits(data / "packed.fits.gz", 3)
    write_fits(data / "doomed.fits", 4)
    write_fits(data / "secret.fits", 5, EMBARGO="2200-01-01", OWNER="staff")
    write_fits(data / "past.fits", 6, EMBARGO="2000-01-01", OWNER="staff")
    write_fits(data / "pictured.fits", 7, PREVIEW="prods/previews/pictured.png")
    write_fits(data / "elsewhere.fits", 8, REMOTE="https://example.org/far/away.fits")
    (base / "previews").mkdir(exist_ok=True)
    (base / "previews" / "pictured.png").write_bytes(PNG)
    (base / "q.rd").write_text(textwrap.dedent(IMAGES_RD).lstrip())
    return base


def write_galaxies(inputs: Path) -> Path:
    """<inputs>/gals: galaxies 1 and 2 with ancillary files, galaxy 3 without."""
    base = inputs / "gals"
    (base / "data").mkdir(parents=True, exist_ok=True)
    (base / "data" / "galaxies.csv").write_text(
        "gal_id,name\n1,NGC 1\n2,NGC 2\n3,NGC 3\n")
    for gal in (1, 2):
        folder = base / "ancillary" / str(gal)
        write_fits(folder / "spectrum.fits", 10 + gal, shape=(200,))
        (folder / "image.png").write_bytes(PNG)
        (folder / "notes.txt").write_text(f"Notes on galaxy {gal}.\n")
    (base / "q.rd").write_text(textwrap.dedent(GALAXIES_RD).lstrip())
    return base


HIDDEN_RD = """
<resource schema="hidden">
  <table id="frames" onDisk="True" mixin="//products#table" readGroups="staff"/>
  <data id="import">
    <sources pattern="data/*.fits"/>
    <embeddedGrammar>
      <iterator><code>yield {}</code></iterator>
      <rowfilter procDef="//products#define">
        <bind key="table">"\\schema.frames"</bind>
      </rowfilter>
    </embeddedGrammar>
    <make table="frames"/>
  </data>
</resource>
"""


def write_hidden(inputs: Path) -> Path:
    """<inputs>/hidden: products of a table only the group staff may read."""
    base = inputs / "hidden"
    write_fits(base / "data" / "frame.fits", 20)
    (base / "q.rd").write_text(textwrap.dedent(HIDDEN_RD).lstrip())
    return base
