#!/usr/bin/env bash
# Installs the Debian packages that the test suite's real peers need (listed in
# tools/apt-packages.txt). Idempotent and quick when everything is already there.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# One package per line; anything after '#' is a comment.
mapfile -t wanted < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$here/apt-packages.txt" | grep -v '^$' || true)
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && { echo "system packages: all present (${#wanted[@]})"; exit 0; }
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "system packages missing (${missing[*]}) and not root: tests needing them will skip" >&2
    exit 0
  fi
else SUDO=""; fi
echo "installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
