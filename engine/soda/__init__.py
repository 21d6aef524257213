"""SODA 1.0 cutouts: a FITS image or cube in, the part a client asks for out, as FITS
with a correct WCS, reading only what the cutout needs; and spectra, cut to a
band and written as the Spectral Data Model has them.

Pure file work (no database, no web), for the DataLink ``dlget`` renderer and
the SODA job kind:

* :mod:`engine.soda.params` — ``parse_request``: SODA's CIRCLE, POLYGON, POS,
  BAND, TIME, POL and DaCHS's PIXEL_n into a checked ``CutoutRequest``
  (ProtocolError 400 naming the parameter otherwise).
* :mod:`engine.soda.cutout` — ``plan_cutout``/``cut_file``: the pixel box of
  each combination of values and the FITS file of them (NoOverlap, HTTP 204,
  when none selects a pixel); ``combinations`` for one result per
  combination; ``describe``: each parameter's valid range for a service
  descriptor.
* :mod:`engine.soda.regions` — sky regions as pixel boxes through the WCS.
* :mod:`engine.soda.fitsfile` — finding an HDU, reading a box from plain or
  gzip'd files in bounded memory, writing FITS piece by piece.
* :mod:`engine.soda.spectrum` — a spectrum in memory: read from a FITS file,
  put in the SSA table's units, cut to a BAND, normalised.
* :mod:`engine.soda.sdm` — a spectrum with its SSA row as SDM 1 metadata,
  written as VOTable, FITS binary table, CSV or TSV.
"""
