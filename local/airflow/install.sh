#!/usr/bin/env bash
# Creates (or refreshes) the local Airflow virtualenv used by `npm run airflow` and the DAG tests:
#   .cache/airflow-venv   (git-ignored; override with AIRFLOW_VENV)
# Uses the Python minor version MWAA runs Airflow on (3.12; local/airflow/find-python.sh) and installs
# mwaa-dags/requirements-local.txt with --constraint mwaa-dags/constraints-<that minor>.txt, the lock built on
# MWAA's official constraints, so every machine gets MWAA's versions. Idempotent and cached: when the venv already
# holds the same inputs (requirements, constraints, Python minor version) and the expected Airflow, it does
# nothing; a venv of another Airflow or Python (e.g. an older 3.2.1 venv on Python 3.11) is rebuilt.
#
# Environment: AIRFLOW_PYTHON (another interpreter), AIRFLOW_VENV, AIRFLOW_CONSTRAINTS (another constraints
# file), AIRFLOW_INSTALL_FORCE=1 to reinstall.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${AIRFLOW_VENV:-$root/.cache/airflow-venv}"
requirements="$root/mwaa-dags/requirements-local.txt"
airflow_version="$(sed -n 's/^apache-airflow==\([0-9.]*\).*/\1/p' "$requirements")"
log() { printf '[airflow-install] %s\n' "$*" >&2; }

[ -n "$airflow_version" ] || { log "no apache-airflow==X.Y.Z pin in $requirements"; exit 1; }
python_bin="$(bash "$root/local/airflow/find-python.sh")"
py_minor="$("$python_bin" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
constraints="${AIRFLOW_CONSTRAINTS:-$root/mwaa-dags/constraints-$py_minor.txt}"
[ -f "$constraints" ] || { log "missing $constraints (regenerate with local/airflow/regen-constraints.sh)"; exit 1; }

stamp="$(cat "$requirements" "$constraints" <(echo "python=$py_minor") | sha256sum | cut -d' ' -f1)"
stamp_file="$venv/.install-stamp"

installed_version() {
  "$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("apache-airflow"))' 2>/dev/null || true
}

if [ "${AIRFLOW_INSTALL_FORCE:-0}" != "1" ] && [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ] \
  && [ "$(installed_version)" = "$airflow_version" ]; then
  log "up to date: Airflow $airflow_version in ${venv#"$root"/} (Python $py_minor)"
  exit 0
fi

started=$SECONDS
mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi

# A venv made by another Python minor version cannot be reused.
if [ -x "$venv/bin/python" ]; then
  venv_minor="$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo broken)"
  if [ "$venv_minor" != "$py_minor" ]; then
    log "removing ${venv#"$root"/} (made by Python $venv_minor)"
    rm -rf "$venv"
  fi
fi
# Another Airflow (e.g. 3.2.1 before the move to 3.3.1): start from an empty venv, so that no package the old
# version needed and the new one dropped stays behind.
if [ -x "$venv/bin/python" ] && [ -n "$(installed_version)" ] && [ "$(installed_version)" != "$airflow_version" ]; then
  log "removing ${venv#"$root"/} (holds Airflow $(installed_version))"
  rm -rf "$venv"
fi

if [ ! -x "$venv/bin/python" ]; then
  if ! "$python_bin" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      log "installing python3-venv from apt"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
    else
      log "$python_bin has no venv/ensurepip module: install python3-venv"; exit 1
    fi
  fi
  log "creating ${venv#"$root"/} with $("$python_bin" --version)"
  rm -rf "$venv"
  "$python_bin" -m venv "$venv"
fi

rm -f "$stamp_file"
export PIP_DISABLE_PIP_VERSION_CHECK=1
log "installing Airflow $airflow_version and the DAGs' dependencies (constraints: ${constraints#"$root"/})"
"$venv/bin/python" -m pip install --quiet --upgrade "pip>=24"
"$venv/bin/python" -m pip install --quiet --constraint "$constraints" --requirement "$requirements"
"$venv/bin/python" -m pip check >&2
[ "$(installed_version)" = "$airflow_version" ] || { log "expected Airflow $airflow_version, got $(installed_version)"; exit 1; }
echo "$stamp" >"$stamp_file"
log "done in $((SECONDS - started)) s; ${venv#"$root"/} is $(du -sh "$venv" | cut -f1)"
