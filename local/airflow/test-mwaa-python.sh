#!/usr/bin/env bash
# Runs local/airflow/test.sh on MWAA's Python (3.12) with MWAA's exact package versions: a second venv,
# .cache/airflow-venv-py312, installed with Airflow's official constraints-3.2.1/constraints-3.12.txt
# (local/airflow/constraints-upstream-3.2.1-py3.12.txt). Optional (not part of npm test): needs a python3.12,
# found as $MWAA_PYTHON, python3.12 on PATH, or pyenv's 3.12.x. Extra arguments go to pytest.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
python_bin="${MWAA_PYTHON:-}"
if [ -z "$python_bin" ]; then
  if command -v python3.12 >/dev/null 2>&1 && python3.12 -c 'pass' 2>/dev/null; then
    python_bin="$(command -v python3.12)"
  else
    python_bin="$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12.*/bin/python3.12 2>/dev/null | sort -V | tail -1 || true)"
  fi
fi
[ -n "$python_bin" ] && [ -x "$python_bin" ] || { echo "[mwaa-python] no python3.12 found (set MWAA_PYTHON)" >&2; exit 1; }

export AIRFLOW_PYTHON="$python_bin"
export AIRFLOW_VENV="$root/.cache/airflow-venv-py312"
export AIRFLOW_CONSTRAINTS="$root/local/airflow/constraints-upstream-3.2.1-py3.12.txt"
exec bash "$root/local/airflow/test.sh" "$@"
