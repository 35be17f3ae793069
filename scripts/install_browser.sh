#!/usr/bin/env bash
# Installs what the real-browser tests need:
#   - Debian's chromium (Playwright drives /usr/bin/chromium; `playwright install` cannot download
#     browsers here),
#   - axe-core from npm into tests/browser/js/node_modules (the accessibility tests inject it into
#     the page; the version is pinned in tests/browser/js/package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/.."

install_chromium() {
  if command -v chromium >/dev/null 2>&1; then
    return 0
  fi
  if [ "$(id -u)" != "0" ]; then
    echo "chromium fehlt: bitte 'sudo apt-get install chromium' ausführen (für die Browser-Tests)." >&2
    return 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q chromium fonts-dejavu-core >/dev/null
  command -v chromium >/dev/null
}

install_axe() {
  local dir=tests/browser/js
  if [ -f "$dir/node_modules/axe-core/axe.min.js" ]; then
    return 0
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm fehlt: bitte Node.js mit npm installieren (für die Barrierefreiheits-Tests)." >&2
    return 1
  fi
  npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >/dev/null
  test -f "$dir/node_modules/axe-core/axe.min.js"
}

install_chromium
install_axe
