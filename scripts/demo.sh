#!/bin/sh
# The demo: create the embedded database, import the demo resources, serve them.
set -eu
dr init
dr imp califa
dr imp califa/fits
dr imp jplus
dr imp califa/cubes
dr imp jplus/images
dr imp jcmt
echo
echo "Serving the demo; open http://localhost:8080/ (Ctrl-C stops)."
echo "Try the form at /califa/q/cone/form or a cone search:"
echo "  curl 'http://localhost:8080/califa/q/cone/scs.xml?RA=232.65&DEC=42.72&SR=0.5'"
echo "Cubes, images and their previews: /califa/cubes/web/form, /jplus/images/web/form,"
echo "/jcmt/q/web/form; every product in ObsCore: SELECT * FROM ivoa.obscore (TAP)."
echo "A new JCMT night: python inputs/jcmt/generate.py --add-night && dr imp jcmt"
exec dr serve
