#!/usr/bin/env bash
# Restore drill (docs/deployment.md, "Backups"), on PostgreSQL with the deployment's two roles:
#   1. a fresh database migrated by its owner role; the demo data and uploaded files (documents through the
#      upload service, a card proof, a media file) written as the application role;
#   2. `manage.py backup` (pg_dump as the owner, MIGRATION_DATABASE_URL), then a second, empty database and empty
#      storage folders, and `manage.py restore` into them — as the owner role, not a superuser;
#   3. every table compared between the two databases (row count and an md5 of its rows), every sequence's
#      value, and the SHA-256 of every stored file; `audit_verify` on the restored copy as the application role.
# Prints "tables: N identical, sequences: S identical, files: M identical" and exits non-zero on any difference.
# Usage: scripts/restore_drill.sh [suffix]  (needs .venv, psql, and the superuser postgres@127.0.0.1 to create
# and compare the databases)
set -euo pipefail
cd "$(dirname "$0")/.."

suffix=${1:-$$}
src="violeta_drill_$suffix"
dst="violeta_drill_restored_$suffix"
owner="violeta_drill_owner_$suffix"
app="violeta_drill_app_$suffix"
random_hex() { .venv/bin/python -c 'import secrets; print(secrets.token_hex(16))'; }
owner_pw=$(random_hex)
app_pw=$(random_hex)
work=$(mktemp -d)
admin() { psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
cleanup() {
  admin -c "DROP DATABASE IF EXISTS \"$src\" WITH (FORCE)" >/dev/null 2>&1 || true
  admin -c "DROP DATABASE IF EXISTS \"$dst\" WITH (FORCE)" >/dev/null 2>&1 || true
  admin -c "DROP ROLE IF EXISTS \"$app\"" >/dev/null 2>&1 || true
  admin -c "DROP ROLE IF EXISTS \"$owner\"" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

admin -c "CREATE ROLE \"$owner\" LOGIN PASSWORD '$owner_pw'"
admin -c "CREATE ROLE \"$app\" LOGIN PASSWORD '$app_pw'"
for db in "$src" "$dst"; do
  admin -c "CREATE DATABASE \"$db\" OWNER \"$owner\""
  admin -d "$db" -c "REVOKE CREATE ON SCHEMA public FROM PUBLIC; ALTER SCHEMA public OWNER TO \"$owner\""
done

# The same keys on both sides, as in a real restore (they are never in the backup).
SECRET_KEY=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(64))')
VIOLETA_ENCRYPTION_KEYS=$(.venv/bin/python -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())')
export SECRET_KEY VIOLETA_ENCRYPTION_KEYS
export AUDIT_CHECKPOINT_FILE="$work/checkpoints.jsonl"
use() {  # use DATABASE VAR_DIR: the environment of one installation
  export VIOLETA_VAR_DIR="$2"
  export MIGRATION_DATABASE_URL="postgres://$owner:$owner_pw@127.0.0.1:5432/$1"
  export DATABASE_URL="postgres://$app:$app_pw@127.0.0.1:5432/$1"
}

echo "source: migrate as the owner, demo data and uploads as the application role"
use "$src" "$work/var-source"
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py demo_data | tail -n 1
.venv/bin/python manage.py shell -v 0 -c "
import os
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from violeta.accounts.models import User
from violeta.cases.models import Case
from violeta.documents.services import document_upload

lawyer = User.objects.get(email='abogada@violeta.demo')
cases = [c for c in Case.objects.filter(team=lawyer).order_by('pk') if c.is_active][:3]
for n, case in enumerate(cases):
    pdf = b'%PDF-1.4\n' + os.urandom(2048) + b'\n%%EOF\n'
    document_upload(by=lawyer, case=case, file=SimpleUploadedFile(f'acta-{n}.pdf', pdf), title=f'Acta {n}')
card = settings.CARD['PRIVATE_ROOT']
card.mkdir(parents=True, exist_ok=True)
(card / 'comprobante.png').write_bytes(b'\x89PNG\r\n\x1a\n' + os.urandom(1024))
media = settings.MEDIA_ROOT / 'talleres'
media.mkdir(parents=True, exist_ok=True)
(media / 'cartel.jpg').write_bytes(b'\xff\xd8\xff' + os.urandom(4096))
print(f'{len(cases)} documents uploaded, a card proof and a media file written')
"

echo "backup"
.venv/bin/python manage.py backup --output "$work/drill.tar"

echo "restore into an empty database and empty storage folders, as the owner role"
use "$dst" "$work/var-restored"
.venv/bin/python manage.py restore "$work/drill.tar" | tail -n 3
echo "the restored copy works as the application role"
.venv/bin/python manage.py audit_verify --no-checkpoint | tail -n 1

# --- compare -----------------------------------------------------------------------------------------------
tables_of() { admin -d "$1" -c "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"; }
table_digest() {  # count and md5 of every row's text, in a stable order
  admin -d "$1" -c "SELECT count(*) || ' ' || md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), ''))
                    FROM public.\"$2\" t"
}
failures=0
if ! diff <(tables_of "$src") <(tables_of "$dst") >"$work/tables.diff"; then
  echo "DIFFERENT: the two databases do not have the same tables:" >&2
  cat "$work/tables.diff" >&2
  failures=1
fi
identical=0
while read -r table; do
  a=$(table_digest "$src" "$table")
  b=$(table_digest "$dst" "$table")
  if [[ "$a" == "$b" ]]; then
    identical=$((identical + 1))
  else
    echo "DIFFERENT: table $table: source $a, restored $b" >&2
    failures=1
  fi
done < <(tables_of "$src")

sequences_of() {
  admin -d "$1" -c "SELECT sequencename || ' ' || coalesce(last_value::text, '-') FROM pg_sequences
                    WHERE schemaname = 'public' ORDER BY 1"
}
if ! diff <(sequences_of "$src") <(sequences_of "$dst") >"$work/sequences.diff"; then
  echo "DIFFERENT: sequences:" >&2
  cat "$work/sequences.diff" >&2
  failures=1
fi
sequences=$(comm -12 <(sequences_of "$src") <(sequences_of "$dst") | wc -l)

files_of() {  # SHA-256 and path of every file of the three storage folders
  local var=$1
  for dir in media documents private/card; do
    [[ -d "$var/$dir" ]] || continue
    (cd "$var" && find "$dir" -type f -print0 | sort -z | xargs -0 -r sha256sum)
  done
}
files_of "$work/var-source" >"$work/files-source"
files_of "$work/var-restored" >"$work/files-restored"
if ! diff "$work/files-source" "$work/files-restored" >"$work/files.diff"; then
  echo "DIFFERENT: stored files:" >&2
  cat "$work/files.diff" >&2
  failures=1
fi
files=$(comm -12 "$work/files-source" "$work/files-restored" | wc -l)
if [[ $(wc -l <"$work/files-source") -lt 5 ]]; then
  echo "FAILED: fewer than 5 stored files in the source; the drill wrote at least 5" >&2
  failures=1
fi
rows=$(admin -d "$dst" -c "SELECT sum((xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM public.%I', tablename), false, true, '')))[1]::text::bigint) FROM pg_tables WHERE schemaname = 'public'")

echo "tables: $identical identical ($rows rows), sequences: $sequences identical, files: $files identical"
if [[ $failures -ne 0 ]]; then
  echo "FAILED: the restored copy differs from the source" >&2
  exit 1
fi
echo "The restore drill holds."
