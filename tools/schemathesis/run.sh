#!/usr/bin/env bash
# Fuzzes the local push API against its OpenAPI document with schemathesis (standard checks, ignored_auth
# included, bounded examples): starts the ingest-http Lambda behind the local API Gateway adapter
# (local/runtime/http-api-main.ts, the dev stage's API key auth) on the running local Kafka, checks that a call
# without the key and one with a wrong key get API Gateway's 403, runs `st run` on GET /v1/openapi.json with the
# key, stops the API, and prints the number of cases.
#
# The fuzz run raises the stage throttle (dev: 50 requests/s, burst 100) to 100000/s: schemathesis measures the
# API's answers, not API Gateway's token bucket (test/integration/local/runtime/api-gateway-access.test.ts covers the 429).
#
# Environment: SCHEMATHESIS_PORT (default 3917), SCHEMATHESIS_MAX_EXAMPLES (per operation, default 50),
# SCHEMATHESIS_SEED (default 1, so a CI run is reproducible), SCHEMATHESIS_REPORT_DIR (default .tools/schemathesis),
# API_KEY (default: the state directory's, as `npm run -s services -- env` exports it).
# Needs the local services up (`npm run services -- up`) and their environment (`npm run -s services -- env`).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
log() { printf '[schemathesis] %s\n' "$*" >&2; }

venv="$root/.cache/schemathesis-venv"
requirements="$root/tools/schemathesis/requirements.txt"
stamp="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [ "$(cat "$venv/.stamp" 2>/dev/null)" != "$stamp" ]; then
  log "installing $(grep -v '^#' "$requirements" | tr '\n' ' ')into ${venv#"$root"/}"
  bash "$root/tools/python/make-venv.sh" "$venv" --requirement "$requirements"
  echo "$stamp" >"$venv/.stamp"
fi

port="${SCHEMATHESIS_PORT:-3917}"
report_dir="${SCHEMATHESIS_REPORT_DIR:-$root/.tools/schemathesis}"
mkdir -p "$report_dir"
base="http://127.0.0.1:$port"
api_key="${API_KEY:-$(npm run -s services -- env | sed -n 's/^export API_KEY=//p')}"
[ -n "$api_key" ] || { log "no API key: npm run -s services -- env printed no API_KEY"; exit 1; }
# A topic of its own, so fuzzed users do not flow into the users_created pipeline of `npm start`.
fuzz_throttle=100000
log "API throttle raised to $fuzz_throttle req/s, burst $fuzz_throttle for the fuzz run (not the stage's own limit)"
KAFKA_TOPIC=schemathesis_users node --import tsx local/runtime/http-api-main.ts --port "$port" --concurrency 2 \
  --api-rate "$fuzz_throttle" --api-burst "$fuzz_throttle" >"$report_dir/api.log" 2>&1 &
api_pid=$!
trap 'kill "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true' EXIT

for _ in $(seq 1 120); do
  node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
    "$base/v1/health" && break
  kill -0 "$api_pid" 2>/dev/null || { log "the local API exited; see $report_dir/api.log"; exit 1; }
  sleep 0.5
done

# API Gateway's own answer to a POST without the key, and with a wrong one: 403 {"message":"Forbidden"}.
expect_forbidden() {
  node -e '
    const [url, what, key] = process.argv.slice(1);
    const headers = { "content-type": "application/json", ...(key ? { "x-api-key": key } : {}) };
    fetch(url, { method: "POST", headers, body: "{}" }).then(async (r) => {
      const body = await r.text();
      const ok = r.status === 403 && body === "{\"message\":\"Forbidden\"}" &&
        r.headers.get("x-amzn-errortype") === "ForbiddenException";
      console.error(`[schemathesis] ${what}: ${r.status} ${body}${ok ? "" : " (expected 403 {\"message\":\"Forbidden\"})"}`);
      process.exit(ok ? 0 : 1);
    }, (error) => { console.error(String(error)); process.exit(1); });
  ' "$base/v1/users" "$1" "${2:-}"
}
expect_forbidden "POST /v1/users without x-api-key"
expect_forbidden "POST /v1/users with a wrong x-api-key" "wrong-${api_key}"

set +e
# Run from the report directory: schemathesis keeps its own cache (.schemathesis/) in the working directory.
(cd "$report_dir" && "$venv/bin/st" run "$base/v1/openapi.json" --url "$base" \
  --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-50}" --seed "${SCHEMATHESIS_SEED:-1}" --workers 2 \
  --header "x-api-key: $api_key" \
  --report junit --report-junit-path "$report_dir/junit.xml") | tee "$report_dir/summary.txt"
status=${PIPESTATUS[0]}
set -e
cases="$(sed -n 's/^ *\([0-9][0-9]*\) generated.*/\1/p' "$report_dir/summary.txt" | tail -n 1)"
log "test cases: ${cases:-unknown}; exit status $status"
exit "$status"
