#!/usr/bin/env bash
# CPU profile of one tlg-decode method (default: furrow) with readable source lines.
#
#   bash bench/profile-decode.sh <TASKDATA folder or zip> [method]
#
# tsx hands V8 each module's code on one line, so a profile taken through tsx cannot say which
# line is hot. This bundles bench/tlg-decode.ts (and the src/ code it imports) with esbuild,
# unminified, into $FURROW_BENCH_DIR/prof (default /tmp/furrow-bench/prof), runs the method once
# under `node --cpu-prof`, and prints self time per function and per line of the bundle.
set -euo pipefail
INPUT=${1:?usage: bash bench/profile-decode.sh <TASKDATA folder or zip> [method]}
METHOD=${2:-furrow}
REPO=$(cd "$(dirname "$0")/.." && pwd)
P=${FURROW_BENCH_DIR:-/tmp/furrow-bench}/prof
mkdir -p "$P/bundle"
# The bundle resolves its npm packages and ../package.json (src/version.ts) from beside it.
ln -sfn "$REPO/node_modules" "$P/node_modules"
ln -sfn "$REPO/package.json" "$P/package.json"
"$REPO/node_modules/.bin/esbuild" "$REPO/bench/tlg-decode.ts" --bundle --platform=node --format=esm \
  --packages=external --target=node20 --log-level=warning --outfile="$P/bundle/tlg-decode.mjs"
rm -f "$P"/*.cpuprofile
node --cpu-prof --cpu-prof-dir "$P" "$P/bundle/tlg-decode.mjs" --child "$METHOD" "$INPUT"
PROFILE=$(ls -t "$P"/*.cpuprofile | head -1)
cd "$REPO"
node --import tsx bench/cpuprofile-top.ts "$PROFILE" --top 20 --lines 4
