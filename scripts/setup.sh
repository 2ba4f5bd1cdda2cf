#!/usr/bin/env bash
# Installs everything NemoClaw needs to build and test on a fresh Debian/Ubuntu machine:
# the system packages (C toolchain, libseccomp, iproute2), the npm dependencies from the
# lockfile, and a build of every package. Idempotent; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# libseccomp-dev and libjansson-dev: the launcher links libseccomp (filters) and jansson (plan JSON);
# iproute2/procps/util-linux (unshare, setpriv) and git: tests inspect namespaces and processes,
# run as an unprivileged user, and commit inside the sandbox; curl: sandboxed clients in proxy tests.
system_packages=(build-essential pkg-config libseccomp-dev libjansson-dev iproute2 procps git util-linux curl)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    echo "setup: need root (or sudo) to install: ${system_packages[*]}" >&2; return 1; fi
}

missing=()
for package in "${system_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
# python3: some tests use it for sockets Node cannot make (a listener that never accepts).
command -v python3 >/dev/null 2>&1 || missing+=(python3-minimal)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  as_root apt-get update -q
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

echo "setup: npm ci"
npm ci --no-audit --no-fund
echo "setup: building packages"
npm run build --silent
# npm ci links workspace bins only when their target exists, and the CLI exists only after the
# build: link `nemoclaw` now so that `npx nemoclaw` works on a fresh clone.
npm rebuild nemoclaw --ignore-scripts --silent
