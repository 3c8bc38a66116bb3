#!/usr/bin/env bash
# Refresh the README's screenshots from the journey tests' own: run the journeys in a real Chromium (they write
# their screens under $VIOLETA_SCREENSHOTS), then copy each one named in docs/screenshots/sources.txt.
#   scripts/screenshots.sh          run the journeys, then copy
#   scripts/screenshots.sh --check  only check that a previous run wrote every screenshot the README uses
set -euo pipefail
cd "$(dirname "$0")/.."

sources=docs/screenshots/sources.txt
shots=${VIOLETA_SCREENSHOTS:-${VIOLETA_VAR_DIR:-var}/screenshots}

if [[ "${1:-}" != "--check" ]]; then
  export VIOLETA_SCREENSHOTS="$shots"
  .venv/bin/pytest -q violeta/tests/journeys
fi

missing=0
copied=0
while read -r target source; do
  [[ -z "$target" || "$target" == \#* ]] && continue
  if [[ ! -s "$shots/$source" ]]; then
    echo "missing: $shots/$source (for docs/screenshots/$target)" >&2
    missing=$((missing + 1))
    continue
  fi
  if [[ "${1:-}" != "--check" ]]; then
    cp "$shots/$source" "docs/screenshots/$target"
    copied=$((copied + 1))
  fi
done <"$sources"
if [[ $missing -gt 0 ]]; then
  echo "$missing screenshot(s) the README uses were not written by the journeys." >&2
  exit 1
fi
if [[ "${1:-}" == "--check" ]]; then
  echo "Every screenshot the README uses was written by this run ($shots)."
else
  echo "Copied $copied screenshots into docs/screenshots/."
fi
