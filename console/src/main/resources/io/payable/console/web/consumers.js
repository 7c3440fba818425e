// Consumers: an application's ConsumerEscrow account (balance, available, redeemed), a deposit
// through the wallet (approve, then deposit; the server builds the calldata) or, for the consumer
// whose key the Console holds, deposit and withdrawal through the server, and what it spent per
// epoch (the fees of its attributed events and the cumulative charge its vouchers covered).
import { h, fill, field, stat, table, guarded } from './dom.js';
import { api } from './api.js';
import { open, parseOpen } from './money.js';
import { barChart } from './chart.js';
import { ensureConnected, sendAndWait } from './wallet.js';

export async function consumersPage({ info, setPage, account }) {
  const input = h('input', { name: 'consumer', value: account || '', placeholder: '0x… or consumer id', autocomplete: 'off' });
  const form = h('form', { class: 'row', onsubmit: (e) => { e.preventDefault(); location.hash = `#/consumers/${encodeURIComponent(input.value.trim())}`; } },
    field('Consumer', input), h('button', { type: 'submit' }, 'Show spend'));
  if (!account) {
    setPage('Consumers', form, h('p', { class: 'muted' }, 'Enter a consumer (or connect your wallet) to see its escrow balance and spend per epoch.'));
    return;
  }
  const body = h('div', { id: 'consumer' });
  setPage('Consumers', form, body);
  const render = async () => {
    const c = await api.get(`/api/consumers/${encodeURIComponent(account)}`);
    const rows = c.epochs.slice().reverse().map((e) => h('tr', { 'data-epoch': e.epoch }, h('td', {}, e.epoch), h('td', { class: 'num' }, e.events),
      h('td', { class: 'num', title: e.spent_wei + ' wei', 'data-wei': e.spent_wei }, open(e.spent_wei, 9)),
      h('td', { class: 'num hide-narrow', title: e.charged_cumulative_wei === null ? null : e.charged_cumulative_wei + ' wei' },
        e.charged_cumulative_wei === null ? '—' : open(e.charged_cumulative_wei, 9))));
    fill(body,
      h('p', { class: 'mono muted' }, c.consumer),
      h('div', { class: 'stats' },
        c.escrow ? [stat('Escrow balance', open(c.balance_wei, 9), 'escrow-balance', c.balance_wei),
          stat('Available to workers', open(c.available_wei, 9), 'escrow-available', c.available_wei),
          stat('Redeemed for fees', open(c.redeemed_wei, 9), 'escrow-redeemed', c.redeemed_wei),
          c.withdrawal_wei !== '0' ? stat('Withdrawing', `${open(c.withdrawal_wei, 9)} (due ${new Date(c.withdrawable_at * 1000).toLocaleString()})`, 'escrow-withdrawal', c.withdrawal_wei) : null]
          : stat('Escrow balance', 'no escrow', 'escrow-balance'),
        stat('Spent (attributed events)', open(c.spent_wei, 9), 'spent', c.spent_wei), stat('Events', c.events)),
      c.held ? heldCard(c, render) : c.escrow ? depositCard(info, c, render) : null,
      h('p', { class: 'muted' }, c.escrow_note),
      h('h2', {}, 'Spend per epoch'),
      c.epochs.length === 0 ? h('p', {}, 'No attributed inference for this consumer yet.') :
        [h('div', { class: 'card chart' }, barChart(c.epochs.map((e) => ({ label: String(e.epoch), value: e.spent_wei })), { title: 'OPEN spent per epoch', format: (v) => open(v, 9) })),
          table([['Epoch'], ['Events', 'num'], ['Spent', 'num'], ['Charged to vouchers (cumulative)', 'num hide-narrow']], rows, { id: 'spend' })]);
  };
  await render();
}

/** Deposit into the consumer's escrow: the wallet sends an approval when needed, then the deposit. */
function depositCard(info, c, refresh) {
  const amount = h('input', { name: 'deposit', inputmode: 'decimal', placeholder: 'e.g. 1.5', autocomplete: 'off' });
  const status = h('p', { id: 'deposit-status', role: 'status' });
  const button = h('button', { type: 'submit', id: 'deposit' }, 'Approve and deposit');
  const form = h('form', { class: 'card', id: 'deposit-form', onsubmit: (e) => { e.preventDefault(); guarded(async () => {
    const wei = parseOpen(amount.value);
    button.disabled = true;
    try {
      const from = await ensureConnected(info.chain_id);
      if (from.toLowerCase() !== c.consumer.toLowerCase()) {
        throw new Error(`The wallet's account ${from} is not ${c.consumer}: a deposit credits the account that sends it.`);
      }
      const plan = await api.post(`/api/consumers/${c.consumer}/deposit`, { amount_wei: wei });
      let last = null;
      for (const [i, tx] of plan.transactions.entries()) {
        fill(status, `Step ${i + 1} of ${plan.transactions.length}: ${tx.label}; confirm it in your wallet…`);
        last = await sendAndWait({ from, to: tx.to, data: tx.data });
      }
      const done = `Deposited ${open(wei, 18)} in transaction ${last.transactionHash}.`;
      await refresh();
      document.getElementById('deposit-status').textContent = done;
    } catch (err) {
      fill(status, '');
      throw err;
    } finally {
      button.disabled = false;
    }
  }); } },
  h('p', {}, `Your wallet holds ${open(c.wallet_wei, 9)}. Deposit OPEN into your escrow account (`, h('span', { class: 'mono' }, c.escrow_address), ') so workers serve your vouchers.'),
  h('div', { class: 'row' }, field('Amount (OPEN)', amount), button), status);
  return form;
}

/**
 * Deposit and withdrawal for the consumer whose key this Console holds (its playground consumer):
 * the server signs, so no wallet is involved. A withdrawal is requested first and completed after
 * the escrow's delay.
 */
function heldCard(c, refresh) {
  const amount = h('input', { name: 'held-amount', inputmode: 'decimal', placeholder: 'e.g. 1.5', autocomplete: 'off' });
  const status = h('p', { id: 'held-status', role: 'status' });
  const act = (path, doing, done, withAmount) => (e) => { e.preventDefault(); guarded(async () => {
    const buttons = form.querySelectorAll('button');
    buttons.forEach((b) => { b.disabled = true; });
    try {
      fill(status, `${doing}…`);
      const r = await api.post(`/api/consumers/${c.consumer}/escrow/${path}`, withAmount ? { amount_wei: parseOpen(amount.value) } : {});
      await refresh();
      document.getElementById('held-status').textContent = `${done} ${open(r.amount_wei, 18)} in transaction ${r.transaction}.`;
    } catch (err) {
      fill(status, '');
      throw err;
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  }); };
  const due = c.withdrawal_wei !== '0';
  const form = h('form', { class: 'card', id: 'held-form', onsubmit: act('deposit', 'Depositing', 'Deposited', true) },
    h('p', {}, `This Console holds this consumer's key (its chat playground pays with it), so it deposits and withdraws here without a wallet. The account holds ${open(c.wallet_wei, 9)} outside the escrow.`),
    h('div', { class: 'row' }, field('Amount (OPEN)', amount),
      h('button', { type: 'submit', id: 'held-deposit' }, 'Deposit'),
      h('button', { type: 'button', class: 'secondary', id: 'held-withdrawal', onclick: act('withdrawal', 'Requesting the withdrawal', 'Withdrawal requested for', true) }, 'Request withdrawal'),
      due ? h('button', { type: 'button', class: 'secondary', id: 'held-withdraw', onclick: act('withdraw', 'Withdrawing', 'Withdrew', false) }, 'Complete withdrawal') : null),
    status);
  return form;
}
