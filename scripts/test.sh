#!/usr/bin/env bash
# The whole test suite, as CI runs it: static and security checks, then pytest on SQLite and on PostgreSQL
# (a local server is started unless PSAD_TEST_DATABASE_URL names one), browser tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${VENV:-.venv}/bin

bash scripts/ensure_system.sh chromium
bash scripts/ensure_system.sh postgresql

echo "== Static checks (ruff, mypy, import-linter)"
"$bin/ruff" check .
"$bin/ruff" format --check .
"$bin/mypy"
"$bin/lint-imports" --no-cache

echo "== Security checks (bandit, pip-audit)"
bash scripts/security.sh

echo "== Tests on SQLite"
PSAD_TEST_DATABASE_URL="" "$bin/pytest" "$@"

echo "== Tests on PostgreSQL"
url=${PSAD_TEST_DATABASE_URL:-}
if [ -z "$url" ]; then
  pgdir=$(mktemp -d /tmp/psad-pg.XXXXXX)
  port=$(( 40000 + RANDOM % 20000 ))
  trap 'bash scripts/pg_local.sh stop "$pgdir"' EXIT
  url=$(bash scripts/pg_local.sh start "$pgdir" "$port")
fi
PSAD_TEST_DATABASE_URL="$url" "$bin/pytest" "$@"
