#!/usr/bin/env bash
# Deploys the `local` CDK stage into LocalStack 4.14 running on the host (no Docker) and checks the result:
# the stack reaches CREATE_COMPLETE and its Lambda functions exist (created, not invoked: invocation needs
# Docker). Installs LocalStack into .cache/localstack-venv on first use (PyPI), starts it with fresh state
# under .tools/localstack, deploys with `npm run deploy:local`, verifies with tools/localstack/verify.ts,
# then stops exactly the LocalStack process it started. Last line: `N passed, M failed`.
#
# Needs Python 3.12+ (localstack-core 4.14 says >=3.10 but uses PEP 695 syntax); set LOCALSTACK_PYTHON to
# pick one. Port 4566 must be free.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
log() { printf '[localstack] %s (%ss)\n' "$*" "$SECONDS"; }

venv=$root/.cache/localstack-venv
state=$root/.tools/localstack
pid_file=$state/localstack.pid
log_file=$state/localstack.log
port=4566
endpoint=http://127.0.0.1:$port
localstack_version=4.14.0

# --- install (idempotent) -------------------------------------------------------------------------------
pick_python() {
  local candidate
  # pyenv shims exist for every installed version but only run the selected ones, hence the direct paths.
  for candidate in ${LOCALSTACK_PYTHON:-} python3.13 python3.12 python3 \
    "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[3-9]*/bin/python3 "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12*/bin/python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  echo "[localstack] Python 3.12+ is required (set LOCALSTACK_PYTHON)" >&2
  return 1
}
installed() {
  [ -x "$venv/bin/python" ] && "$venv/bin/python" - "$localstack_version" <<'PY' 2>/dev/null
import sys, importlib.metadata as m
ok = m.version("localstack-core") == sys.argv[1]
ok = ok and any(e.name == "no-docker" for e in m.entry_points(group="localstack.lambda.runtime_executor"))
sys.exit(0 if ok else 1)
PY
}
if ! installed; then
  python=$(pick_python)
  log "installing localstack-core[runtime]==$localstack_version into $venv with $($python --version)"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -c tools/localstack/constraints.txt \
    "localstack-core[runtime]==$localstack_version" service-identity ./tools/localstack/no-docker-executor
  rm -rf tools/localstack/no-docker-executor/build tools/localstack/no-docker-executor/*.egg-info
  installed || { echo "[localstack] installation check failed" >&2; exit 1; }
fi

# --- start ------------------------------------------------------------------------------------------------
if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
  echo "[localstack] already running with pid $(cat "$pid_file") (from an earlier run?); stop it first" >&2
  exit 1
fi
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "[localstack] port $port is in use" >&2
  exit 1
fi

stop_localstack() {
  [ -f "$pid_file" ] || return 0
  local pid
  pid=$(cat "$pid_file")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    # Shutdown can hang in LocalStack's thread pools; the process is ours, so finish it.
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$pid_file"
}
trap stop_localstack EXIT

rm -rf "$state/fs"
mkdir -p "$state"
log "starting LocalStack $localstack_version on $endpoint (log: ${log_file#"$root"/})"
# Fresh state every run (no PERSISTENCE), so the deploy is always a create. LAMBDA_RUNTIME_EXECUTOR=no-docker
# is tools/localstack/no-docker-executor: functions become Active without Docker, invocations fail.
# GATEWAY_SERVER=hypercorn: the default (twisted) server ignores GATEWAY_LISTEN's host and binds 0.0.0.0.
FILESYSTEM_ROOT=$state/fs \
  GATEWAY_LISTEN=127.0.0.1:$port \
  GATEWAY_SERVER=hypercorn \
  SERVICES=cloudformation,lambda,apigateway,s3,sqs,secretsmanager,ssm,cloudwatch,logs,iam,sts,events,scheduler \
  LAMBDA_RUNTIME_EXECUTOR=no-docker \
  DNS_ADDRESS=0 \
  DISABLE_EVENTS=1 \
  SKIP_SSL_CERT_DOWNLOAD=1 \
  nohup "$venv/bin/python" -m localstack.runtime.main >"$log_file" 2>&1 &
echo $! >"$pid_file"

deadline=$((SECONDS + ${LOCALSTACK_START_TIMEOUT:-120}))
until curl -sf -o /dev/null "$endpoint/_localstack/health"; do
  if ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    echo "[localstack] LocalStack exited during startup:" >&2
    tail -n 30 "$log_file" >&2
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "[localstack] not healthy after ${LOCALSTACK_START_TIMEOUT:-120}s:" >&2
    tail -n 30 "$log_file" >&2
    exit 1
  fi
  sleep 1
done
log "healthy"

# --- deploy and verify ------------------------------------------------------------------------------------
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
# cdklocal requires AWS_ENDPOINT_URL_S3 when AWS_ENDPOINT_URL is set; it forces path-style S3, so the plain
# address works (its default, s3.localhost.localstack.cloud, needs public DNS).
export AWS_ENDPOINT_URL=$endpoint AWS_ENDPOINT_URL_S3=$endpoint
log "npm run deploy:local"
deploy_status=0
npm run -s deploy:local || deploy_status=$?

passed=0
failed=0
if [ "$deploy_status" -eq 0 ]; then
  passed=1
  log "verifying"
  verify_out=$(npx tsx tools/localstack/verify.ts 2>&1) || true
  printf '%s\n' "$verify_out" | sed '$d'
  summary=$(printf '%s\n' "$verify_out" | tail -n 1)
  if [[ "$summary" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    passed=$((passed + BASH_REMATCH[1]))
    failed=$((failed + BASH_REMATCH[2]))
  else
    echo "$summary"
    failed=$((failed + 1))
  fi
else
  echo "FAIL npm run deploy:local exited with $deploy_status; LocalStack log tail:"
  tail -n 20 "$log_file"
  failed=1
fi

log "stopping LocalStack (pid $(cat "$pid_file"))"
stop_localstack
trap - EXIT
echo "$passed passed, $failed failed"
if [ "$deploy_status" -ne 0 ]; then exit "$deploy_status"; fi
[ "$failed" -eq 0 ]
