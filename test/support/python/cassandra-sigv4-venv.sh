#!/usr/bin/env bash
# Prints the path of a Python that can `import cassandra_sigv4` (the SigV4 plugin the DAGs use), for the
# signature cross-check in test/integration/lambdas/shared/clients/keyspaces-sigv4.reference.test.ts:
#   the DAG virtualenv (.cache/airflow-venv, made by local/airflow/install.sh) when it is there, otherwise a
#   small .cache/cassandra-sigv4-venv holding only cassandra-sigv4 at the version mwaa-dags/requirements.txt
#   pins, under the DAGs' constraints file (same cassandra-driver and boto3) and on the DAGs' Python
#   (local/airflow/find-python.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
log() { printf '[sigv4-venv] %s\n' "$*" >&2; }
has_plugin() { [ -x "$1/bin/python" ] && "$1/bin/python" -c 'import cassandra_sigv4' >/dev/null 2>&1; }

airflow_venv="${AIRFLOW_VENV:-$root/.cache/airflow-venv}"
if has_plugin "$airflow_venv"; then echo "$airflow_venv/bin/python"; exit 0; fi

venv="$root/.cache/cassandra-sigv4-venv"
pin="$(grep -E '^cassandra-sigv4==' "$root/mwaa-dags/requirements.txt")"
python_bin="$(bash "$root/local/airflow/find-python.sh")"
py_minor="$("$python_bin" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
constraints="$root/mwaa-dags/constraints-$py_minor.txt"
stamp="$pin python=$py_minor $(sha256sum "$constraints" | cut -d' ' -f1)"
if has_plugin "$venv" && [ "$(cat "$venv/.stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "$venv/bin/python"; exit 0
fi
mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
flock 9
log "creating ${venv#"$root"/} with $pin"
VENV_PYTHON="$python_bin" bash "$root/tools/python/make-venv.sh" "$venv" --constraint "$constraints" "$pin"
echo "$stamp" >"$venv/.stamp"
echo "$venv/bin/python"
