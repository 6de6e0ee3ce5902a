#!/usr/bin/env bash
# Lints and tests the MWAA DAGs (mwaa-dags/): ruff check, ruff format --check, then pytest (unit tests, DAG
# integrity, and dag.test() runs against the real local PostgreSQL, Cassandra and Kafka, which must be up:
# `npm run services -- up`). Installs the Airflow venv first if needed (local/airflow/install.sh).
# Prints pytest's summary line; exits non-zero on any lint or test failure, and when no test ran.
# Extra arguments go to pytest (e.g. -k reconcile, -m "not integration").
set -euo pipefail

for arg in "$@"; do
  [ "$arg" = "--" ] && break
  case "$arg" in
    -h | --help)
      cat <<'USAGE'
usage: npm run test:dags [-- <pytest arguments>]

ruff check, ruff format --check, then pytest on mwaa-dags/ against the local services (which must be up).
Arguments go to pytest (e.g. -k reconcile, -m "not integration"), which reports unknown options itself.

options:
  -h, --help   show this help
USAGE
      exit 0
      ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$root/local/airflow/install.sh"
venv="${AIRFLOW_VENV:-$root/.cache/airflow-venv}"

# Connection settings of the local services (explicit PGHOST, KAFKA_BROKERS, ... are kept), with the logins:
# the DAGs' connection as pipeline_reader, the tests' own access as the administrator (PG_ADMIN_*).
if [ -x "$root/node_modules/.bin/tsx" ]; then
  eval "$(cd "$root" && npm run -s services -- env 2>/dev/null)" || true
fi

cd "$root/mwaa-dags"
status=0
echo "[airflow-test] ruff check" >&2
"$venv/bin/ruff" check . || status=1
echo "[airflow-test] ruff format --check" >&2
"$venv/bin/ruff" format --check . || status=1

echo "[airflow-test] pytest" >&2
set +e
"$venv/bin/python" -m pytest -p no:cacheprovider "$@"
pytest_status=$?
set -e
case "$pytest_status" in
  0) ;;
  5) echo "[airflow-test] pytest collected no tests: treated as a failure" >&2; status=1 ;;
  *) status=1 ;;
esac
exit "$status"
