#!/usr/bin/env bash
# Installs what the project needs on a fresh machine: pnpm 9, the workspace's packages and,
# for the tests, redis-server. Sourced by scripts/examples and scripts/test.
set -euo pipefail

if ! command -v pnpm >/dev/null 2>&1 || [[ "$(pnpm --version)" != 9.* ]]; then
  echo "bootstrap: installing pnpm 9" >&2
  npm install -g pnpm@9 >/dev/null
fi

need_redis="${1:-}"
if [[ "$need_redis" == "--with-redis" ]] && ! command -v redis-server >/dev/null 2>&1; then
  echo "bootstrap: installing redis-server" >&2
  apt-get update -qq >/dev/null && apt-get install -y -qq redis-server >/dev/null
fi

# The dashboard's browser tests drive Debian's chromium through playwright-core (which never downloads one).
if [[ "$need_redis" == "--with-redis" ]] && [[ ! -x /usr/bin/chromium ]]; then
  echo "bootstrap: installing chromium" >&2
  apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null
fi

if [[ -n "${CI:-}" ]]; then
  pnpm install --frozen-lockfile --reporter=append-only 2>&1 | tail -n 3
else
  pnpm install --prefer-offline --reporter=append-only 2>&1 | tail -n 3
fi
