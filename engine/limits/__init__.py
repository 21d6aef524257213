"""dr limits: what it measures of a table (row counts, coverage, column statistics)
and where it keeps the figures."""
