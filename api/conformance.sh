#!/usr/bin/env bash
# The API against its own live schema: a throwaway database with the seed sets and the demo
# data, a manager's and an interviewer's token, the app under gunicorn, and Schemathesis with
# positive and negative data. Fails on any 5xx or any response the schema does not describe.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
EXAMPLES=${EXAMPLES:-20}

work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

export DATABASE_URL="sqlite:///$work/db.sqlite3"
export DJANGO_DEBUG=1
export DJANGO_API_RATE=100000/minute  # Schemathesis is one client sending many requests
$BIN/python manage.py migrate --no-input -v 0
$BIN/python manage.py loaddata -v 0 junior-backend-developer backend-developer
$BIN/python manage.py seed_demo >/dev/null
manager=$($BIN/python manage.py create_api_token manager --name conformance --write 2>/dev/null | tail -n 1)
alice=$($BIN/python manage.py create_api_token alice --name conformance --write 2>/dev/null | tail -n 1)

port=$($BIN/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
$BIN/gunicorn config.wsgi --bind "127.0.0.1:$port" --workers 2 --no-control-socket \
  --log-level warning >"$work/server.log" 2>&1 &
server=$!

status=0
for who in manager alice; do
  token=${!who}
  echo "== Schemathesis as $who"
  $BIN/schemathesis run "http://127.0.0.1:$port/api/v1/schema/" \
    -H "Authorization: Bearer $token" \
    --wait-for-schema 30 \
    --checks not_a_server_error,response_schema_conformance \
    --max-examples "$EXAMPLES" \
    --generation-database none \
    --no-color || status=1
done
if [ "$status" != 0 ]; then
  echo "== server log"; tail -n 50 "$work/server.log"
fi
exit $status
