#!/usr/bin/env bash
# Front-end packages from the committed lockfile, and the pages' stylesheet compiled from
# static/app/*.scss into .local/frontend/ (both git-ignored). Fast when nothing changed.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
OUT="$ROOT/.local/frontend"

if ! command -v npm >/dev/null 2>&1; then
  echo "npm is missing: install Node.js 20 and npm (apt-get install nodejs npm)" >&2
  exit 1
fi

# Reinstall only when the lockfile changed. --ignore-scripts: nothing here needs to build
# native code, and no package's install script runs on a council's machine.
stamp="node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "Installing front-end packages (npm ci)"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi

sources="$(cat package-lock.json static/app/*.scss | sha256sum | cut -c1-16)"
if [ ! -f "$OUT/.built-$sources" ]; then
  echo "Compiling the pages' stylesheet"
  mkdir -p "$OUT"
  node_modules/.bin/sass --quiet-deps --no-source-map --style=compressed \
    --load-path=. --load-path=node_modules --load-path=static/app \
    static/app/app.scss "$OUT/app.css" 2>"$OUT/sass-warnings.log" \
    || { cat "$OUT/sass-warnings.log" >&2; exit 1; }
  rm -f "$OUT"/.built-*
  touch "$OUT/.built-$sources"
fi
