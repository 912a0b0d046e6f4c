#!/usr/bin/env bash
# Security checks of `make test`: bandit on the application's code (settings and the
# justified exceptions in pyproject.toml and the README), pip-audit on the installed packages.
#
# pip-audit asks PyPI's per-release JSON API for known vulnerabilities. Where that service
# cannot be reached (a machine whose PyPI mirror serves only the package index), every package
# is reported « could not be audited »: the check then says so loudly and goes on, since no
# finding was made; any vulnerability actually found fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${VENV:-.venv}/bin

echo "== bandit"
"$bin/bandit" -q -c pyproject.toml -r psad

echo "== pip-audit"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
"$bin/pip-audit" --progress-spinner off --skip-editable >"$out" 2>&1 || status=$?
packages=$("$bin/python" -m pip list --format=freeze --exclude-editable 2>/dev/null | wc -l)
unaudited=$(grep -c "could not be audited" "$out" || true)
if grep -qE "^Found [1-9][0-9]* known vulnerabilit" "$out"; then
  cat "$out"
  exit 1
fi
if [ "$unaudited" -ge "$((packages - 2))" ]; then
  echo "pip-audit: AVERTISSEMENT, le service de vulnérabilités de PyPI est injoignable d'ici"
  echo "  ($unaudited paquets sur $packages non audités) : aucun audit n'a pu être fait."
  exit 0
fi
cat "$out"
exit "$status"
