"""Provenance of the site's data as IVOA ProvDM: the ProvTAP draft's tables as views
over DR's import records (:mod:`engine.provenance.views`)."""

from engine.provenance.views import SCHEMA, install_provenance, provenance_rd

__all__ = ["SCHEMA", "install_provenance", "provenance_rd"]
