#!/usr/bin/env bash
# `npm run airflow`: Apache Airflow (the MWAA version) in standalone mode with the DAGs of mwaa-dags/dags,
# against the local PostgreSQL, Cassandra and Kafka (`npm run services -- up`) and the local Lambda-invoke
# endpoint (LAMBDA_ENDPOINT_URL, default http://127.0.0.1:3001). UI on http://127.0.0.1:${AIRFLOW_PORT:-8080}.
#
# State lives in .local/airflow (AIRFLOW_HOME): SQLite metadata DB, logs, the generated UI password.
# DAGs start paused (as on MWAA); unpause them in the UI. Ctrl-C stops every Airflow process.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: npm run airflow

Runs Apache Airflow (the MWAA version) standalone with the DAGs of mwaa-dags/dags against the local services
and the local Lambda invoke endpoint. Takes no options; settings come from the environment:
  AIRFLOW_PORT (UI, default 8080), AIRFLOW_UI_USER (default admin), AIRFLOW_VENV, AIRFLOW_HOME,
  LAMBDA_ENDPOINT_URL (default http://127.0.0.1:3001).

options:
  -h, --help   show this help
USAGE
}
case "${1:-}" in
  -h | --help) usage; exit 0 ;;
  "") ;;
  -*) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
  *) echo "unexpected argument \"$1\" (npm run airflow takes no arguments)" >&2; usage >&2; exit 2 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$root/local/airflow/install.sh"
venv="${AIRFLOW_VENV:-$root/.cache/airflow-venv}"
port="${AIRFLOW_PORT:-8080}"
# standalone starts its components as `airflow ...` subprocesses: they must find the venv's airflow.
export PATH="$venv/bin:$PATH"

export AIRFLOW_HOME="${AIRFLOW_HOME:-$root/.local/airflow}"
mkdir -p "$AIRFLOW_HOME"
export AIRFLOW__CORE__DAGS_FOLDER="$root/mwaa-dags/dags"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
# LocalExecutor forks one worker per parallelism slot (default 32): a few are plenty on a laptop or CI box.
export AIRFLOW__CORE__PARALLELISM="${AIRFLOW__CORE__PARALLELISM:-4}"
export AIRFLOW__API__HOST=127.0.0.1
export AIRFLOW__API__PORT="$port"
export AIRFLOW__API__BASE_URL="http://127.0.0.1:$port"
export AIRFLOW__CORE__AUTH_MANAGER=airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="${AIRFLOW_UI_USER:-admin}:admin"
passwords_file="$AIRFLOW_HOME/simple_auth_manager_passwords.json"
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE="$passwords_file"

if "$venv/bin/python" - "$port" <<'PY'
import socket, sys
with socket.socket() as s:
    sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)
PY
then
  echo "[airflow] port $port is in use; set AIRFLOW_PORT to another port" >&2
  exit 1
fi

# Connection settings of the local services (explicit PGHOST, KAFKA_BROKERS, ... are kept), with the DAGs'
# PostgreSQL login: the role pipeline_reader (PIPELINE_READER_USER/PASSWORD), as MWAA uses the reader's secret.
if [ -x "$root/node_modules/.bin/tsx" ]; then
  eval "$(cd "$root" && npm run -s services -- env)"
fi
export LAMBDA_ENDPOINT_URL="${LAMBDA_ENDPOINT_URL:-http://127.0.0.1:3001}"
# The Airflow Variables CDK sets from the stage configuration, with the local stage's (dev) values.
if [ -x "$root/node_modules/.bin/tsx" ]; then
  eval "$(cd "$root" && node_modules/.bin/tsx local/airflow/stage-variables.ts)"
fi

# The UI password (generated once), then the Airflow connections the DAGs use, as AIRFLOW_CONN_* (JSON):
# local/airflow/pipeline_connections.py, shared with the DAG tests (pipeline_postgres as pipeline_reader).
"$venv/bin/python" - "$passwords_file" <<'PY'
import json, os, secrets, sys
from pathlib import Path

user = os.environ.get("AIRFLOW_UI_USER", "admin")
passwords = Path(sys.argv[1])
if not passwords.exists() or user not in json.loads(passwords.read_text() or "{}"):
    passwords.write_text(json.dumps({user: secrets.token_urlsafe(12)}))
    passwords.chmod(0o600)
PY
# An assignment, so that a failure (no DAG login in the environment) stops the script under set -e.
connections="$("$venv/bin/python" "$root/local/airflow/pipeline_connections.py")"
eval "$connections"

password="$("$venv/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
  "$passwords_file" "${AIRFLOW_UI_USER:-admin}")"
cat >&2 <<EOT
[airflow] Airflow $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("apache-airflow"))') standalone, DAGs from mwaa-dags/dags
[airflow] UI:        http://127.0.0.1:$port
[airflow] user:      ${AIRFLOW_UI_USER:-admin}
[airflow] password:  $password   (stored in ${passwords_file#"$root"/})
[airflow] PostgreSQL ${PIPELINE_READER_USER}@${PGHOST:-127.0.0.1}:${PGPORT:-5432}/${PGDATABASE:-pipeline}, Cassandra ${CASSANDRA_CONTACT_POINTS:-127.0.0.1}:${CASSANDRA_PORT:-9042}, Kafka ${KAFKA_BROKERS:-127.0.0.1:9092}, Lambda $LAMBDA_ENDPOINT_URL
[airflow] DAGs start paused; Ctrl-C stops Airflow.
EOT
# standalone's own SIGTERM handling can leave its scheduler/triggerer behind: run it as a process group and
# stop the whole group on Ctrl-C, on SIGTERM and on exit.
set -m
"$venv/bin/airflow" standalone &
airflow_pid=$!
stop_airflow() {
  trap - INT TERM EXIT
  kill -TERM -- "-$airflow_pid" 2>/dev/null || true
  for _ in $(seq 1 30); do kill -0 -- "-$airflow_pid" 2>/dev/null || return 0; sleep 1; done
  kill -KILL -- "-$airflow_pid" 2>/dev/null || true
}
trap 'stop_airflow; exit 130' INT
trap 'stop_airflow; exit 143' TERM
trap stop_airflow EXIT
wait "$airflow_pid"
