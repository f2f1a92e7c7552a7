#!/usr/bin/env bash
# Leaf drop-in check (issue 14): a Furrow server on 127.0.0.1 with a throwaway data folder, and
# test/newman/leaf-operations.postman_collection.json run against it by newman (the requests a
# Leaf client makes: auth, users, upload, batches, files, images, links, merge, deletion).
set -euo pipefail
cd "$(dirname "$0")/.."

samples=${FURROW_SAMPLES:-../shared/samples}
work=$(mktemp -d /tmp/furrow-leaf-XXXXXX)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
password=$(node -e "console.log(require('crypto').randomBytes(18).toString('base64url'))")
# A server of its own: SQLite and blobs in the temp folder, whatever DATABASE_URL/REDIS_URL/BLOB_URL the caller has.
env -u DATABASE_URL -u REDIS_URL -u BLOB_URL -u FURROW_S3_PRESIGN_SECONDS \
  FURROW_DATA_DIR="$work/data" HOST=127.0.0.1 PORT="$port" FURROW_WORKERS=1 FURROW_LOG_LEVEL=warn \
  FURROW_OWNER_USERNAME=newman@example.com FURROW_OWNER_PASSWORD="$password" \
  node bin/furrow.mjs serve > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do
  node -e "fetch('http://127.0.0.1:$port/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.2
done

node_modules/.bin/newman run test/newman/leaf-operations.postman_collection.json \
  --env-var "baseUrl=http://127.0.0.1:$port" --env-var username=newman@example.com --env-var "password=$password" \
  --working-dir "$samples" --bail --color off --reporters cli \
  || { echo "--- server log"; cat "$work/server.log"; exit 1; }
