#!/usr/bin/env bash
# The whole fuzz corpus (issue 13): 1,000 hostile variants of the shared samples through
# `furrow convert`'s code, each in a watched child process bounded at 512 MiB resident and 120 s;
# fails when any input crashes, leaves an unhandled rejection, ends with an unclear message or
# overruns a bound. Figures: bench/README.md, "Fuzz corpus".
set -euo pipefail
cd "$(dirname "$0")/.."
node --import tsx bench/fuzz.ts --seed 13 --count 1000 --jobs 2 --rss-mb 512 --timeout-s 120
