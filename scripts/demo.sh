#!/bin/sh
# The demo: create the embedded database and show that it runs.
set -eu
dr init
dr db status
