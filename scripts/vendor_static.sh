#!/usr/bin/env bash
# Vendor the front-end assets the pages and the folium maps load into static/vendor/,
# so that no page ever reaches for another host (the meeting room has no internet).
#
# Reproducible: every package is an exact version from the npm registry, fetched with
# `npm pack` into a temporary directory and checked against its pinned sha512 integrity;
# only the files the app loads are copied. The heat-map script comes from the installed
# folium wheel (its patched copy, see FIELD-NOTES "folium offline").
#
# Usage: scripts/vendor_static.sh        (needs npm and the project's .venv; PYTHON=… to
#                                          use another interpreter with folium installed)
# The results are committed; CI does not run this script.
# To upgrade a package: change its version and integrity below (`npm view PKG@VER
# dist.integrity`), rerun, run `pytest tests/mapping`, review the diff of static/vendor.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
dest=$root/static/vendor
python=${PYTHON:-$root/.venv/bin/python}

folium_version=0.20.0 # the wheel the heat-map script is copied from

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/vendor
mkdir -p "$stage"
rows=() # VERSIONS.md table rows

# fetch SPEC INTEGRITY -> extracts the tarball, sets $pkg to its package/ directory
fetch() {
  local spec=$1 want=$2 dir tgz got
  dir=$work/pack/$(printf '%s' "$spec" | tr '/@' '__')
  mkdir -p "$dir"
  tgz=$(cd "$dir" && npm pack --silent --loglevel=error "$spec")
  got=sha512-$(openssl dgst -sha512 -binary "$dir/$tgz" | openssl base64 -A)
  if [ "$got" != "$want" ]; then
    printf 'integrity mismatch for %s\n  want %s\n  got  %s\n' "$spec" "$want" "$got" >&2
    exit 1
  fi
  tar xzf "$dir/$tgz" -C "$dir"
  pkg=$dir/package
}

# put SRC DEST_REL: copy one file into the staging tree
put() {
  [ -f "$1" ] || { echo "missing in package: $1" >&2; exit 1; }
  install -D -m 644 "$1" "$stage/$2"
}

# row NAME VERSION REGISTRY LICENCE DIR: one VERSIONS.md line listing the files of DIR
row() {
  local files
  files=$(cd "$stage/$5" && find . -type f ! -name 'LICENSE*' | sed 's|^\./||' | sort |
    sed 's/.*/`&`/' | paste -sd, - | sed 's/,/, /g')
  rows+=("| $1 | $2 | $3 | $4 | \`$5/\`: $files, \`$(cd "$stage/$5" && ls LICENSE*)\` |")
}

# --- htmx 2 (pinned to 2.0.x: htmx 4 has its own SSE attributes) ---------------------
fetch htmx.org@2.0.11 sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA==
put "$pkg/dist/htmx.min.js" htmx/htmx.min.js
put "$pkg/LICENSE" htmx/LICENSE
row htmx 2.0.11 "npm \`htmx.org\`" 0BSD htmx

fetch htmx-ext-sse@2.2.4 sha512-LJmxVhykyflBWgh5PvbRidcyuqMHlgfajmmzumvKctv9puvsufeH6OaejSMZTNTnEI8O2wXXn4ZZtBdpEMqmEQ==
put "$pkg/dist/sse.js" htmx-ext-sse/sse.js
put "$pkg/LICENSE" htmx-ext-sse/LICENSE
row "htmx SSE extension" 2.2.4 "npm \`htmx-ext-sse\`" 0BSD htmx-ext-sse

# --- Leaflet: leaflet.css points at images/ (layers control, default marker icons) ---
fetch leaflet@1.9.4 sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA==
put "$pkg/dist/leaflet.js" leaflet/leaflet.js
put "$pkg/dist/leaflet.css" leaflet/leaflet.css
for f in layers.png layers-2x.png marker-icon.png marker-icon-2x.png marker-shadow.png; do
  put "$pkg/dist/images/$f" "leaflet/images/$f"
done
put "$pkg/LICENSE" leaflet/LICENSE
row Leaflet 1.9.4 "npm \`leaflet\`" BSD-2-Clause leaflet

# --- what folium.Map loads besides Leaflet --------------------------------------------
fetch jquery@3.7.1 sha512-m4avr8yL8kmFN8psrbFFFmB/If14iN5o9nw/NgnnM+kybDJpRsAynV2BsfpTYrTRysYUdADVD7CkUUizgkpLfg==
put "$pkg/dist/jquery.min.js" jquery/jquery.min.js
put "$pkg/LICENSE.txt" jquery/LICENSE.txt
row jQuery 3.7.1 "npm \`jquery\`" MIT jquery

fetch bootstrap@5.2.2 sha512-dEtzMTV71n6Fhmbg4fYJzQsw1N29hJKO1js5ackCgIpDcGid2ETMGC6zwSYw09v05Y+oRdQ9loC54zB1La3hHQ==
put "$pkg/dist/js/bootstrap.bundle.min.js" bootstrap/bootstrap.bundle.min.js
put "$pkg/dist/css/bootstrap.min.css" bootstrap/bootstrap.min.css
put "$pkg/LICENSE" bootstrap/LICENSE
row Bootstrap 5.2.2 "npm \`bootstrap\`" MIT bootstrap

# all.min.css loads ../webfonts/*.woff2 with a .ttf fallback; other formats are not shipped.
fetch @fortawesome/fontawesome-free@6.2.1 sha512-viouXhegu/TjkvYQoiRZK3aax69dGXxgEjpvZW81wIJdxm5Fnvp3VVIP4VHKqX4SvFw6qpmkILkD4RJWAdrt7A==
put "$pkg/css/all.min.css" fontawesome-free/css/all.min.css
for f in fa-brands-400 fa-regular-400 fa-solid-900 fa-v4compatibility; do
  put "$pkg/webfonts/$f.woff2" "fontawesome-free/webfonts/$f.woff2"
  put "$pkg/webfonts/$f.ttf" "fontawesome-free/webfonts/$f.ttf"
done
put "$pkg/LICENSE.txt" fontawesome-free/LICENSE.txt
row "Font Awesome Free" 6.2.1 "npm \`@fortawesome/fontawesome-free\`" \
  "CC-BY-4.0 (icons), OFL-1.1 (fonts), MIT (code)" fontawesome-free

# Leaflet.awesome-markers 2.0.2, repackaged on npm by drmonty. The unminified js is the one
# folium loads (the .min.js of this release lacks the extraClasses option folium uses).
# The tarball has no licence file: package.json says MIT, pointing at upstream's LICENSE.
fetch drmonty-leaflet-awesome-markers@2.0.2 sha512-g508pdnnHQr9l4kU6McvJzcSd0w1FvHFlZZCYc4oT+zjwYJi1qtj0fFBFEWMKoNfHK4UcBya1eccyjKfu4chjQ==
put "$pkg/js/leaflet.awesome-markers.js" leaflet-awesome-markers/leaflet.awesome-markers.js
put "$pkg/css/leaflet.awesome-markers.css" leaflet-awesome-markers/leaflet.awesome-markers.css
for f in markers-soft.png markers-soft@2x.png markers-shadow.png markers-shadow@2x.png; do
  put "$pkg/css/images/$f" "leaflet-awesome-markers/images/$f"
done
cat >"$stage/leaflet-awesome-markers/LICENSE" <<'EOF'
Leaflet.awesome-markers (https://github.com/lvoogdt/Leaflet.awesome-markers), MIT licence.
The npm package drmonty-leaflet-awesome-markers 2.0.2 ships no licence file; its
package.json declares MIT and links upstream's LICENSE, reproduced here.

Copyright (C) 2013 L. Voogdt

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of
the Software, and to permit persons to whom the Software is furnished to do so,
subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS
FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR
COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
EOF
row Leaflet.awesome-markers 2.0.2 "npm \`drmonty-leaflet-awesome-markers\`" MIT \
  leaflet-awesome-markers

# --- folium plugins: Draw, MarkerCluster -----------------------------------------------
# leaflet.draw.css only uses the spritesheets; the marker images in the package's
# images/ are copies of Leaflet's, which Leaflet serves itself.
fetch leaflet-draw@1.0.4 sha512-rsQ6saQO5ST5Aj6XRFylr5zvarWgzWnrg46zQ1MEOEIHsppdC/8hnN8qMoFvACsPvTioAuysya/TVtog15tyAQ==
put "$pkg/dist/leaflet.draw.js" leaflet-draw/leaflet.draw.js
put "$pkg/dist/leaflet.draw.css" leaflet-draw/leaflet.draw.css
for f in spritesheet.png spritesheet-2x.png spritesheet.svg; do
  put "$pkg/dist/images/$f" "leaflet-draw/images/$f"
done
cat >"$stage/leaflet-draw/LICENSE" <<'EOF'
Leaflet.draw (https://github.com/Leaflet/Leaflet.draw), MIT licence.
The npm package leaflet-draw 1.0.4 ships no licence file; its package.json declares
MIT. The text below is upstream's MIT-LICENSE.md.

Copyright 2012-2016 Jacob Toye and Leaflet

Permission is hereby granted, free of charge, to any person obtaining
a copy of this software and associated documentation files (the
"Software"), to deal in the Software without restriction, including
without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to
permit persons to whom the Software is furnished to do so, subject to
the following conditions:

The above copyright notice and this permission notice shall be
included in all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND,
EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF
MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE
LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION
OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION
WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
EOF
row Leaflet.draw 1.0.4 "npm \`leaflet-draw\`" MIT leaflet-draw

fetch leaflet.markercluster@1.5.3 sha512-vPTw/Bndq7eQHjLBVlWpnGeLa3t+3zGiuM7fJwCkiMFq+nmRuG3RI3f7f4N4TDX7T4NpbAXpR2+NTRSEGfCSeA==
put "$pkg/dist/leaflet.markercluster.js" leaflet.markercluster/leaflet.markercluster.js
put "$pkg/dist/MarkerCluster.css" leaflet.markercluster/MarkerCluster.css
put "$pkg/dist/MarkerCluster.Default.css" leaflet.markercluster/MarkerCluster.Default.css
put "$pkg/MIT-LICENCE.txt" leaflet.markercluster/LICENSE.txt
row Leaflet.markercluster 1.5.3 "npm \`leaflet.markercluster\`" MIT leaflet.markercluster

# --- HeatMap: folium's own patched Leaflet.heat (weights fix), from the wheel ----------
heat_src=$("$python" - "$folium_version" <<'EOF'
import sys
from pathlib import Path

import folium

if folium.__version__ != sys.argv[1]:
    sys.exit(f"folium {folium.__version__} installed, this script pins {sys.argv[1]}")
print(Path(folium.__file__).parent / "templates" / "leaflet_heat.min.js")
EOF
)
folium_license=$("$python" -c 'from importlib.metadata import distribution as d
print(next(f.locate() for f in d("folium").files if f.name.startswith("LICENSE")))')
put "$heat_src" leaflet-heat/leaflet_heat.min.js
# The heat script bundles Leaflet.heat and simpleheat: keep all three notices.
fetch leaflet.heat@0.2.0 sha512-Cd5PbAA/rX3X3XKxfDoUGi9qp78FyhWYurFg3nsfhntcM/MCNK08pRkf4iEenO1KNqwVPKCmkyktjW3UD+h9bQ==
heat_license=$pkg/LICENSE
fetch simpleheat@0.4.0 sha512-tdg3I1NvzMdPKscWBrHbF0LBf+VWuBBazzGUPtFJjG5Q12VQX6gPY8jLy9hx5CbgAIVc5nfnePwJvAYK6z1rAA==
{
  echo "leaflet_heat.min.js is copied from the folium $folium_version wheel"
  echo "(folium/templates/leaflet_heat.min.js): Leaflet.heat with simpleheat, patched by"
  echo "the folium developers (Leaflet.heat pull request 78, weights)."
  printf '\n== Leaflet.heat (BSD-2-Clause, npm leaflet.heat 0.2.0 LICENSE) ==\n\n'
  cat "$heat_license"
  printf '\n== simpleheat (BSD-2-Clause, npm simpleheat 0.4.0 LICENSE) ==\n\n'
  cat "$pkg/LICENSE"
  printf '\n== folium (MIT, the wheel'"'"'s LICENSE.txt) ==\n\n'
  cat "$folium_license"
} >"$stage/leaflet-heat/LICENSE"
row "Leaflet.heat (folium's patched build)" "folium $folium_version" \
  "PyPI \`folium\` wheel, \`folium/templates/leaflet_heat.min.js\`" \
  "BSD-2-Clause (Leaflet.heat, simpleheat), MIT (folium)" leaflet-heat

# --- VERSIONS.md and checksums ---------------------------------------------------------
{
  cat <<'EOF'
# Vendored front-end assets

Generated by `scripts/vendor_static.sh` (exact versions from the npm registry, checked
against pinned sha512 integrity; do not edit by hand, rerun the script). Served at
`/static/vendor/…`. folium is pointed at these files by
`workshop.mapping.offline.use_local_assets()`; `LOCAL_ASSETS` there maps each folium
asset name to its file. `SHA256SUMS` lists every file (`cd static/vendor && sha256sum -c SHA256SUMS`).

| package | version | registry name | licence | files (under `static/vendor/`) |
| --- | --- | --- | --- | --- |
EOF
  printf '%s\n' "${rows[@]}"
  cat <<'EOF'

Not vendored on purpose (folium declares them; `workshop.mapping.offline.DROPPED`):

- `glyphicons_css` (Bootstrap 3 glyphicons): no clean package for it, and Bootstrap 5 has no
  glyphicons. Use `folium.Icon(prefix="fa", icon=…)` with a Font Awesome 6 name; the default
  `prefix="glyphicon"` shows an empty marker.
- `awesome_rotate_css` (folium's `fa-rotate-<angle>` classes for `Icon(angle=…)`): not on any
  registry. Markers are not rotated; Font Awesome's own `fa-rotate-90/180/270` still work.

Left out of every package: source maps, other builds of the same file (ESM, CommonJS,
minified or not), Sass/Less sources, docs, examples, font formats other than woff2 and ttf,
and images no stylesheet uses (leaflet-draw's copies of Leaflet's markers, the unused
awesome-markers colour sets).
EOF
} >"$stage/VERSIONS.md"
(cd "$stage" && find . -type f ! -name SHA256SUMS ! -name VERSIONS.md | sed 's|^\./||' |
  LC_ALL=C sort | xargs sha256sum >SHA256SUMS)

# Replace static/vendor with the staged tree, so files dropped here disappear there too.
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
cp -R "$stage" "$dest"
echo "vendored into ${dest#"$root"/}: $(du -sh "$dest" | cut -f1)"
