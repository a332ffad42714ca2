#!/usr/bin/env bash
# The Debian packages Berth's tests run for real: the registry, skopeo to push test images, the
# keychain, and Chromium for the end-to-end tests. Installs them when run as root; otherwise says
# exactly what to install.
set -euo pipefail
packages=(docker-registry skopeo apache2-utils openssl gnome-keyring dbus chromium fonts-dejavu-core xvfb xauth)
commands=(docker-registry skopeo htpasswd openssl gnome-keyring-daemon dbus-daemon chromium)
missing=()
for c in "${commands[@]}"; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing test dependencies: ${packages[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
else
  echo "Berth's tests need these Debian/Ubuntu packages (missing: ${missing[*]}):" >&2
  echo "  sudo apt-get install --no-install-recommends ${packages[*]}" >&2
  exit 1
fi
