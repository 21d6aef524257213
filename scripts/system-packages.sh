#!/bin/sh
# Install the Debian/Ubuntu packages DR needs that are missing (as root), or print
# the one apt-get line to run (as another user).  Usage: system-packages.sh demo|test
set -eu
purpose=${1:-demo}

have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }

pg_major() {
    ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null \
        | sed -E 's#.*/postgresql/([0-9]+)/bin/initdb#\1#' | sort -n | tail -1
}

missing=""
want() { for p in "$@"; do have_pkg "$p" || missing="$missing $p"; done; }

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "DR's set-up knows Debian and Ubuntu; install by hand: python3 python3-venv" \
         "postgresql postgresql-NN-pgsphere (NN: the PostgreSQL major version)" >&2
    exit 1
fi

want python3 python3-venv postgresql postgresql-client util-linux
if [ "$purpose" = test ]; then
    # Real clients the tests drive: STILTS (votlint, taplint) and a browser;
    # nginx in front of several dr serve (tests/frontends runs its own, in the
    # foreground on a free port).
    want stilts chromium nginx
fi
major=$(pg_major)
if [ -n "$major" ]; then
    want "postgresql-$major-pgsphere"
fi

install() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "DR needs these Debian packages; run, then repeat this command:" >&2
        echo "  sudo apt-get install -y$*" >&2
        exit 1
    fi
    echo "installing:$*"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $* >/dev/null
}

if [ -n "$missing" ]; then
    install "$missing"
fi
# The server's major version is known only once the server package is there.
major=$(pg_major)
if [ -n "$major" ] && ! have_pkg "postgresql-$major-pgsphere"; then
    install " postgresql-$major-pgsphere"
fi
exit 0
