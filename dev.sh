#!/bin/sh
# DR in two commands: `./dev.sh demo` sets up and runs the demo, `./dev.sh test`
# sets up and runs the tests.  `./dev.sh setup` only sets up.  Safe to repeat.
set -eu
cd "$(dirname "$0")"
what=${1:-}
[ $# -gt 0 ] && shift
case "$what" in
    demo|test|setup) ;;
    *) echo "usage: ./dev.sh demo | test [pytest args] | setup" >&2; exit 2 ;;
esac

scripts/system-packages.sh "$what"

venv=.venv
stamp="$venv/.dr-installed"
want=$(cat setup.cfg pyproject.toml | sha256sum | cut -c1-16)
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    "$venv/bin/python" -m pip install -q --upgrade pip
    "$venv/bin/python" -m pip install -q -e '.[test]'
    echo "$want" > "$stamp"
fi
export PATH="$PWD/$venv/bin:$PATH"

# The demo resources' data is generated, not committed.
[ -f inputs/califa/data/califa_colours.csv ] || python inputs/califa/generate.py
[ -f inputs/jplus/data/jplus.csv ] || python inputs/jplus/generate.py
# The file collections (cubes, images) are made from the catalogues above.
[ -f inputs/califa/data/cubes/NGC5947.V500.rscube.fits.gz ] || python inputs/califa/generate_cubes.py
[ -d inputs/jplus/data/images ] || python inputs/jplus/generate_images.py
[ -d inputs/jcmt/data ] || python inputs/jcmt/generate.py
[ -d inputs/jcmt/data/spectra ] || python inputs/jcmt/generate_spectra.py
[ -d inputs/cta/data ] || python inputs/cta/generate.py

case "$what" in
    setup) echo "set up: run commands as .venv/bin/dr (or put .venv/bin on PATH)" ;;
    test) exec python -m pytest "$@" ;;
    demo) exec scripts/demo.sh ;;
esac
