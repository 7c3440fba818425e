#!/usr/bin/env node
// Signs a Contribution with ethers' Wallet.signTypedData (what a browser wallet produces) and
// prints {"digest", "signature", "address"}. Input: one JSON object on stdin with privateKey,
// chainId, verifyingContract, datanetId, contentHash, nonce, timestamp.
'use strict';
const { Wallet, TypedDataEncoder } = require('ethers');

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', async () => {
  const v = JSON.parse(input);
  const domain = {
    name: 'Payable Datanets',
    version: '1',
    chainId: v.chainId,
    verifyingContract: v.verifyingContract,
  };
  const types = {
    Contribution: [
      { name: 'datanetId', type: 'bytes32' },
      { name: 'contentHash', type: 'bytes32' },
      { name: 'nonce', type: 'uint256' },
      { name: 'timestamp', type: 'uint64' },
    ],
  };
  const message = {
    datanetId: v.datanetId,
    contentHash: v.contentHash,
    nonce: v.nonce,
    timestamp: v.timestamp,
  };
  const wallet = new Wallet(v.privateKey);
  const signature = await wallet.signTypedData(domain, types, message);
  const digest = TypedDataEncoder.hash(domain, types, message);
  process.stdout.write(JSON.stringify({ digest, signature, address: wallet.address }) + '\n');
});
