#!/usr/bin/env bash
# Installs the Debian packages the tests need, once: PostgreSQL (the production database),
# Chromium (browser tests, screenshots), a CJK font (PDF and screenshots), poppler (pdftotext,
# pdftoppm) and Pango (WeasyPrint renders the report PDF with it).
set -euo pipefail
packages=(postgresql chromium fonts-noto-cjk poppler-utils libpango-1.0-0 libpangoft2-1.0-0)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
