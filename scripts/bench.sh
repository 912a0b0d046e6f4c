#!/usr/bin/env bash
# The import benchmark on SQLite and on a throw-away PostgreSQL (unless PSAD_BENCH_PG_URL
# names a server). Prints the figures; never part of the test suite. With "floor" as first
# argument, bench/write_floor.py instead: the database alone storing an import's rows; with
# "pages", bench/pages_bench.py: the list, the file and « Mes tâches » at 200,000 youth (its
# --keep needs a lasting server: PSAD_BENCH_PG_URL).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${VENV:-.venv}/bin
bash scripts/ensure_system.sh postgresql
if [ -z "${PSAD_BENCH_PG_URL:-}" ]; then
  pgdir=$(mktemp -d /tmp/psad-bench-pg.XXXXXX)
  port=$(( 40000 + RANDOM % 20000 ))
  trap 'bash scripts/pg_local.sh stop "$pgdir"' EXIT
  PSAD_BENCH_PG_URL=$(bash scripts/pg_local.sh start "$pgdir" "$port")
  export PSAD_BENCH_PG_URL
fi
script=bench/import_bench.py
case "${1:-}" in
  floor) script=bench/write_floor.py; shift ;;
  pages) script=bench/pages_bench.py; shift ;;
esac
"$bin/python" "$script" --pg-url "$PSAD_BENCH_PG_URL" "$@"
