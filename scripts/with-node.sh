#!/usr/bin/env bash
# Runs a command with Node >= 22.12 on PATH and the dependencies installed, so `npm start` and
# `npm test` work from a fresh clone on a machine whose system Node is older (Wrangler 4 needs
# 22.12+). Usage: bash scripts/with-node.sh <command> [args...]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-node.sh
if [ ! -d node_modules/wrangler ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing dependencies (npm ci)..." >&2
  npm ci --no-audit --no-fund >&2
fi
export PATH="$PWD/node_modules/.bin:$PATH"
exec "$@"
