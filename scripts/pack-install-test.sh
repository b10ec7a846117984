#!/usr/bin/env bash
# The pack-and-install test: packs every package with `pnpm pack`, installs the tarballs with npm
# into a temporary project outside the workspace and uses them there as a user would (ESM and CJS
# scripts over memory, SQLite and a private Redis; tsc with skipLibCheck false under nodenext and
# bundler; `npx dictstore info`; README samples installed and run as their READMEs say; publint and
# attw on every tarball). Needs the packages built.
# Writes a vitest JSON report (default .test-results/pack-install.json) that the closing line counts.
set -euo pipefail
cd "$(dirname "$0")/.."
# Absolute: vitest resolves a relative output path against its config root (scripts/pack-install).
report="$(realpath -m "${1:-.test-results/pack-install.json}")"
mkdir -p "$(dirname "$report")"
for dir in packages/*/; do
  if [[ ! -d "$dir/dist" ]]; then
    pnpm --silent -r run build >/dev/null
    break
  fi
done
exec pnpm exec vitest run --config scripts/pack-install/vitest.config.ts \
  --reporter=default --reporter=json --outputFile.json="$report"
