#!/bin/sh
# The demo: create the embedded database, import the demo resources, serve them.
set -eu
dr init
dr imp califa
dr imp califa/fits
dr imp jplus
echo
echo "Serving the demo; open http://localhost:8080/ (Ctrl-C stops)."
echo "Try the form at /califa/q/cone/form or a cone search:"
echo "  curl 'http://localhost:8080/califa/q/cone/scs.xml?RA=232.65&DEC=42.72&SR=0.5'"
exec dr serve
