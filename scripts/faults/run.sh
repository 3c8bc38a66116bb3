#!/usr/bin/env bash
# Fault scenarios against a running Violeta (issue 13), PostgreSQL only: the sender SIGKILLed mid-burst, the
# database refusing connections mid-burst, a slow/failing/early-callback provider (scripts/faults/faults.py).
# Makes its own database as the postgres superuser and drops it at the end; every process it starts is stopped.
# Usage: scripts/faults/run.sh [faults.py options, e.g. --only ab --alerts 200]
set -euo pipefail
cd "$(dirname "$0")/../.."

db="violeta_faults_$$"
logs=$(mktemp -d /tmp/violeta-faults-XXXXXX)
driver=""
cleanup() {
  status=$?
  if [[ -n "$driver" ]] && kill -0 "$driver" 2>/dev/null; then
    kill -TERM "$driver" 2>/dev/null || true
    wait "$driver" 2>/dev/null || true
  fi
  psql -h 127.0.0.1 -U postgres -qc "ALTER DATABASE \"$db\" ALLOW_CONNECTIONS true" >/dev/null 2>&1 || true
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  if [[ $status -eq 0 ]]; then rm -rf "$logs"; else echo "faults: logs kept in $logs" >&2; fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qc "CREATE DATABASE \"$db\""
.venv/bin/python scripts/faults/faults.py --db "$db" --logs "$logs" "$@" &
driver=$!
wait "$driver"
