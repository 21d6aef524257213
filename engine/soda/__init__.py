"""SODA 1.0 cutouts: a FITS image or cube in, the part a client asks for out, as FITS
with a correct WCS, reading only what the cutout needs."""
