#!/bin/sh
# The demo: create the embedded database, import the demo resources, serve them.
set -eu
dr init
dr imp califa
dr imp califa/fits
dr imp jplus
dr imp califa/cubes
dr imp califa/spectra
dr imp jplus/images
dr imp jcmt
dr imp jcmt/spectra
dr imp califa/collab
dr imp cta
# Measure the tables: coverage for the registry records, ranges for the forms.
for rd in califa jplus jplus/images califa/cubes califa/spectra jcmt jcmt/spectra cta; do
    dr limits "$rd" >/dev/null
done
# Register the services and tables that publish themselves in ivo_managed.
dr pub califa jplus jplus/images califa/cubes califa/spectra jcmt/spectra cta

# The demo's two accounts; their passwords are in the README, so never keep
# them on a site that others can reach.
account() {  # user password group
    dr admin list | grep -q "^$1[ :]" ||
        printf '%s\n' "$2" | dr admin adduser --password-stdin "$1" >/dev/null
    dr admin addtogroup "$1" "$3" >/dev/null
}
account collab califa-demo califa
account pi jcmt-demo m15bp042
echo
echo "Serving the demo; open http://localhost:8080/ (Ctrl-C stops)."
echo "Try the form at /califa/q/cone/form or a cone search:"
echo "  curl 'http://localhost:8080/califa/q/cone/scs.xml?RA=232.65&DEC=42.72&SR=0.5'"
echo "Cubes, images and their previews: /califa/cubes/web/form, /jplus/images/web/form,"
echo "/jcmt/q/web/form; every product in ObsCore: SELECT * FROM ivoa.obscore (TAP)."
echo "Spectra by SSA: /califa/spectra/ssa/ssap.xml?REQUEST=queryData&POS=232.65,42.72&SIZE=0.1"
echo "A new JCMT night: python inputs/jcmt/generate.py --add-night && python inputs/jcmt/generate_spectra.py && dr imp jcmt && dr imp jcmt/spectra"
echo "The publishing registry (OAI-PMH): /oai.xml?verb=ListRecords&metadataPrefix=ivo_vor"
echo "Restricted: /califa/collab/web/form as collab (password califa-demo); the DR21"
echo "cube of /jcmt/q/web/form as pi (password jcmt-demo), e.g. curl -u pi:jcmt-demo ..."
exec dr serve
