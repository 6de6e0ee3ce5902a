#!/usr/bin/env bash
# Fuzzes the local push API against its OpenAPI document with schemathesis (standard checks, bounded examples):
# starts the ingest-http Lambda behind the local API Gateway adapter (local/runtime/http-api-main.ts) on the
# running local Kafka, runs `st run` on GET /v1/openapi.json, stops the API, and prints the number of cases.
#
# Environment: SCHEMATHESIS_PORT (default 3917), SCHEMATHESIS_MAX_EXAMPLES (per operation, default 50),
# SCHEMATHESIS_SEED (default 1, so a CI run is reproducible), SCHEMATHESIS_REPORT_DIR (default .local/schemathesis).
# Needs the local services up (`npm run services -- up`) and their environment (`npm run -s services -- env`).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
log() { printf '[schemathesis] %s\n' "$*" >&2; }

venv="$root/.cache/schemathesis-venv"
requirements="$root/local/schemathesis/requirements.txt"
stamp="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [ "$(cat "$venv/.stamp" 2>/dev/null)" != "$stamp" ]; then
  log "installing $(grep -v '^#' "$requirements" | tr '\n' ' ')into ${venv#"$root"/}"
  bash "$root/local/python/make-venv.sh" "$venv" --requirement "$requirements"
  echo "$stamp" >"$venv/.stamp"
fi

port="${SCHEMATHESIS_PORT:-3917}"
report_dir="${SCHEMATHESIS_REPORT_DIR:-$root/.local/schemathesis}"
mkdir -p "$report_dir"
base="http://127.0.0.1:$port"
# A topic of its own, so fuzzed users do not flow into the users_created pipeline of `npm start`.
KAFKA_TOPIC=schemathesis_users node --import tsx local/runtime/http-api-main.ts --port "$port" --concurrency 2 \
  >"$report_dir/api.log" 2>&1 &
api_pid=$!
trap 'kill "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true' EXIT

for _ in $(seq 1 120); do
  node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
    "$base/v1/health" && break
  kill -0 "$api_pid" 2>/dev/null || { log "the local API exited; see $report_dir/api.log"; exit 1; }
  sleep 0.5
done

# ignored_auth is left out: the local mirror has no API Gateway authorizer (README, "Local differences").
set +e
# Run from the report directory: schemathesis keeps its own cache (.schemathesis/) in the working directory.
(cd "$report_dir" && "$venv/bin/st" run "$base/v1/openapi.json" --url "$base" \
  --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-50}" --seed "${SCHEMATHESIS_SEED:-1}" --workers 2 \
  --exclude-checks ignored_auth \
  --report junit --report-junit-path "$report_dir/junit.xml") | tee "$report_dir/summary.txt"
status=${PIPESTATUS[0]}
set -e
cases="$(sed -n 's/^ *\([0-9][0-9]*\) generated.*/\1/p' "$report_dir/summary.txt" | tail -n 1)"
log "test cases: ${cases:-unknown}; exit status $status"
exit "$status"
