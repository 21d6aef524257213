"""Which products DR can make a preview of, by MIME type alone — light enough for
every module that only asks (engine/products/previews.py makes them)."""

from __future__ import annotations

# Types a gzip'd FITS file may be published as; the file itself decides.
GZIP_MIMES = frozenset({"application/x-gzip", "application/gzip", "application/x-gzip-fits",
                        "application/octet-stream", ""})


def can_preview(mime: str) -> bool:
    """Whether a product of type ``mime`` may have a preview made (FITS, or a type
    that could be gzip'd FITS; the file itself decides)."""
    base = mime.split(";")[0].strip().lower()
    return "fits" in base or base in GZIP_MIMES
