#!/usr/bin/env bash
# Rebuild pico.frontline.min.css from frontline.scss with Pico's own Sass sources.
# Needs node and npm; installs Pico and Dart Sass into a temporary directory.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
npm install --silent --no-save --prefix "$tmp" @picocss/pico@2.1.1 sass@1.83.4 >/dev/null
"$tmp/node_modules/.bin/sass" --no-source-map --style=compressed \
  --load-path="$tmp/node_modules/@picocss/pico/scss" \
  "$here/frontline.scss" "$tmp/out.css"
{
  printf '/*! Pico CSS v2.1.1 (https://picocss.com), MIT licence; Frontline build: frontline.scss */\n'
  sed 's/^@charset "UTF-8";//; s/^\xEF\xBB\xBF//' "$tmp/out.css"
} > "$here/pico.frontline.min.css"
wc -c "$here/pico.frontline.min.css"
