#!/usr/bin/env node
// Compiles every contract under src/ with the pinned solc-js (no compiler download) and writes,
// per contract, <Name>.abi and <Name>.bin into the output directory for Web3j code generation,
// plus combined.json with the full standard-JSON output for tooling.
// Usage: compile.js OUT_DIR [SOURCE_DIR]; SOURCE_DIR defaults to src/ (without src/main and
// src/test, which hold Java); test fixtures are compiled from src/test/solidity into their own
// OUT_DIR, importing the contracts from src/.
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const root = path.resolve(__dirname, '..');
const contractsDir = path.join(root, 'src');
const outDir = path.resolve(process.argv[2] || path.join(root, 'target', 'solidity'));
const srcDir = path.resolve(process.argv[3] || contractsDir);
const skipped = new Set([path.join(contractsDir, 'main'), path.join(contractsDir, 'test')]);

function listSources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return skipped.has(full) ? [] : listSources(full);
    return entry.name.endsWith('.sol') ? [full] : [];
  });
}

function findImport(importPath) {
  const candidates = [
    path.join(root, 'node_modules', importPath),
    path.join(srcDir, importPath),
    path.join(contractsDir, importPath),
  ];
  for (const candidate of candidates) {
    if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, 'utf8') };
  }
  return { error: `import not found: ${importPath}` };
}

const sources = {};
for (const file of listSources(srcDir)) {
  sources[path.relative(srcDir, file).split(path.sep).join('/')] = {
    content: fs.readFileSync(file, 'utf8'),
  };
}

const input = {
  language: 'Solidity',
  sources,
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: 'cancun',
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.gasEstimates'] } },
  },
};

const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport }));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
for (const e of output.errors || []) {
  // Library warnings (OpenZeppelin) are not ours to fix; ours and every error are shown.
  const file = e.sourceLocation && e.sourceLocation.file;
  if (e.severity === 'error' || (file && Object.prototype.hasOwnProperty.call(sources, file))) {
    console.error(e.formattedMessage);
  }
}
if (errors.length > 0) process.exit(1);

fs.mkdirSync(outDir, { recursive: true });
let count = 0;
for (const [file, contracts] of Object.entries(output.contracts || {})) {
  if (!Object.prototype.hasOwnProperty.call(sources, file)) continue; // skip library sources
  for (const [name, artifact] of Object.entries(contracts)) {
    const bin = artifact.evm.bytecode.object;
    if (!bin) continue; // interfaces and abstract contracts have no bytecode
    fs.writeFileSync(path.join(outDir, `${name}.abi`), JSON.stringify(artifact.abi));
    fs.writeFileSync(path.join(outDir, `${name}.bin`), bin);
    count++;
  }
}
fs.writeFileSync(path.join(outDir, 'combined.json'), JSON.stringify(output));
console.log(`solc ${solc.version()}: compiled ${count} contracts into ${outDir}`);
