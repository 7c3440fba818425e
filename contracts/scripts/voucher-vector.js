#!/usr/bin/env node
// Signs a consumer Voucher with ethers' Wallet.signTypedData (what a browser wallet produces) and
// prints {"digest", "signature", "address"}. Input: one JSON object on stdin with privateKey,
// chainId, verifyingContract, cumulativeAmount (decimal string), expiry.
'use strict';
const { Wallet, TypedDataEncoder } = require('ethers');

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', async () => {
  const v = JSON.parse(input);
  const wallet = new Wallet(v.privateKey);
  const domain = {
    name: 'Payable Consumer Escrow',
    version: '1',
    chainId: v.chainId,
    verifyingContract: v.verifyingContract,
  };
  const types = {
    Voucher: [
      { name: 'consumer', type: 'address' },
      { name: 'cumulativeAmount', type: 'uint256' },
      { name: 'expiry', type: 'uint64' },
    ],
  };
  const message = {
    consumer: wallet.address,
    cumulativeAmount: BigInt(v.cumulativeAmount),
    expiry: v.expiry,
  };
  const signature = await wallet.signTypedData(domain, types, message);
  const digest = TypedDataEncoder.hash(domain, types, message);
  process.stdout.write(JSON.stringify({ digest, signature, address: wallet.address }) + '\n');
});
