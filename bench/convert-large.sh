#!/usr/bin/env bash
# End-to-end `furrow convert` of a TASKDATA zip of at least 1 GB: wall time, peak RSS, points/s.
#
#   bash bench/convert-large.sh [records]        (default 12700000: a 1.08 GB zip)
#
# Environment:
#   DLVS=16             DLVs per record (bench/gen-taskdata.ts --dlvs; 16 ≈ 85 bytes per record)
#   ZIP=stored          stored|deflate. Stored by default: the synthetic log deflates ~3×, so a
#                       deflated zip of 1 GB would need ~3× the records (and hours to convert)
#   NODE_FLAGS=         extra node flags for the convert, e.g. "--trace-gc" or "--max-old-space-size=400"
#   FURROW_BENCH_DIR    scratch folder (default /tmp/furrow-bench); data goes to $FURROW_BENCH_DIR/large
#   KEEP=1              keep the zip and the output (default: deleted after the figures are printed)
#   MIN_ZIP_BYTES=1000000000  refuse to measure a smaller zip
set -euo pipefail
RECORDS=${1:-12700000}
DLVS=${DLVS:-16}
ZIP_MODE=${ZIP:-stored}
NODE_FLAGS=${NODE_FLAGS:-}
MIN_ZIP_BYTES=${MIN_ZIP_BYTES:-1000000000}
REPO=$(cd "$(dirname "$0")/.." && pwd)
W=${FURROW_BENCH_DIR:-/tmp/furrow-bench}/large
OUT=$W/out
cd "$REPO"

rm -rf "$W"
mkdir -p "$W"
echo "generating $RECORDS records, $DLVS DLVs, zip $ZIP_MODE ..." >&2
node --import tsx bench/gen-taskdata.ts "$W/data" "$RECORDS" --dlvs "$DLVS" --zip "$ZIP_MODE" | tee "$W/gen.json"
ZIPFILE=$W/data/taskdata.zip
# Only the zip is converted; drop the unpacked copy to halve the disk used.
rm -rf "$W/data/TASKDATA"
ZIP_BYTES=$(stat -c %s "$ZIPFILE")
if (( ZIP_BYTES < MIN_ZIP_BYTES )); then
  echo "zip is only $ZIP_BYTES bytes (< $MIN_ZIP_BYTES): raise the record count" >&2
  exit 1
fi

echo "converting ..." >&2
set +e
# shellcheck disable=SC2086 # NODE_FLAGS is a list of flags
/usr/bin/time -v -o "$W/time.txt" node $NODE_FLAGS bin/furrow.mjs convert "$ZIPFILE" -o "$OUT" 2> "$W/stderr.txt"
STATUS=$?
set -e

group() { sed -e ':a' -e 's/\B[0-9]\{3\}\>/,&/' -e 'ta' <<< "$1"; }
field() { grep -F "$1" "$W/time.txt" | sed 's/.*: //'; }
ELAPSED=$(field 'Elapsed (wall clock) time')
WALL_S=$(echo "$ELAPSED" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
RSS_KB=$(field 'Maximum resident set size')
RAW=$(find "$OUT" -name raw.geojson | head -1)
# The writer puts one Feature per line; the first line is the FeatureCollection header.
POINTS=$( [[ -n "$RAW" ]] && grep -c '^{"type":"Feature",' "$RAW" || echo 0)

echo
echo "input        $ZIPFILE: $(group "$ZIP_BYTES") bytes ($(awk -v b="$ZIP_BYTES" 'BEGIN { printf "%.2f GiB", b / 2^30 }'), $ZIP_MODE entries), $(group "$RECORDS") records, $DLVS DLVs"
echo "command      /usr/bin/time -v node ${NODE_FLAGS:+$NODE_FLAGS }bin/furrow.mjs convert $ZIPFILE -o $OUT"
echo "exit status  $STATUS"
echo "wall time    $ELAPSED ($WALL_S s); user $(field 'User time') s, system $(field 'System time') s, CPU $(field 'Percent of CPU')"
echo "peak RSS     $(group "$RSS_KB") KiB ($(awk -v k="$RSS_KB" 'BEGIN { printf "%.0f MiB", k / 1024 }')); goal < 512 MB: $(awk -v k="$RSS_KB" 'BEGIN { print (k * 1024 < 512 * 1024 * 1024 ? "MET" : "NOT MET") }')"
echo "points       $(group "$POINTS") converted, $(group "$(awk -v p="$POINTS" -v s="$WALL_S" 'BEGIN { printf "%.0f", p / s }')") points/s"
echo "outputs      $(du -sh "$OUT" | cut -f1) in $OUT"
find "$OUT" -type f -printf '  %12s  %P\n' | sort -k2
if [[ -s "$W/stderr.txt" ]]; then echo "stderr:"; tail -5 "$W/stderr.txt"; fi
grep -o '"status": *"[a-z]*"' "$OUT/report.json" | sort | uniq -c | sed 's/^/report.json /'

if [[ "${KEEP:-0}" != 1 ]]; then
  rm -rf "$W/data" "$OUT"
  echo "(zip and outputs deleted; KEEP=1 keeps them)"
fi
