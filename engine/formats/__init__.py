"""Output formats of query results, streamed batch by batch.

``registry.lookup(RESPONSEFORMAT)`` gives a :class:`registry.Format`; its
``writer(columns, **options)`` makes a writer with ``head()``, ``batch(b)``
and ``tail(status)`` (:mod:`engine.formats.writer`), or for FITS a spool
(:mod:`engine.formats.fits`).  Batches (:mod:`engine.formats.batch`) come
from ``engine.db.fetch.fetch_batches`` or from ``Batch.from_rows``.
"""

from engine.formats.batch import Batch
from engine.formats.registry import Format, accepted, lookup
from engine.formats.writer import Status

__all__ = ["Batch", "Format", "Status", "accepted", "lookup"]
