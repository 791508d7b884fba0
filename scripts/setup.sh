#!/usr/bin/env bash
# Installs everything howlerops-server needs to build, run and test on Debian 12.
# Idempotent: when everything is present it only checks, and returns in seconds.
# Usage: scripts/setup.sh            (as root, or with sudo available)
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake ninja-build clang-14 ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libsodium-dev libjwt-dev libcurl4-openssl-dev libssl-dev zlib1g-dev
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  prometheus-cpp-dev libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  wrk hyperfine nginx-light python3-aiosmtpd python3-grpcio python3-protobuf python3-jsonschema curl jq ca-certificates
  # The database manager's engines and their test servers (started by the tests as an
  # unprivileged user; no packaged service is left running).
  postgresql-15 postgresql-client-15 libpq-dev
  mariadb-server-core mariadb-client libmariadb-dev
  openssl
  # The web console's browser tests drive Debian's Chromium (no browser download).
  chromium
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # nginx is a benchmark baseline only; never leave the packaged service running.
  if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl disable --now nginx >/dev/null 2>&1 || true; fi
  $SUDO service nginx stop >/dev/null 2>&1 || true
  # The same for the packaged database services: tests start their own servers.
  for service in postgresql mariadb; do
    if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl disable --now "$service" >/dev/null 2>&1 || true; fi
    $SUDO service "$service" stop >/dev/null 2>&1 || true
  done
fi

# Node and npm, at build and test time only (the web console's build and browser tests,
# tursodb, ws): Debian's packages, unless a Node with npm is already installed (NodeSource's
# nodejs package carries npm itself and conflicts with Debian's npm).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "setup: installing nodejs npm"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

# The remote libSQL test server (tursodb) lives in a project-local folder.
TOOLS_DIR=".tools"
TURSODB="$TOOLS_DIR/node_modules/@tursodatabase/cli-linux-x64-gnu/tursodb"
if [ ! -x "$TURSODB" ]; then
  echo "setup: installing turso@0.6.0 (tursodb) into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  (cd "$TOOLS_DIR" && npm install --no-audit --no-fund --silent turso@0.6.0 >/dev/null) ||
    { echo "setup: could not install tursodb: the remote-backend tests need it" >&2; exit 1; }
fi

# The Node `ws` WebSocket server: the baseline of bench/live_sockets.sh (memory per idle
# socket against the server's).
if [ ! -f "$TOOLS_DIR/node_modules/ws/package.json" ]; then
  echo "setup: installing ws@8.23.0 into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  (cd "$TOOLS_DIR" && npm install --no-audit --no-fund --silent ws@8.23.0 >/dev/null) ||
    { echo "setup: could not install ws: bench/live_sockets.sh needs it" >&2; exit 1; }
fi

# The web console (web/console): Vite, Preact and CodeMirror to build it (CMake runs the
# build and embeds the output), playwright-core and axe-core for its browser tests, all
# pinned by its lock file. Installed again only when the lock file changed since.
CONSOLE_DIR="web/console"
CONSOLE_MARK="$CONSOLE_DIR/node_modules/.installed-by-setup"
if [ ! -f "$CONSOLE_MARK" ] || [ "$CONSOLE_DIR/package-lock.json" -nt "$CONSOLE_MARK" ]; then
  echo "setup: installing the web console's packages (npm ci in $CONSOLE_DIR)"
  (cd "$CONSOLE_DIR" && npm ci --no-audit --no-fund --silent >/dev/null) ||
    { echo "setup: npm ci failed in $CONSOLE_DIR: the build needs it" >&2; exit 1; }
  touch "$CONSOLE_MARK"
fi

echo "setup: ok"
