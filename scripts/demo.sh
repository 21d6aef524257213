#!/bin/sh
# The demo: create the embedded database and import the demo resources.
set -eu
dr init
dr imp califa
dr imp califa/fits
dr imp jplus
dr db status
echo
echo "The demo tables are in the database: try"
echo "  .venv/bin/dr db psql -c 'SELECT name, ra, dec, hubtype FROM califa.main LIMIT 5'"
