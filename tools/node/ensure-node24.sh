#!/usr/bin/env bash
# Puts Node.js 24 (the Lambda runtime's major, nodejs24.x) first on PATH for the project's own scripts.
# Source it (`. tools/node/ensure-node24.sh`), or run a command under it (`tools/node/ensure-node24.sh tsx
# bench/run.ts`, as `npm run bench` does). If `node` is already 24, nothing changes; otherwise the
# official Linux build is fetched once from the npm registry (`npm pack node-linux-<arch>@24`, the same
# binary nodejs.org ships) into .cache/node/<version>/ and checked to run before it is used.
# Works without root; needs only the npm that comes with any Node.js.

_node24_main() {
  local want=24
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  local have
  have="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo none)"
  if [ "$have" = "$want" ]; then return 0; fi

  local arch
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "[node24] no node-linux build for $(uname -m)" >&2; return 1 ;;
  esac
  local pkg="node-linux-${arch}@${want}"
  local cache="${NODE24_CACHE_DIR:-$root/.cache/node}"
  mkdir -p "$cache"

  # Reuse the newest unpacked 24.x that runs; otherwise fetch it.
  local bin=""
  local dir
  for dir in $(ls -d "$cache"/"$want".* 2>/dev/null | sort -V -r); do
    if [ -x "$dir/bin/node" ] && "$dir/bin/node" -e '' 2>/dev/null; then bin="$dir/bin"; break; fi
  done
  if [ -z "$bin" ]; then
    local tmp
    tmp="$(mktemp -d "$cache/.fetch.XXXXXX")"
    echo "[node24] fetching $pkg from the npm registry into $cache" >&2
    local tarball
    tarball="$(cd "$tmp" && npm pack "$pkg" --silent --no-fund --no-audit 2>/dev/null | tail -n 1)"
    if [ -z "$tarball" ] || [ ! -f "$tmp/$tarball" ]; then
      echo "[node24] npm pack $pkg failed" >&2; rm -rf "$tmp"; return 1
    fi
    tar -xzf "$tmp/$tarball" -C "$tmp"
    local version
    version="$("$tmp/package/bin/node" -p 'process.versions.node' 2>/dev/null || true)"
    case "$version" in
      "$want".*) ;;
      *) echo "[node24] the binary from $pkg does not run here (got '$version')" >&2; rm -rf "$tmp"; return 1 ;;
    esac
    rm -rf "${cache:?}/$version"
    mv "$tmp/package" "$cache/$version"
    rm -rf "$tmp"
    bin="$cache/$version/bin"
  fi
  # npm/npx from the running toolchain keep working: they run on whichever `node` is first on PATH.
  export PATH="$bin:$PATH"
  hash -r 2>/dev/null || true
  [ -z "${NODE24_VERBOSE:-}" ] || echo "[node24] using $(node -v) from $bin" >&2
}

_node24_main
_node24_status=$?
unset -f _node24_main
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  [ "$_node24_status" -eq 0 ] || exit "$_node24_status"
  # Run directly: run the given command on Node 24, or print the node it would use.
  if [ "$#" -gt 0 ]; then exec "$@"; fi
  command -v node
  exit 0
fi
[ "$_node24_status" -eq 0 ]
