// Consumers: what an application spent per epoch (from the attributions table). Deposits and
// balances come with the consumer escrow; until it is deployed the page says so.
import { h, field, stat, table } from './dom.js';
import { api } from './api.js';
import { open } from './money.js';
import { barChart } from './chart.js';

export async function consumersPage({ setPage, account }) {
  const input = h('input', { name: 'consumer', value: account || '', placeholder: '0x… or consumer id' });
  const form = h('form', { class: 'row', onsubmit: (e) => { e.preventDefault(); location.hash = `#/consumers/${encodeURIComponent(input.value.trim())}`; } },
    field('Consumer', input), h('button', { type: 'submit' }, 'Show spend'));
  if (!account) {
    setPage('Consumers', form, h('p', { class: 'muted' }, 'Enter a consumer to see its spend per epoch.'));
    return;
  }
  const c = await api.get(`/api/consumers/${encodeURIComponent(account)}`);
  const rows = c.epochs.map((e) => h('tr', {}, h('td', {}, e.epoch), h('td', { class: 'num' }, e.events),
    h('td', { class: 'num', title: e.spent_wei + ' wei' }, open(e.spent_wei, 9))));
  setPage('Consumers', form,
    h('div', { class: 'stats' }, stat('Spent (attributed events)', open(c.spent_wei, 9), 'spent', c.spent_wei), stat('Events', c.events),
      stat('Escrow balance', c.escrow ? open(c.balance_wei, 9) : 'no escrow deployed')),
    h('div', { class: 'card' }, h('p', { class: 'muted' }, c.escrow_note)),
    h('h2', {}, 'Spend per epoch'),
    c.epochs.length === 0 ? h('p', {}, 'No attributed inference for this consumer yet.') :
      [h('div', { class: 'card chart' }, barChart(c.epochs.map((e) => ({ label: String(e.epoch), value: e.spent_wei })), { title: 'OPEN spent per epoch', format: (v) => open(v, 9) })),
        table([['Epoch'], ['Events', 'num'], ['Spent', 'num']], rows)]);
}
