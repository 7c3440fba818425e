// EIP-1193 wallet: whatever provider the browser injects as window.ethereum (MetaMask-style).
// The Console never holds a key: the wallet signs contributions (eth_signTypedData_v4) and sends
// claims (eth_sendTransaction).
const listeners = new Set();
export const wallet = { account: null, chainId: null };

function provider() {
  if (!window.ethereum || typeof window.ethereum.request !== 'function') {
    throw new Error('No browser wallet found: install or enable an EIP-1193 wallet such as MetaMask.');
  }
  return window.ethereum;
}

function friendly(e) {
  if (e && e.code === 4001) return new Error('The request was rejected in the wallet.');
  if (e && e.code === 4100) return new Error('The wallet has not authorised this site: connect it first.');
  return new Error('Wallet error: ' + ((e && e.message) || String(e)));
}

async function request(method, params) {
  try {
    return await provider().request({ method, params });
  } catch (e) {
    throw friendly(e);
  }
}

export function onChange(fn) { listeners.add(fn); }
function changed() { listeners.forEach((fn) => fn(wallet)); }

/** Asks the wallet for an account and checks it is on the Console's chain. */
export async function connect(expectedChainId) {
  const accounts = await request('eth_requestAccounts', []);
  if (!accounts || accounts.length === 0) throw new Error('The wallet returned no account.');
  wallet.account = accounts[0].toLowerCase();
  wallet.chainId = parseInt(await request('eth_chainId', []), 16);
  if (expectedChainId && wallet.chainId !== expectedChainId) {
    try {
      await request('wallet_switchEthereumChain', [{ chainId: '0x' + expectedChainId.toString(16) }]);
      wallet.chainId = expectedChainId;
    } catch (e) {
      throw new Error(`The wallet is on chain ${wallet.chainId}; switch it to chain ${expectedChainId}.`);
    }
  }
  if (window.ethereum.on) {
    window.ethereum.on('accountsChanged', (a) => { wallet.account = a && a[0] ? a[0].toLowerCase() : null; changed(); });
  }
  changed();
  return wallet.account;
}

export async function ensureConnected(expectedChainId) {
  return wallet.account || connect(expectedChainId);
}

export function signTypedData(account, typedData) {
  return request('eth_signTypedData_v4', [account, JSON.stringify(typedData)]);
}

/** Sends a transaction and waits for its receipt; throws if it reverted. */
export async function sendAndWait(tx, timeoutMs = 120000) {
  const hash = await request('eth_sendTransaction', [tx]);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const receipt = await request('eth_getTransactionReceipt', [hash]);
    if (receipt) {
      if (receipt.status !== '0x1') throw new Error(`Transaction ${hash} reverted.`);
      return receipt;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`Transaction ${hash} is not mined after ${timeoutMs / 1000}s.`);
}
