#!/usr/bin/env bash
# Installs what the printable Wegweiser (PDF) needs from Debian: Pango for WeasyPrint, fonts that
# cover Latin, Cyrillic and Arabic (Noto, DejaVu), and poppler-utils (pdftoppm/pdftotext, used by
# the tests to look at the PDF).
set -euo pipefail
# The listings are read whole before grep looks at them: `cmd | grep -q` stops reading early,
# which kills cmd with SIGPIPE and fails the pipe under `set -o pipefail`.
have_all() {
  local libs fonts
  libs="$(ldconfig -p 2>/dev/null || true)"
  fonts="$(fc-list 2>/dev/null || true)"
  grep -q 'libpango-1.0.so.0' <<<"$libs" \
    && grep -q 'libpangoft2-1.0.so.0' <<<"$libs" \
    && grep -q 'NotoSansArabic' <<<"$fonts" \
    && command -v pdftoppm >/dev/null 2>&1
}
if have_all; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "Für den PDF-Wegweiser fehlen Pakete: bitte 'sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core fonts-dejavu-core poppler-utils' ausführen." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core fonts-dejavu-core \
  poppler-utils >/dev/null
have_all
