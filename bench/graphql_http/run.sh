#!/usr/bin/env bash
# graphql-http's audit against a fresh `jointcode serve` on the embedded server (needs node
# and npm; installs graphql-http into .cache/graphql-http). Exit 1 unless every audit is ok.
set -euo pipefail
cd "$(dirname "$0")/../.."
tools=".cache/graphql-http"
mkdir -p "$tools"
[ -d "$tools/node_modules/graphql-http" ] || (cd "$tools" && npm init -y >/dev/null &&
  npm install --silent graphql-http graphql >/dev/null)
cp bench/graphql_http/audit.mjs "$tools/audit.mjs"
data="$(mktemp -d)"
port="${AUDIT_PORT:-18792}"
unset DATABASE_URL APP_DATABASE_URL
JOINTCODE_DATA_DIR="$data/jc" JOINTCODE_PORT="$port" setsid .venv/bin/jointcode serve \
  >"$data/serve.log" 2>&1 &
pid=$!
trap 'kill -TERM -- "-$pid" 2>/dev/null || true; sleep 2; pkill -f "$data/jc/pgdata" || true' EXIT
for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 1; done
node "$tools/audit.mjs" "http://127.0.0.1:$port/graphql"
