#!/usr/bin/env bash
# make-venv.sh <dir> <pip install arguments…>: (re)creates a Python virtualenv at <dir> and installs into it,
# with $VENV_PYTHON (default python3).
# On a fresh Debian, python3 may lack the venv module; as root it is installed from apt (python3-venv), as
# local/airflow/install.sh does.
set -euo pipefail
venv="$1"
shift
python_bin="${VENV_PYTHON:-python3}"
if ! "$python_bin" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "[make-venv] installing python3-venv from apt" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2
  else
    echo "[make-venv] $python_bin has no venv/ensurepip module: install python3-venv" >&2
    exit 1
  fi
fi
rm -rf "$venv"
"$python_bin" -m venv "$venv"
PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/python" -m pip install --quiet "$@" >&2
