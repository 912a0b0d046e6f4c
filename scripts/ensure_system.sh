#!/usr/bin/env bash
# Installs the Debian packages that a step needs when they are missing (only as root).
# Usage: ensure_system.sh python | postgresql | chromium
set -euo pipefail

need() {  # need <command-or-path> <package>...
  local probe=$1; shift
  if command -v "$probe" >/dev/null 2>&1 || [ -e "$probe" ]; then return 0; fi
  if [ "$(id -u)" != 0 ]; then
    echo "Paquet manquant : $* (lancez en root : apt-get install $*)" >&2
    exit 1
  fi
  echo "Installation de $* (apt-get)..." >&2
  if [ ! -f /var/lib/apt/periodic/psad-updated ] || [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v lock)" ]; then
    apt-get update -q >/dev/null
    mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/psad-updated
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null
}

case "${1:-}" in
  python)
    command -v python3 >/dev/null || need python3 python3
    python3 -c 'import venv, ensurepip' 2>/dev/null || need /nonexistent-venv python3-venv
    ;;
  postgresql)
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need /nonexistent-pg postgresql
    ;;
  chromium)
    need /usr/bin/chromium chromium
    # Debian ships the French language pack apart: without it date fields follow en-US.
    need /usr/lib/chromium/locales/fr.pak chromium-l10n
    ;;
  *) echo "usage: $0 python|postgresql|chromium" >&2; exit 2 ;;
esac
