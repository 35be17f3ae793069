#!/usr/bin/env bash
# Installs Debian's chromium for the real-browser tests (Playwright drives /usr/bin/chromium;
# `playwright install` cannot download browsers here).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "chromium fehlt: bitte 'sudo apt-get install chromium' ausführen (für die Browser-Tests)." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q chromium fonts-dejavu-core >/dev/null
command -v chromium >/dev/null
