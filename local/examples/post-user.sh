#!/usr/bin/env bash
# Posts a user (default local/examples/user.json) to the local HTTP API of `npm start`, with its API key, as
# API Gateway requires on the dev stage (x-api-key). Prints the answer: {"accepted":1,"event_ids":[…]}.
#
#   bash local/examples/post-user.sh [file.json]
#
# API_URL (default http://127.0.0.1:3000); API_KEY (default: the state directory's key, LOCAL_STATE_DIR/api-key,
# as `npm run -s services -- env` exports it).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
file="${1:-$root/local/examples/user.json}"
[ -r "$file" ] || { echo "post-user.sh: cannot read $file" >&2; exit 2; }
api_key="${API_KEY:-$(cd "$root" && npm run -s services -- env | sed -n 's/^export API_KEY=//p')}"
curl -sS -XPOST "${API_URL:-http://127.0.0.1:3000}/v1/users" -H 'content-type: application/json' \
  -H "x-api-key: $api_key" --data-binary @"$file"
echo
