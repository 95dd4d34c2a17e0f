#!/usr/bin/env bash
# Copy the front-end assets installed by npm into the ignored folder dekomp/static/vendor/.
set -euo pipefail
src=node_modules
dst=dekomp/static/vendor
rm -rf "$dst"
mkdir -p "$dst/designsystemet" "$dst/designsystemet-web" "$dst/inter" "$dst/htmx"
cp "$src/@digdir/designsystemet-css/dist/src/index.css" "$dst/designsystemet/designsystemet.css"
cp "$src/@digdir/designsystemet-theme/brand/digdir.css" "$dst/designsystemet/theme.css"
cp "$src/@digdir/designsystemet-web/dist/umd/index.js" "$src/@digdir/designsystemet-web/dist/umd/index.js.map" "$dst/designsystemet-web/"
for weight in 400 500 600 700; do cp "$src/@fontsource/inter/$weight.css" "$dst/inter/"; done
mkdir -p "$dst/inter/files"
cp "$src"/@fontsource/inter/files/inter-latin-{400,500,600,700}-normal.woff* \
   "$src"/@fontsource/inter/files/inter-latin-ext-{400,500,600,700}-normal.woff* "$dst/inter/files/"
# Only the Latin subsets are copied: drop the @font-face rules of other subsets so nothing points at a missing file.
python3 - "$dst/inter" <<'PY'
import pathlib, re, sys
for css in pathlib.Path(sys.argv[1]).glob("*.css"):
    blocks = re.findall(r"/\* (inter-[a-z-]+-\d+-normal) \*/\s*(@font-face \{.*?\})", css.read_text(), re.S)
    kept = [f"/* {name} */\n{body}" for name, body in blocks if re.fullmatch(r"inter-latin(-ext)?-\d+-normal", name)]
    css.write_text("\n\n".join(kept) + "\n")
PY
cp "$src/htmx.org/dist/htmx.min.js" "$dst/htmx/"
echo "Assets copied to $dst"
