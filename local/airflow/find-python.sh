#!/usr/bin/env bash
# find-python.sh: prints the path of the Python the local Airflow venv must use: the minor version MWAA runs
# Airflow on, read from the constraints URL of mwaa-dags/requirements.txt (`constraints-<airflow>/constraints-3.12.txt`;
# MWAA's image for Airflow 3.3.1 builds Python 3.12.13). Same minor as MWAA means the venv can take MWAA's official
# constraints as they are.
# Looks at $AIRFLOW_PYTHON (used as given, with a warning when its minor differs), then python<minor> and python3
# on PATH, then pyenv's <minor>.x (preinstalled on this project's machines; Debian 12's apt has only 3.11).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
log() { printf '[airflow-python] %s\n' "$*" >&2; }
minor_of() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null; }

want="$(sed -n 's#^--constraint .*/constraints-[0-9.]*/constraints-\(3\.[0-9]*\)\.txt.*#\1#p' "$root/mwaa-dags/requirements.txt")"
[ -n "$want" ] || { log "no --constraint .../constraints-3.N.txt line in mwaa-dags/requirements.txt"; exit 1; }

if [ -n "${AIRFLOW_PYTHON:-}" ]; then
  found="$(command -v "$AIRFLOW_PYTHON" || true)"
  [ -n "$found" ] || { log "AIRFLOW_PYTHON=$AIRFLOW_PYTHON not found"; exit 1; }
  got="$(minor_of "$found")"
  [ "$got" = "$want" ] || log "warning: AIRFLOW_PYTHON is Python $got; MWAA runs $want and the lock was resolved on $want"
  echo "$found"
  exit 0
fi

for candidate in "python$want" python3; do
  # A pyenv shim exists for every installed version but fails unless that version is selected: run it to be sure.
  path="$(command -v "$candidate" || true)"
  if [ -n "$path" ] && [ "$(minor_of "$path")" = "$want" ]; then echo "$path"; exit 0; fi
done
pyenv_python="$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}/versions/$want".*/bin/"python$want" 2>/dev/null | sort -V | tail -1 || true)"
if [ -n "$pyenv_python" ] && [ "$(minor_of "$pyenv_python")" = "$want" ]; then echo "$pyenv_python"; exit 0; fi

log "no Python $want found (MWAA runs Airflow on Python $want): install it or set AIRFLOW_PYTHON"
exit 1
