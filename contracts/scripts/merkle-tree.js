#!/usr/bin/env node
// Reference StandardMerkleTree from @openzeppelin/merkle-tree: reads on stdin either a JSON array
// of [account, amount] pairs, or {"types": [...], "values": [[...], ...]} for other leaf encodings,
// and prints {"root": .., "proofs": [[..], ..]} with the proofs in input order. Tests compare the
// Java implementation against it.
'use strict';
const { StandardMerkleTree } = require('@openzeppelin/merkle-tree');

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
  const parsed = JSON.parse(input);
  const values = Array.isArray(parsed) ? parsed : parsed.values;
  const types = Array.isArray(parsed) ? ['address', 'uint256'] : parsed.types;
  const tree = StandardMerkleTree.of(values, types);
  const proofs = values.map((_, i) => tree.getProof(i));
  process.stdout.write(JSON.stringify({ root: tree.root, proofs }) + '\n');
});
