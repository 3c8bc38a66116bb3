#!/usr/bin/env bash
# Vendor the front-end libraries into violeta/static/vendor/ from the npm registry, at pinned versions.
#
# Violeta must work on an intranet with no internet, so nothing is ever loaded from a CDN: the files are
# committed and served by the app itself (WhiteNoise). No Node build step and no node_modules: each package
# is fetched with `npm pack`, checked against its pinned sha512, and only the built files we use are copied.
# To upgrade: change a version and its integrity below (`npm view <pkg>@<version> dist.integrity`), run
# `make vendor`, look at the diff, commit.
set -euo pipefail

cd "$(dirname "$0")/.."
DEST=violeta/static/vendor

# name version sha512-integrity (from the registry's dist.integrity)
PACKAGES=(
  "bootstrap 5.3.9 sha512-20cU0rcfw8WdxtVbmfU+xT2EjvVTw9Ror/h1Qvd7DXCujRg8OO9mdBCsmTHdJFf3BuadmBNJtgIuUXsBqSkk/w=="
  "htmx.org 2.0.11 sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA=="
  "bootstrap-icons 1.11.4 sha512-P/3I5KsoS8tDvpBLolRBZnRkkKysUXM8Rm00nnazHY+eZ/o/smJZEDPbKI+d+XZLWdiaYDBB+ikUiCl7BogyKg=="
  "chart.js 4.5.1 sha512-GIjfiT9dbmHRiYi6Nl2yFCq7kkwdkp1W/lp2J99rX0yo9tgJGn3lKQATztIjb5tVtevcBtIdICNWqlq5+E8/Pw=="
  "leaflet 1.9.4 sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA=="
  "axe-core 4.14.1 sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
)

# Which files of each package we keep: "source-in-package destination-under-$DEST". Source maps are kept
# because the minified files reference them, and Django's manifest storage (production) requires every
# referenced file to exist.
files_for() {
  case "$1" in
    bootstrap)
      echo "dist/css/bootstrap.min.css bootstrap/css/bootstrap.min.css"
      echo "dist/css/bootstrap.min.css.map bootstrap/css/bootstrap.min.css.map"
      echo "dist/js/bootstrap.bundle.min.js bootstrap/js/bootstrap.bundle.min.js"
      echo "dist/js/bootstrap.bundle.min.js.map bootstrap/js/bootstrap.bundle.min.js.map"
      echo "LICENSE bootstrap/LICENSE"
      ;;
    htmx.org)
      echo "dist/htmx.min.js htmx/htmx.min.js"
      echo "LICENSE htmx/LICENSE"
      ;;
    bootstrap-icons)
      # The CSS loads its fonts from "fonts/…" relative to itself: keep that layout.
      echo "font/bootstrap-icons.min.css bootstrap-icons/font/bootstrap-icons.min.css"
      echo "font/fonts/bootstrap-icons.woff2 bootstrap-icons/font/fonts/bootstrap-icons.woff2"
      echo "font/fonts/bootstrap-icons.woff bootstrap-icons/font/fonts/bootstrap-icons.woff"
      echo "LICENSE bootstrap-icons/LICENSE"
      ;;
    chart.js)
      # The UMD build defines window.Chart: no module loader, no build step (static/js/charts.js draws with it).
      echo "dist/chart.umd.min.js chart.js/chart.umd.min.js"
      echo "dist/chart.umd.min.js.map chart.js/chart.umd.min.js.map"
      echo "LICENSE.md chart.js/LICENSE.md"
      ;;
    leaflet)
      # The CSS loads its images from "images/…" relative to itself: keep that layout.
      echo "dist/leaflet.js leaflet/leaflet.js"
      echo "dist/leaflet.js.map leaflet/leaflet.js.map"
      echo "dist/leaflet.css leaflet/leaflet.css"
      echo "dist/images/layers.png leaflet/images/layers.png"
      echo "dist/images/layers-2x.png leaflet/images/layers-2x.png"
      echo "dist/images/marker-icon.png leaflet/images/marker-icon.png"
      echo "dist/images/marker-icon-2x.png leaflet/images/marker-icon-2x.png"
      echo "dist/images/marker-shadow.png leaflet/images/marker-shadow.png"
      echo "LICENSE leaflet/LICENSE"
      ;;
    axe-core)
      # Used only by the browser tests (violeta/testing/axe.py injects it into the page): no page loads it.
      echo "axe.min.js axe-core/axe.min.js"
      echo "LICENSE axe-core/LICENSE"
      ;;
    *) echo "no file list for $1" >&2; return 1 ;;
  esac
}

command -v npm >/dev/null || { echo "npm is needed to fetch the packages (apt-get install npm)" >&2; exit 1; }

sha512_b64() {
  python3 -c 'import base64, hashlib, sys; print(base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' "$1"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

staging="$work/vendor"
mkdir -p "$staging"
{
  echo "# Front-end libraries vendored by scripts/vendor.sh from the npm registry. Do not edit by hand."
  echo "# name version license"
} >"$staging/VERSIONS.txt"

for entry in "${PACKAGES[@]}"; do
  read -r name version integrity <<<"$entry"
  echo "==> $name@$version"
  tarball=$(cd "$work" && npm pack "$name@$version" --silent 2>/dev/null | tail -n 1)
  actual="sha512-$(sha512_b64 "$work/$tarball")"
  if [[ "$actual" != "$integrity" ]]; then
    echo "integrity mismatch for $name@$version: expected $integrity, got $actual" >&2
    exit 1
  fi
  unpacked="$work/unpacked-$name"
  mkdir -p "$unpacked"
  tar -xzf "$work/$tarball" -C "$unpacked"
  license=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get("license", "UNKNOWN"))' \
    "$unpacked/package/package.json")
  while read -r src dst; do
    mkdir -p "$(dirname "$staging/$dst")"
    cp "$unpacked/package/$src" "$staging/$dst"
  done < <(files_for "$name")
  echo "$name $version $license" >>"$staging/VERSIONS.txt"
done

# Replace the vendor directory only once everything was fetched and checked.
rm -rf "$DEST"
mkdir -p "$(dirname "$DEST")"
cp -r "$staging" "$DEST"
echo "Vendored into $DEST:"
(cd "$DEST" && find . -type f | sort | sed 's|^\./|  |')
