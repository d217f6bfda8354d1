#!/usr/bin/env bash
# One-time (and idempotent) set-up of a Debian/Ubuntu machine for this project:
# system packages, the virtualenv, the local services and the database schema.
# Fast when everything is already in place.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PYTHON="${PYTHON:-python3}"

SYSTEM_PACKAGES=(
  postgresql-15 postgresql-15-postgis-3 postgresql-client-15
  gdal-bin libgdal32 libgeos-c1v5 libproj25
  redis-server
  tesseract-ocr tesseract-ocr-eng
  chromium fonts-liberation
  systemd  # systemd-analyze verifies deploy/production's units in the tests
  nginx    # the tests run deploy/production's model-server load balancer
)
# Node.js and npm build the pages' front end; machines often have them from elsewhere
# (NodeSource), so Debian's are installed only when the commands are missing.
command -v npm >/dev/null 2>&1 || SYSTEM_PACKAGES+=(nodejs npm)

missing=()
for package in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  # RUNLEVEL=1: a package's service (nginx's on port 80) is installed, not started.
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "Python 3.11 is required (found $("$PYTHON" --version)); set PYTHON=/path/to/python3.11" >&2
  exit 1
fi
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"

# Reinstall only when the lock file or pyproject changed since the last install.
stamp="$VENV/.installed-$(cat requirements.lock pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "Installing Python dependencies into .venv"
  "$VENV/bin/pip" install -qq --disable-pip-version-check -r requirements.lock
  "$VENV/bin/pip" install -qq --disable-pip-version-check --no-deps -e .
  rm -f "$VENV"/.installed-*
  touch "$stamp"
fi

"$ROOT/deploy/local/build-frontend.sh"
"$ROOT/deploy/local/services.sh" start
