#!/usr/bin/env bash
# Install the app, load the fictional demo community and start the server.
# Extra arguments go to `workshop serve` (e.g. --port 8080).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! ldconfig -p 2>/dev/null | grep -q libpango-1.0 && [ "$(id -u)" = 0 ]; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q libpango-1.0-0 libpangoft2-1.0-0
fi
[ -d .venv ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .
.venv/bin/workshop demo
exec .venv/bin/workshop serve "$@"
