#!/usr/bin/env bash
# Start the gateway with no env (embedded PGlite + in-process cache) in a scratch data dir, wait for
# `{ health { status } }` to answer OK, check GraphiQL is served with local assets only, stop it with
# SIGTERM and expect exit 0; then start it again on the same data dir (the lock must have been
# released, the seed must not run twice) and stop it again.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA_DIR="$(mktemp -d)/pglite"
PORT="${SMOKE_PORT:-4517}"
LOG="$(mktemp)"
pid=""
cleanup() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true; }
trap cleanup EXIT

health() { curl -s -m 2 -H 'content-type: application/json' -d '{"query":"{ health { status } }"}' "http://127.0.0.1:$PORT/graphql" || true; }

wait_healthy() {
  local status=""
  for _ in $(seq 1 120); do
    status=$(health)
    [[ "$status" == *'"OK"'* ]] && { echo "health: $status (after $(( $(date +%s) - start )) s)"; return 0; }
    kill -0 "$pid" 2>/dev/null || { cat "$LOG"; echo "gateway exited early"; return 1; }
    sleep 0.5
  done
  cat "$LOG"
  echo "no OK health answer: $status"
  return 1
}

stop() {
  kill -TERM "$pid"
  local code=0
  wait "$pid" || code=$?
  pid=""
  echo "stopped with exit code $code"
  [[ "$code" == 0 ]] || { cat "$LOG"; return 1; }
}

# 1. First start: what `npm start` runs (prestart builds, then node), with node as our direct child
# so SIGTERM reaches it as under a process manager (npm would answer the signal itself and orphan
# node). It migrates, seeds and prints the generated admin password.
npm run --silent prestart
# package.json's start command (node, its flags, dist/src/main.js), split into words.
read -r -a START_CMD <<<"$(node -p 'require("./package.json").scripts.start')"
start=$(date +%s)
env -u DATABASE_URL -u REDIS_URL DATA_DIR="$DATA_DIR" PORT="$PORT" "${START_CMD[@]}" >"$LOG" 2>&1 &
pid=$!
wait_healthy
page=$(curl -s -H 'accept: text/html' "http://127.0.0.1:$PORT/graphql")
if grep -Eq 'https?://' <<<"$page"; then echo "GraphiQL page references a remote URL"; exit 1; fi
curl -sf -o /dev/null "http://127.0.0.1:$PORT/graphiql-assets/yoga-graphiql.umd.js"
grep -q "Password (shown once)" "$LOG" || { cat "$LOG"; echo "no generated admin password printed"; exit 1; }
stop

# 2. Restart on the same data: the embedded database's lock was released by the clean shutdown.
start=$(date +%s)
: >"$LOG"
env -u DATABASE_URL -u REDIS_URL DATA_DIR="$DATA_DIR" PORT="$PORT" "${START_CMD[@]}" >"$LOG" 2>&1 &
pid=$!
wait_healthy
if grep -q "Password (shown once)" "$LOG"; then echo "the seed ran again on an existing database"; exit 1; fi
stop
trap - EXIT
echo "embedded smoke: OK"
