#!/usr/bin/env bash
# Start the gateway with no env (embedded PGlite + in-process cache) in a scratch data dir, wait for
# `{ health { status } }` to answer OK, check GraphiQL is served with local assets only, then stop it
# with SIGTERM and expect a clean exit.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA_DIR="$(mktemp -d)/pglite"
# A free port, so a leftover process can never answer for us.
PORT="${SMOKE_PORT:-$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}"
LOG="$(mktemp)"
start=$(date +%s)
# What `npm start` runs (prestart = generate + build, then node), with node as our direct child so
# SIGTERM reaches the gateway itself.
npm run prestart --silent
env -u DATABASE_URL -u REDIS_URL DATA_DIR="$DATA_DIR" PORT="$PORT" node --enable-source-maps dist/src/main.js >"$LOG" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; }
trap cleanup EXIT
status=""
for _ in $(seq 1 120); do
  status=$(curl -s -m 2 -H 'content-type: application/json' -d '{"query":"{ health { status } }"}' "http://127.0.0.1:$PORT/graphql" || true)
  [[ "$status" == *'"OK"'* ]] && break
  kill -0 "$pid" 2>/dev/null || { cat "$LOG"; echo "gateway exited early"; exit 1; }
  sleep 0.5
done
echo "health: $status (after $(( $(date +%s) - start )) s)"
[[ "$status" == *'"OK"'* ]] || { cat "$LOG"; exit 1; }
page=$(curl -s -H 'accept: text/html' "http://127.0.0.1:$PORT/graphql")
if grep -Eq 'https?://' <<<"$page"; then echo "GraphiQL page references a remote URL"; exit 1; fi
curl -sf -o /dev/null "http://127.0.0.1:$PORT/graphiql-assets/yoga-graphiql.umd.js"
grep -q "Password (shown once)" "$LOG" || { cat "$LOG"; echo "no generated admin password printed"; exit 1; }
kill -TERM "$pid"
wait "$pid"
code=$?
trap - EXIT
echo "stopped with exit code $code"

