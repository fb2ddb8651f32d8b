#!/usr/bin/env bash
# build.sh SRC_DIR OUT_DIR NPM_DIR — assemble the web UI that gavel-edge serves.
#
# The app is plain ES modules in SRC_DIR/src (no bundler). Third-party assets (KaTeX for math,
# CodeMirror 5 for the editor) come from the npm registry, pinned by package-lock.json and
# installed with `npm ci` into NPM_DIR (once per lockfile change), then copied under
# OUT_DIR/vendor/. index.html's `__V__` placeholders become a hash of every asset, so the
# edge can let browsers cache `?v=` URLs for a year. Each compressible file gets a gzip'd
# sibling (`x.js.gz`) when that is smaller; the edge serves it to clients that accept gzip.
# The result replaces OUT_DIR in one rename, so a running edge never sees half a build.
set -euo pipefail

src=$1 out=$2 npmdir=$3
say() { printf 'web: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

command -v npm >/dev/null 2>&1 || die "npm is missing (Debian: apt-get install npm); ops/gavel up installs it"
command -v gzip >/dev/null 2>&1 || die "gzip is missing"

# 1. Third-party packages, exactly as the lockfile pins them. One build at a time per NPM_DIR.
mkdir -p "$npmdir"
exec 9>"$npmdir/.lock"
flock 9
if ! cmp -s "$src/package-lock.json" "$npmdir/.installed-lock" || [ ! -d "$npmdir/node_modules" ]; then
  cp "$src/package.json" "$src/package-lock.json" "$npmdir/"
  say "installing KaTeX and CodeMirror from the npm registry (npm ci)"
  if ! (cd "$npmdir" && npm ci --no-audit --no-fund --loglevel=error >npm.log 2>&1); then
    cat "$npmdir/npm.log" >&2
    die "npm ci failed in $npmdir (is the npm registry reachable?)"
  fi
  cp "$src/package-lock.json" "$npmdir/.installed-lock"
fi
nm=$npmdir/node_modules
[ -f "$nm/katex/dist/katex.min.js" ] || die "KaTeX is missing from $nm"
[ -f "$nm/codemirror/lib/codemirror.js" ] || die "CodeMirror is missing from $nm"

# 2. Assemble into a fresh directory.
tmp=$out.tmp.$$
trap 'rm -rf "$tmp"' EXIT
rm -rf "$tmp"
mkdir -p "$tmp"
cp -R "$src/src/." "$tmp/"
mkdir -p "$tmp/vendor/katex/contrib" "$tmp/vendor/codemirror/mode" "$tmp/vendor/codemirror/addon"
cp "$nm/katex/dist/katex.min.js" "$nm/katex/dist/katex.min.css" "$tmp/vendor/katex/"
cp "$nm/katex/dist/contrib/auto-render.min.js" "$tmp/vendor/katex/contrib/"
cp -R "$nm/katex/dist/fonts" "$tmp/vendor/katex/"
cp "$nm/katex/LICENSE" "$tmp/vendor/katex/LICENSE.txt"
cp "$nm/codemirror/lib/codemirror.js" "$nm/codemirror/lib/codemirror.css" "$tmp/vendor/codemirror/"
cp "$nm/codemirror/LICENSE" "$tmp/vendor/codemirror/LICENSE.txt"
for m in clike python rust javascript pascal; do
  cp "$nm/codemirror/mode/$m/$m.js" "$tmp/vendor/codemirror/mode/"
done
cp "$nm/codemirror/addon/mode/simple.js" "$nm/codemirror/addon/edit/matchbrackets.js" \
  "$nm/codemirror/addon/edit/closebrackets.js" "$tmp/vendor/codemirror/addon/"

# 3. Cache-busting version: a hash over every file but index.html.
v=$(cd "$tmp" && find . -type f ! -name index.html -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12)
sed -i "s/__V__/$v/g" "$tmp/index.html"
# Relative module imports carry the same version, so a tab never mixes modules of two builds
# (the same URL everywhere, too: a module imported under two URLs would run twice).
find "$tmp/js" -name '*.js' -print0 | xargs -0 sed -i -E \
  "s#((from|import)[[:space:]]*\(?[[:space:]]*['\"])(\.\.?/[^'\"?]+\.js)(['\"])#\1\3?v=$v\4#g"
echo "$v" >"$tmp/version.txt"

# 4. gzip siblings where they pay.
find "$tmp" -type f \( -name '*.html' -o -name '*.js' -o -name '*.css' -o -name '*.svg' -o -name '*.json' \
  -o -name '*.ttf' -o -name '*.txt' -o -name '*.map' \) -size +1k -print0 |
  while IFS= read -r -d '' f; do
    gzip -9 -n -c "$f" >"$f.gz"
    if [ "$(stat -c %s "$f.gz")" -ge "$(stat -c %s "$f")" ]; then rm -f "$f.gz"; fi
  done

rm -rf "$out.old"
[ -d "$out" ] && mv "$out" "$out.old"
mv "$tmp" "$out"
rm -rf "$out.old"
trap - EXIT
say "built $(find "$out" -type f ! -name '*.gz' | wc -l) files into $out (version $v)"
