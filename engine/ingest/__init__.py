"""Importing data: DDL from RD tables, COPY loading, staging and swap, provenance."""
