#!/usr/bin/env bash
# Install the Debian packages the portal needs, when they are missing and we can.
set -u
need=()
fc-list 2>/dev/null | grep -q "Noto Sans CJK" || need+=(fonts-noto-cjk)
ldconfig -p 2>/dev/null | grep -q libpango-1.0 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v pdffonts >/dev/null || need+=(poppler-utils)
command -v msgfmt >/dev/null || need+=(gettext)
[ -x /usr/bin/chromium ] || need+=(chromium)
# The deployment tests: nginx in front of gunicorn (with a TLS certificate from openssl), encrypted backups.
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v openssl >/dev/null || need+=(openssl)
command -v age >/dev/null || need+=(age)
command -v gpg >/dev/null || need+=(gnupg)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "Missing system packages: ${need[*]}"
  echo "Install them with: sudo apt-get install ${need[*]}"
  echo "(PDFs need the CJK font and Pango; the browser tests need chromium; the deployment tests nginx, openssl, age.)"
fi
exit 0
