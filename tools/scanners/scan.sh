#!/usr/bin/env bash
# Outside scanners over the synthesized CloudFormation (CI runs this; so can anyone: `npm run scan`).
#   1. `cdk synth` of every stage (dev, prod, local) into .cache/scan/<stage>
#   2. cfn-lint 1.58 on every template: any error fails (warnings are printed, not fatal)
#   3. checkov 3.3.30 on dev and prod: any failed check fails. Decided exceptions are `checkov: skip` metadata
#      on the resource (lib/constructs/shared/checkov.ts, reason >= 40 characters); the set of skips is
#      compared with the committed tools/scanners/checkov-baseline.json, so a new skip shows up in review.
#      `bash tools/scanners/scan.sh --update-baseline` rewrites that file after a deliberate change.
# The scanners live in .cache/scanners-venv (tools/scanners/install.sh, pins in requirements.txt).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
venv="${SCANNERS_VENV:-$root/.cache/scanners-venv}"
out="${SCAN_OUT:-$root/.cache/scan}"
baseline="$root/tools/scanners/checkov-baseline.json"
update_baseline=0
usage="usage: npm run scan [-- --update-baseline]   (cfn-lint on every stage, checkov on dev and prod)"
for arg in "$@"; do
  case "$arg" in
    --update-baseline) update_baseline=1 ;;
    -h | --help) echo "$usage"; exit 0 ;;
    *) echo "scan: unknown flag $arg" >&2; echo "$usage" >&2; exit 2 ;;
  esac
done
log() { printf '[scan] %s\n' "$*" >&2; }

bash "$root/tools/scanners/install.sh"
rm -rf "$out" && mkdir -p "$out"
for stage in dev prod local; do
  log "cdk synth -c stage=$stage"
  npx cdk synth -c "stage=$stage" -o "$out/$stage" --quiet >"$out/synth-$stage.log" 2>&1 \
    || { cat "$out/synth-$stage.log" >&2; exit 1; }
done

log "cfn-lint $("$venv/bin/cfn-lint" --version | awk '{print $2}') on $(ls "$out"/*/*.template.json | wc -l) templates"
"$venv/bin/cfn-lint" --non-zero-exit-code error --format parseable -- "$out"/*/*.template.json

for stage in dev prod; do
  log "checkov on Pipeline-$stage"
  "$venv/bin/checkov" -f "$out/$stage/Pipeline-$stage.template.json" --framework cloudformation \
    --skip-download -o json >"$out/checkov-$stage.json" || true
done
"$venv/bin/python" "$root/tools/scanners/checkov_gate.py" "$baseline" "$update_baseline" \
  dev="$out/checkov-dev.json" prod="$out/checkov-prod.json"
