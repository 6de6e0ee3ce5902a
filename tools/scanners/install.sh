#!/usr/bin/env bash
# Creates (or refreshes) the virtualenv holding the outside IaC scanners (cfn-lint, checkov):
#   .cache/scanners-venv   (git-ignored; override with SCANNERS_VENV)
# Pins come from tools/scanners/requirements.txt. Idempotent: a stamp of the requirements and the Python
# minor version skips the install when nothing changed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${SCANNERS_VENV:-$root/.cache/scanners-venv}"
python_bin="${SCANNERS_PYTHON:-python3}"
requirements="$root/tools/scanners/requirements.txt"
log() { printf '[scanners-install] %s\n' "$*" >&2; }

command -v "$python_bin" >/dev/null 2>&1 || { log "$python_bin not found (set SCANNERS_PYTHON)"; exit 1; }
py_minor="$("$python_bin" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
stamp="$(cat "$requirements" <(echo "python=$py_minor") | sha256sum | cut -d' ' -f1)"
stamp_file="$venv/.install-stamp"
if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ]; then
  log "up to date: ${venv#"$root"/}"
  exit 0
fi

mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi
if [ -x "$venv/bin/python" ] && [ "$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" != "$py_minor" ]; then
  rm -rf "$venv"
fi
[ -x "$venv/bin/python" ] || "$python_bin" -m venv "$venv"
rm -f "$stamp_file"
export PIP_DISABLE_PIP_VERSION_CHECK=1
log "installing $(grep -v '^#' "$requirements" | tr '\n' ' ')into ${venv#"$root"/}"
"$venv/bin/python" -m pip install --quiet --upgrade "pip>=24"
"$venv/bin/python" -m pip install --quiet --requirement "$requirements"
echo "$stamp" >"$stamp_file"
log "done"
