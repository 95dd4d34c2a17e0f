#!/usr/bin/env bash
# Install the Debian packages the project needs when they are missing.
#   base: gettext (compile translations), pango (WeasyPrint PDFs)
#   test: also chromium and chromium-driver (browser tests), poppler-utils (pdftoppm: decision letters as PNG)
#         and PostgreSQL 15 (initdb, pg_ctl)
set -euo pipefail
want=()
need() { command -v "$1" >/dev/null 2>&1 || want+=("$2"); }
need msgfmt gettext
if ! ldconfig -p 2>/dev/null | grep -q libpango-1.0; then want+=(libpango-1.0-0 libpangoft2-1.0-0); fi
if [[ "${1:-base}" == test ]]; then
  need chromium chromium
  need chromedriver chromium-driver
  need pdftoppm poppler-utils
  if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    want+=(postgresql)
  fi
fi
[[ ${#want[@]} -eq 0 ]] && exit 0
echo "Installing Debian packages: ${want[*]}"
sudo=""
[[ "$(id -u)" -ne 0 ]] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
