// An EIP-1193 provider for tests, injected before the page's scripts: it answers with a dev
// account and forwards every other call to the anvil node, which signs typed data and
// transactions with that account's development key (never a key that holds value).
(() => {
  const rpc = '__RPC_URL__';
  const fallback = '__ACCOUNT__';
  const account = () => (localStorage.getItem('testWallet.account') || fallback).toLowerCase();
  let id = 0;
  async function call(method, params) {
    const response = await fetch(rpc, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }),
    });
    const json = await response.json();
    if (json.error) {
      const e = new Error(json.error.message);
      e.code = json.error.code;
      throw e;
    }
    return json.result;
  }
  window.ethereum = {
    isTestWallet: true,
    on() {},
    removeListener() {},
    async request({ method, params }) {
      switch (method) {
        case 'eth_requestAccounts':
        case 'eth_accounts':
          return [account()];
        case 'wallet_switchEthereumChain':
          return null;
        case 'eth_signTypedData_v4':
          if (params[0].toLowerCase() !== account()) throw Object.assign(new Error('unknown account'), { code: 4100 });
          return call(method, params);
        default:
          return call(method, params || []);
      }
    },
  };
})();
