#!/usr/bin/env bash
# The deployment's two PostgreSQL roles, end to end (docs/deployment.md, "Two database roles"):
#   1. an owner role migrates a fresh database (MIGRATION_DATABASE_URL), which grants the application role;
#   2. the application role (DATABASE_URL) loads the demo data, writes the audit log and verifies its chain;
#   3. as the application role, UPDATE, DELETE, TRUNCATE and ALTER TABLE … DISABLE TRIGGER on the audit log fail;
#   4. as the owner with the triggers disabled, one event is edited: audit_verify must fail.
# Usage: scripts/check_database_roles.sh [suffix]  (needs .venv, psql, and the superuser postgres@127.0.0.1)
set -euo pipefail
cd "$(dirname "$0")/.."

suffix=${1:-$$}
db="violeta_roles_$suffix"
owner="violeta_roles_owner_$suffix"
app="violeta_roles_app_$suffix"
random_hex() { .venv/bin/python -c 'import secrets; print(secrets.token_hex(16))'; }
owner_pw=$(random_hex)
app_pw=$(random_hex)
work=$(mktemp -d)
admin() { psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
cleanup() {
  admin -c "DROP DATABASE IF EXISTS \"$db\"" >/dev/null 2>&1 || true
  admin -c "DROP ROLE IF EXISTS \"$app\"" >/dev/null 2>&1 || true
  admin -c "DROP ROLE IF EXISTS \"$owner\"" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

admin -c "CREATE ROLE \"$owner\" LOGIN PASSWORD '$owner_pw'"
admin -c "CREATE ROLE \"$app\" LOGIN PASSWORD '$app_pw'"
admin -c "CREATE DATABASE \"$db\" OWNER \"$owner\""
admin -d "$db" -c "REVOKE CREATE ON SCHEMA public FROM PUBLIC; ALTER SCHEMA public OWNER TO \"$owner\""

export VIOLETA_VAR_DIR="$work/var"
export AUDIT_CHECKPOINT_FILE="$work/checkpoints.jsonl"
export MIGRATION_DATABASE_URL="postgres://$owner:$owner_pw@127.0.0.1:5432/$db"
export DATABASE_URL="postgres://$app:$app_pw@127.0.0.1:5432/$db"

echo "migrate as the owner, grant the application role"
.venv/bin/python manage.py migrate --noinput -v 1 | tail -n 1
echo "demo data and the audit log, as the application role"
.venv/bin/python manage.py demo_data | tail -n 1
.venv/bin/python manage.py audit_verify

as_app() { PGPASSWORD="$app_pw" psql -h 127.0.0.1 -U "$app" -d "$db" -qAt -v ON_ERROR_STOP=1 -c "$1" 2>&1; }
failures=0
for statement in \
  "UPDATE audit_auditevent SET detail = 'x'" \
  "DELETE FROM audit_auditevent" \
  "TRUNCATE audit_auditevent" \
  "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only" \
  "ALTER TABLE audit_auditevent DISABLE TRIGGER USER" \
  "DROP TRIGGER audit_auditevent_no_truncate ON audit_auditevent"; do
  if out=$(as_app "$statement"); then
    echo "FAILED: the application role could run: $statement" >&2
    failures=1
  else
    echo "refused as the application role: $statement (${out##*ERROR:  })"
  fi
done
[[ $failures -eq 0 ]]

echo "tamper as the owner, triggers disabled: audit_verify must fail"
PGPASSWORD="$owner_pw" psql -h 127.0.0.1 -U "$owner" -d "$db" -qAt -v ON_ERROR_STOP=1 -c \
  "ALTER TABLE audit_auditevent DISABLE TRIGGER USER;
   UPDATE audit_auditevent SET detail = 'editado' WHERE seq = 2;
   DELETE FROM audit_auditevent WHERE seq = (SELECT max(seq) FROM audit_auditevent);
   ALTER TABLE audit_auditevent ENABLE TRIGGER USER;"
if .venv/bin/python manage.py audit_verify --no-checkpoint; then
  echo "FAILED: audit_verify did not notice the edited and deleted events" >&2
  exit 1
fi
echo "The two database roles hold."
