#!/usr/bin/env node
// Reference StandardMerkleTree from @openzeppelin/merkle-tree: reads a JSON array of
// [account, amount] pairs on stdin and prints {"root": .., "proofs": [[..], ..]} with the proofs in
// input order. Tests compare the Java implementation against it.
'use strict';
const { StandardMerkleTree } = require('@openzeppelin/merkle-tree');

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
  const values = JSON.parse(input);
  const tree = StandardMerkleTree.of(values, ['address', 'uint256']);
  const proofs = values.map((_, i) => tree.getProof(i));
  process.stdout.write(JSON.stringify({ root: tree.root, proofs }) + '\n');
});
