#!/usr/bin/env bash
# Extract the English msgids from code and templates into the es_MX catalogue and compile it.
# Needs GNU gettext (apt-get install gettext) on the developer's machine only: the compiled .mo is committed,
# so a fresh machine runs Violeta in Spanish without it.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python manage.py makemessages --locale es_MX --no-obsolete --no-location \
  --ignore '.venv/*' --ignore 'var/*' --ignore 'violeta/static/*' --ignore '*/tests/*' --ignore 'bench/*'
.venv/bin/python manage.py compilemessages --locale es_MX --ignore '.venv/*'
echo "Translate the empty msgstr entries in violeta/locale/es_MX/LC_MESSAGES/django.po, then run this again."
