#!/usr/bin/env bash
# Node 22 LTS beside the machine's Node 20 (issue 13): installs Node 22 from the npm registry's
# node-linux-<arch> package into a temporary prefix, builds better-sqlite3 for its ABI in a copy
# of the checkout (the checkout's own build stays Node 20's), then on Node 22: a smoke run of
# `furrow serve` (authenticate, create a user, upload a sample, wait for PROCESSED) and the test
# files of the login, token, owner, upload and shutdown work.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

NODE22_VERSION=22.23.5
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "auth.sh: no Node 22 package for $(uname -m); skipped"; exit 0 ;;
esac

work=$(mktemp -d /tmp/furrow-node22-XXXXXX)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
  return 0
}
trap cleanup EXIT

npm install --prefix "$work/node" --no-save --no-audit --no-fund "node-linux-$arch@$NODE22_VERSION" >/dev/null
node22_home="$work/node/node_modules/node-linux-$arch"
node22="$node22_home/bin/node"
echo "auth.sh: $("$node22" --version) from the npm registry"

# A copy of the checkout: tracked files, node_modules hard-linked, better-sqlite3 a real copy rebuilt
# for Node 22 from its bundled sources against the headers the package ships (no download).
mkdir "$work/repo"
git ls-files -z | xargs -0 cp --parents -t "$work/repo"
cp -al node_modules "$work/repo/node_modules"
rm -rf "$work/repo/node_modules/better-sqlite3"
cp -a node_modules/better-sqlite3 "$work/repo/node_modules/better-sqlite3"
node_gyp="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
(cd "$work/repo/node_modules/better-sqlite3" && PATH="$node22_home/bin:$PATH" "$node22" "$node_gyp" rebuild --release --nodedir="$node22_home" -j 2 >"$work/gyp.log" 2>&1) || {
  tail -30 "$work/gyp.log"
  exit 1
}
samples=${FURROW_SAMPLES:-$(cd "$repo/../shared/samples" && pwd)}

# Smoke: furrow serve on Node 22, embedded mode, on a free port of 127.0.0.1.
# exec: $! must be the server itself, or the SIGINT below reaches only the subshell (which ignores it, being a background job).
data="$work/data"
(cd "$work/repo" && FURROW_DATA_DIR="$data" PORT=0 HOST=127.0.0.1 FURROW_WORKERS=1 FURROW_LOG_LEVEL=warn \
  FURROW_OWNER_USERNAME=smoke@example.com FURROW_OWNER_PASSWORD=smoke-password exec "$node22" bin/furrow.mjs serve >"$work/serve.log" 2>&1) &
server_pid=$!
for _ in $(seq 150); do grep -q 'listening on' "$work/serve.log" && break; sleep 0.2; done
url=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$work/serve.log" | head -1)
[ -n "$url" ] || { cat "$work/serve.log"; exit 1; }
FURROW_URL="$url" SAMPLE="$samples/isoxml/kverneland-spreader/single-dpd.zip" "$node22" --input-type=module -e '
  const base = process.env.FURROW_URL;
  const call = async (method, path, body, token, expected) => {
    const headers = token ? { authorization: `Bearer ${token}` } : {};
    if (body && !(body instanceof FormData)) headers["content-type"] = "application/json";
    const response = await fetch(base + path, { method, headers, body: body instanceof FormData ? body : body && JSON.stringify(body) });
    const text = await response.text();
    if (response.status !== expected) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text);
  };
  const { id_token } = await call("POST", "/api/authenticate", { username: "smoke@example.com", password: "smoke-password" }, undefined, 200);
  const me = await call("GET", "/api/owners/me", undefined, id_token, 200);
  if (!me.admin) throw new Error("the first owner is not the administrator");
  const user = await call("POST", "/services/usermanagement/api/users", { name: "Smoke" }, id_token, 201);
  const form = new FormData();
  form.append("file", new Blob([await (await import("node:fs/promises")).readFile(process.env.SAMPLE)]), "sample.zip");
  const batch = await call("POST", `/services/operations/api/batch?leafUserId=${user.id}`, form, id_token, 201);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const state = await call("GET", `/services/operations/api/batch/${batch.id}`, undefined, id_token, 200);
    if (state.status === "PROCESSED") { console.log(`auth.sh: Node ${process.version}: batch PROCESSED with ${state.leafFiles.length} file(s)`); break; }
    if (state.status === "FAILED" || Date.now() > deadline) throw new Error(`batch ${state.status}: ${JSON.stringify(state)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
'
kill -INT "$server_pid"
wait "$server_pid" || { cat "$work/serve.log"; exit 1; }
server_pid=

# The tests of this work, on Node 22.
cd "$work/repo"
FURROW_SAMPLES="$samples" "$node22" --import tsx --test \
  test/api/auth.test.ts test/api/auth-login.test.ts test/api/auth-tokens.test.ts test/api/owners.test.ts test/api/owners-store.test.ts \
  test/api/tenancy.test.ts test/api/upload-multipart.test.ts test/api/uploads.test.ts test/cli/serve-shutdown.test.ts test/store/sqlite.test.ts
