#!/usr/bin/env bash
# The web app (issue 16): type-check and lint web/ (outside the root tsconfig and `npm run lint`,
# since it needs the DOM library), then the browser tests of test/web in Debian's chromium, driven
# by playwright-core (no browser download is possible). FURROW_WEB_SCREENSHOT=docs/file-page.png
# also refreshes the README's screenshot.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi

node_modules/.bin/tsc -p web/tsconfig.json --noEmit
node_modules/.bin/eslint web
FURROW_TEST_WEB=1 node --import tsx --test test/web/*.test.ts
