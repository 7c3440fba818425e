// The Console's pages: a hash router over plain ES modules, no framework and no npm packages.
import { h, fill, field, stat, table, showMessage, clearMessage, guarded } from './dom.js';
import { api } from './api.js';
import { open, short } from './money.js';
import { wallet, connect, ensureConnected, onChange, signTypedData, sendAndWait } from './wallet.js';
import { barChart, lineChart } from './chart.js';
import { modelsPage } from './models.js';
import { consumersPage } from './consumers.js';

let info = null;
let renderSeq = 0;
const main = () => document.getElementById('main');

async function loadInfo() {
  if (!info) {
    info = await api.get('/api/info');
    document.getElementById('chain').textContent =
      `Chain ${info.chain_id} · RewardDistributor ${info.reward_distributor} · DatanetRegistry ${info.datanet_registry}`;
  }
  return info;
}

function setPage(title, ...children) {
  const m = main();
  fill(m, h('h1', {}, title), ...children);
  document.title = title + ' · Payable Console';
}

/** Repeats `fn` every `ms` while the page that started it is still shown. */
function poll(seq, fn, ms) {
  const tick = async () => {
    if (seq !== renderSeq) return;
    const again = await fn();
    if (again !== false && seq === renderSeq) setTimeout(tick, ms);
  };
  setTimeout(tick, ms);
}

// ---------------------------------------------------------------- Datanets
async function datanetsPage() {
  const list = await api.get('/api/datanets');
  const rows = list.map((d) => h('tr', { 'data-datanet': d.id },
    h('td', {}, h('a', { href: `#/datanets/${d.id}` }, d.name), h('div', { class: 'mono muted hide-narrow' }, short(d.id, 8))),
    h('td', { class: 'num' }, d.contributions.toLocaleString('en-US')),
    h('td', { class: 'num' }, d.contributors.toLocaleString('en-US')),
    h('td', { class: 'num' }, d.tokens.toLocaleString('en-US')),
    h('td', { class: 'num' }, d.shards),
    h('td', { class: 'hide-narrow' }, d.licenses.join(', ') || '—'),
    h('td', {}, d.open ? h('span', { class: 'badge ok' }, 'open') : h('span', { class: 'badge bad' }, 'closed'))));
  setPage('Datanets',
    h('p', { class: 'muted' }, 'Datasets that contributors sign text into. Open one to browse its contributions or contribute with your wallet.'),
    list.length === 0 ? h('p', {}, 'No Datanet has been created on this chain yet.') :
      table([['Datanet'], ['Contributions', 'num'], ['Contributors', 'num'], ['Tokens', 'num'], ['Shards', 'num'], ['Licence', 'hide-narrow'], ['State']], rows, { id: 'datanets' }));
}

async function datanetPage(id) {
  const seq = renderSeq;
  const list = await api.get('/api/datanets');
  const d = list.find((x) => x.id === id.toLowerCase());
  if (!d) throw new Error(`No Datanet ${id} on this chain.`);
  const content = h('textarea', { name: 'content', required: true, placeholder: 'Text to sign and contribute' });
  const license = h('select', { name: 'license' },
    ['CC-BY-4.0', 'CC-BY-SA-4.0', 'CC0-1.0', 'MIT', 'Apache-2.0'].map((l) => h('option', { value: l }, l)));
  const submit = h('button', { type: 'submit', id: 'contribute' }, 'Sign and contribute');
  const status = h('div', { id: 'contribution-status', 'aria-live': 'polite' });
  const form = h('form', { id: 'contribute-form', onsubmit: (e) => { e.preventDefault(); guarded(() => contribute()); } },
    field('Text to contribute', content), field('Licence', license), h('div', {}, submit));

  async function contribute() {
    if (!content.value.trim()) throw new Error('Write some text to contribute first.');
    submit.disabled = true;
    try {
      const account = await ensureConnected(info.chain_id);
      fill(status, h('span', { class: 'badge wait' }, 'waiting for the wallet signature'));
      const prepared = await api.post('/api/contributions/prepare',
        { datanet_id: d.id, contributor: account, content: content.value, license: license.value });
      const signature = await signTypedData(account, prepared.typed_data);
      const submitted = await api.post('/api/contributions', {
        datanet_id: d.id, contributor: account, content: content.value, license: license.value,
        nonce: prepared.nonce, timestamp: prepared.timestamp, signature });
      showStatus({ status: 'pending', contribution_id: submitted.contribution_id });
      followStatus(submitted.contribution_id);
    } finally {
      submit.disabled = false;
    }
  }

  function showStatus(s) {
    const badge = s.status === 'accepted' ? h('span', { class: 'badge ok', 'data-status': 'accepted' }, 'accepted')
      : s.status === 'rejected' ? h('span', { class: 'badge bad', 'data-status': 'rejected' }, 'rejected')
        : h('span', { class: 'badge wait', 'data-status': 'pending' }, 'pending: the ingest job has not decided yet');
    const parts = [h('p', {}, 'Contribution ', h('span', { class: 'mono', id: 'contribution-id' }, s.contribution_id), ' ', badge)];
    if (s.status === 'rejected') {
      parts.push(h('p', { id: 'rejection-reason' }, 'Reason: ', h('strong', {}, s.reason), ' — ', s.detail));
    }
    if (s.status === 'accepted') {
      const a = s.anchor || {};
      parts.push(h('p', {}, `${s.contribution.token_count} tokens, ${s.contribution.byte_count} bytes, accepted ${s.contribution.accepted_at}.`));
      if (a.state === 'anchored') {
        parts.push(h('div', { id: 'anchor-proof' },
          h('p', {}, h('span', { class: 'badge ok' }, 'anchored'), ' in shard ', h('span', { class: 'mono' }, a.shard_id),
            ': its Merkle root is in DatanetRegistry ', h('span', { class: 'mono' }, a.registry)),
          h('p', {}, 'Root ', h('span', { class: 'mono' }, a.root)),
          h('p', {}, 'Leaf ', h('span', { class: 'mono' }, a.leaf)),
          (a.proof || []).length === 0
            ? h('p', {}, 'Proof: none needed, the shard holds only this contribution (its leaf is the root).')
            : [h('p', {}, 'Proof (siblings, bottom first):'),
              h('ol', { class: 'mono' }, a.proof.map((p) => h('li', {}, p)))]));
      } else {
        parts.push(h('p', { class: 'muted', id: 'anchor-state' },
          a.state === 'root_mismatch' ? 'The shard root on chain does not match its files.' :
            'Waiting for its shard to be sealed and anchored on chain…'));
      }
    }
    fill(status, ...parts);
  }

  function followStatus(cid) {
    poll(seq, async () => {
      const s = await api.get(`/api/contributions/${cid}`).catch((e) => ({ status: 'error', error: e.message }));
      if (s.status === 'error') { showMessage(s.error); return true; }
      showStatus(s);
      if (s.status === 'rejected') return false;
      if (s.status === 'accepted' && s.anchor && s.anchor.state === 'anchored') {
        loadPage(0); return false;
      }
      if (s.status === 'accepted') loadPage(0);
      return true;
    }, 1500);
  }

  const search = h('input', { type: 'search', name: 'q', placeholder: 'contributor, id, hash or licence' });
  const listBox = h('div', { id: 'contributions' });
  let page = 0;
  let refreshStats = async () => {};
  async function loadPage(p) {
    page = p;
    refreshStats().catch(() => {});
    const q = encodeURIComponent(search.value.trim());
    const r = await api.get(`/api/datanets/${d.id}/contributions?page=${p}&size=10&q=${q}`);
    const rows = r.items.map((c) => h('tr', { 'data-contribution': c.contribution_id },
      h('td', { class: 'mono' }, short(c.contribution_id, 8)),
      h('td', { class: 'mono' }, short(c.contributor, 5)),
      h('td', { class: 'num' }, c.token_count),
      h('td', { class: 'hide-narrow' }, c.license || '—'),
      h('td', { class: 'hide-narrow mono' }, c.shard_id ? short(c.shard_id, 6) : 'unsealed'),
      h('td', { class: 'hide-narrow' }, c.accepted_at.replace('T', ' ').slice(0, 19))));
    const pages = Math.max(1, Math.ceil(r.total / r.size));
    fill(listBox,
      table([['Contribution'], ['Contributor'], ['Tokens', 'num'], ['Licence', 'hide-narrow'], ['Shard', 'hide-narrow'], ['Accepted (UTC)', 'hide-narrow']], rows),
      h('div', { class: 'pager' },
        h('button', { type: 'button', class: 'secondary', disabled: p === 0, onclick: () => guarded(() => loadPage(p - 1)) }, 'Previous page'),
        h('span', { id: 'page-info' }, `Page ${p + 1} of ${pages} · ${r.total} contribution${r.total === 1 ? '' : 's'}`),
        h('button', { type: 'button', class: 'secondary', disabled: p + 1 >= pages, onclick: () => guarded(() => loadPage(p + 1)) }, 'Next page')));
  }
  const searchForm = h('form', { class: 'row', role: 'search', onsubmit: (e) => { e.preventDefault(); guarded(() => loadPage(0)); } },
    field('Search contributions', search), h('button', { type: 'submit', class: 'secondary' }, 'Search'));

  const statsBox = h('div', { class: 'stats', id: 'datanet-stats' });
  const renderStats = (x) => fill(statsBox,
    stat('Contributions', x.contributions.toLocaleString('en-US'), 'datanet-contributions'), stat('Contributors', x.contributors),
    stat('Tokens', x.tokens.toLocaleString('en-US')), stat('Shards', x.shards),
    stat('Licences', x.licenses.join(', ') || '—'), stat('Treasury', short(x.treasury, 5)));
  renderStats(d);
  // After a contribution is accepted or sealed, the totals change too.
  refreshStats = async () => {
    const now = (await api.get('/api/datanets')).find((x) => x.id === d.id);
    if (now && seq === renderSeq) renderStats(now);
  };
  setPage(d.name,
    h('p', { class: 'mono muted' }, d.id),
    statsBox,
    h('h2', {}, 'Contribute'),
    h('div', { class: 'card' },
      h('p', { class: 'muted' }, 'Your wallet signs the text’s hash (EIP-712 Contribution); the Console publishes it for the ingest job, which accepts or rejects it with a reason.'),
      d.open ? form : h('p', {}, 'This Datanet is closed to new contributions.'), status),
    h('h2', {}, 'Contributions'), searchForm, listBox);
  await loadPage(page);
}

// ---------------------------------------------------------------- Trace
async function tracePage() {
  const events = await api.get('/api/attributions?limit=50');
  const output = h('textarea', { name: 'output', placeholder: 'Paste a model output to find its attribution' });
  const rows = events.map((e) => h('tr', { 'data-event': e.event_id },
    h('td', {}, h('a', { href: `#/trace/${encodeURIComponent(e.event_id)}` }, short(e.event_id, 8))),
    h('td', { class: 'hide-narrow' }, e.event_time.replace('T', ' ').slice(0, 19)),
    h('td', {}, e.adapter_id),
    h('td', { class: 'num' }, open(e.fee_wei, 9)),
    h('td', { class: 'num' }, e.attributed ? e.contributors : 'none (treasury)')));
  setPage('Trace',
    h('p', { class: 'muted' }, 'Where the fee of an inference went: the spans of its output found in Datanets or the training examples that influenced it most, the contributors they credit, and the exact split.'),
    h('form', { class: 'card', onsubmit: (ev) => { ev.preventDefault(); guarded(async () => {
      const r = await api.post('/api/trace', { output: output.value });
      if (r.event_ids.length === 0) throw new Error(r.message);
      location.hash = `#/trace/${encodeURIComponent(r.event_ids[0])}`;
    }); } }, field('Model output', output), h('div', {}, h('button', { type: 'submit', class: 'secondary', id: 'find-output' }, 'Find its attribution'))),
    h('h2', {}, 'Recent attributed events'),
    events.length === 0 ? h('p', {}, 'No inference has been attributed yet.') :
      table([['Event'], ['Time (UTC)', 'hide-narrow'], ['Adapter'], ['Fee', 'num'], ['Contributors', 'num']], rows, { id: 'events' }));
}

function highlighted(text, spans, onPick) {
  // Boundaries of every located span; a segment is highlighted when a span covers it.
  const located = spans.map((s, i) => ({ ...s, i })).filter((s) => s.char_start !== undefined);
  const cuts = new Set([0, text.length]);
  located.forEach((s) => { cuts.add(s.char_start); cuts.add(s.char_end); });
  const points = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k], b = points[k + 1];
    const covering = located.filter((s) => s.char_start <= a && s.char_end >= b);
    const piece = text.slice(a, b);
    if (covering.length === 0) { out.push(piece); continue; }
    const longest = covering.reduce((x, y) => (y.end_token - y.start_token > x.end_token - x.start_token ? y : x));
    out.push(h('button', { type: 'button', class: 'span', 'data-span': longest.i,
      'aria-label': `Span ${longest.i + 1}: ${longest.text}`, onclick: (e) => onPick(longest.i, e.currentTarget) }, piece));
  }
  return out;
}

async function traceEventPage(id) {
  const t = await api.get(`/api/attributions/${encodeURIComponent(id)}`);
  const detail = h('div', { class: 'card', id: 'span-detail', 'aria-live': 'polite' },
    h('p', { class: 'muted' }, 'Select a highlighted span to see its documents and contributors.'));
  const pick = (i, el) => {
    document.querySelectorAll('.span.selected').forEach((x) => x.classList.remove('selected'));
    if (el) el.classList.add('selected');
    const s = t.spans[i];
    fill(detail,
      h('h2', {}, `Span ${i + 1}: tokens ${s.start_token}–${s.end_token}`),
      h('p', {}, h('q', {}, s.text)),
      h('p', {}, `Found ${s.occurrences} time(s) in ${s.documents} document(s) of the adapter’s Datanets; weight ${s.weight.toFixed(2)} bits.`),
      h('p', {}, 'Contributors of those documents:'),
      h('ul', { id: 'span-contributors' }, s.contributors.map((c) => h('li', {}, h('a', { class: 'mono', href: `#/payouts/${c}` }, c)))));
  };
  const outputBox = t.output_text
    ? h('div', { class: 'output', id: 'output' }, highlighted(t.output_text, t.spans, pick))
    : h('div', { class: 'output', id: 'output' }, t.spans.length === 0 ? 'No span of this output was found in the Datanets.' :
      t.spans.map((s, i) => [h('button', { type: 'button', class: 'span', 'data-span': i, onclick: (e) => pick(i, e.currentTarget) }, s.text), ' … ']));
  const contributors = t.split.filter((s) => s.role === 'contributor');
  const fee = BigInt(t.fee_wei);
  const method = t.method || 'spans';
  const splitRows = t.split.map((s) => h('tr', { 'data-role': s.role },
    h('td', {}, h('a', { class: 'mono', href: `#/payouts/${s.recipient}` }, short(s.recipient, 6))),
    h('td', {}, s.role.replace('_', ' ')),
    h('td', { class: 'num' }, s.share === null ? '—' : (s.share * 100).toFixed(2) + ' %'),
    h('td', { class: 'num mono', title: s.amount_wei + ' wei' }, s.amount_wei)));
  splitRows.push(h('tr', {},
    h('th', { scope: 'row' }, 'Total'), h('td', {}, t.split_sums_to_fee ? 'equals the fee' : 'DOES NOT equal the fee'),
    h('td', {}), h('td', { class: 'num mono', id: 'split-total' }, t.split_sum_wei)));
  const st = t.settlement;
  setPage('Trace of an inference',
    h('p', { class: 'mono muted' }, t.event_id),
    h('div', { class: 'stats' },
      stat('Fee', open(t.fee_wei, 9), 'fee', t.fee_wei), stat('Adapter', t.adapter_id), stat('Epoch', t.epoch),
      stat('Method', method, 'method'), stat('Spans', t.spans.length, 'span-count'),
      stat('Contributors', contributors.length)),
    h('h2', {}, 'Output'), outputBox, detail,
    method === 'spans' ? null : influencesSection(method, t.influences || []),
    h('h2', {}, 'Contributor shares'),
    contributors.length === 0 ? h('p', {}, 'No contributor was credited: the data pool went to the Datanets’ treasuries.') :
      h('div', { class: 'card', id: 'shares' }, contributors.map((c) => h('div', { class: 'row', 'data-contributor': c.recipient },
        h('span', { class: 'mono', style: 'min-width: 9rem' }, short(c.recipient, 5)),
        h('div', { style: 'flex: 1 1 8rem' }, h('div', { class: 'bar', style: `width: ${Math.max(1, c.share * 100)}%` })),
        h('span', { class: 'num' }, (c.share * 100).toFixed(2) + ' %')))),
    h('h2', {}, 'Fee split (wei, exact)'),
    table([['Recipient'], ['Role'], ['Share', 'num'], ['Amount (wei)', 'num']], splitRows, { id: 'split' }),
    h('p', { class: 'muted' }, `Fee ${fee.toString()} wei = ${open(t.fee_wei, 18)}.`),
    h('h2', {}, 'Settlement'),
    h('div', { class: 'card', id: 'settlement' },
      st.status === 'not_settled' ? h('p', {}, `Epoch ${st.epoch} is not settled yet: its root is posted when the epoch closes.`) :
        [h('p', {}, `Epoch ${st.epoch} root `, h('span', { class: 'mono' }, st.root), ` (${st.status})`),
          st.tx_hash ? h('p', {}, 'Posted in transaction ', h('span', { class: 'mono' }, st.tx_hash), st.block_number ? ` at block ${st.block_number}` : '') : null,
          h('p', {}, st.claimable ? 'This epoch’s root is active: every recipient can claim on the ' : 'The root is not active yet (veto window); then claim on the ',
            h('a', { href: contributors[0] ? `#/payouts/${contributors[0].recipient}` : '#/payouts' }, 'Payouts page'), '.')]));
}

/**
 * Attribution v2: the training examples whose gradients align most with the output's (the
 * attribution_influences rows), each with its contribution, contributor and score.
 */
function influencesSection(method, influences) {
  const how = method === 'hybrid'
    ? 'Attributed by the hybrid method: each contributor’s weight mixes its spans’ weight and the gradient influence of its training examples (ProtocolParams hybrid_gradient_bps).'
    : 'Attributed by gradient influence: contributors are credited by the positive influence of their training examples on this output.';
  const rows = influences.map((i) => h('tr', { 'data-contributor': i.contributor, 'data-contribution': i.contribution_id },
    h('td', { class: 'num' }, i.rank + 1),
    h('td', { class: 'mono', title: i.contribution_id }, short(i.contribution_id, 6)),
    h('td', {}, h('a', { class: 'mono', href: `#/payouts/${i.contributor}`, title: i.contributor }, short(i.contributor, 5))),
    h('td', { class: 'num hide-narrow' }, i.example),
    h('td', { class: 'num', title: String(i.score) }, i.score.toPrecision(3))));
  return [h('h2', {}, 'Top training examples'),
    h('p', { class: 'muted' }, how),
    influences.length === 0 ? h('p', { id: 'no-influences' }, 'No training example had a positive influence on this output.') :
      table([['#', 'num'], ['Contribution'], ['Contributor'], ['Example', 'num hide-narrow'], ['Score', 'num']], rows, { id: 'influences' })];
}

// ---------------------------------------------------------------- Payouts
async function payoutsPage(account) {
  const seq = renderSeq;
  const input = h('input', { name: 'account', value: account || wallet.account || '', placeholder: '0x…', autocomplete: 'off' });
  const form = h('form', { class: 'row', onsubmit: (e) => { e.preventDefault(); location.hash = `#/payouts/${input.value.trim()}`; } },
    field('Account address', input), h('button', { type: 'submit' }, 'Show payouts'));
  const body = h('div', { id: 'payouts' });
  setPage('Payouts', form, body);
  if (!account) {
    body.append(h('p', { class: 'muted' }, 'Enter an address, or connect your wallet, to see its earnings per epoch and claim them.'));
    return;
  }
  if (!/^0x[0-9a-fA-F]{40}$/.test(account)) throw new Error(`Not an address: ${account}`);
  async function render() {
    const p = await api.get(`/api/payouts/${account}`);
    if (seq !== renderSeq) return;
    const claim = h('button', { type: 'button', id: 'claim', disabled: !p.claim_tx,
      'data-cumulative-wei': p.claim_tx ? p.claim_tx.cumulative_wei : null }, 'Claim ' + open(p.claimable_wei, 9));
    const claimStatus = h('p', { id: 'claim-status', 'aria-live': 'polite' }, p.claim_error || '');
    claim.addEventListener('click', () => guarded(async () => {
      claim.disabled = true;
      try {
        const from = await ensureConnected(info.chain_id);
        claimStatus.textContent = 'Confirm the claim in your wallet…';
        const receipt = await sendAndWait({ from, to: p.claim_tx.to, data: p.claim_tx.data });
        claimStatus.textContent = `Claimed in transaction ${receipt.transactionHash} (block ${parseInt(receipt.blockNumber, 16)}).`;
        const keep = claimStatus.textContent;
        await render();
        document.getElementById('claim-status').textContent = keep;
      } catch (e) {
        claim.disabled = false;
        claimStatus.textContent = '';
        throw e;
      }
    }));
    const epochRows = p.epochs.slice().reverse().map((e) => h('tr', { 'data-epoch': e.epoch },
      h('td', {}, e.epoch), h('td', { class: 'num', title: e.amount_wei + ' wei', 'data-wei': e.amount_wei }, open(e.amount_wei, 9)),
      h('td', { class: 'num', title: e.cumulative_wei + ' wei' }, open(e.cumulative_wei, 9)),
      h('td', {}, e.active ? h('span', { class: 'badge ok' }, 'active') : h('span', { class: 'badge wait' }, 'pending')),
      h('td', { class: 'hide-narrow mono' }, short(e.root, 6))));
    fill(body,
      h('p', { class: 'mono muted' }, p.account),
      h('div', { class: 'stats' },
        stat('Claimable now', open(p.claimable_wei, 9), 'claimable', p.claimable_wei),
        stat('Pending activation', open(p.pending_wei, 9), 'pending', p.pending_wei),
        stat('Claimed', open(p.claimed_wei, 9), 'claimed', p.claimed_wei),
        stat('Earned (settled)', open(p.earned_wei, 9), 'earned', p.earned_wei)),
      h('div', { class: 'card' }, h('div', { class: 'row' }, claim), claimStatus,
        h('p', { class: 'muted' }, 'A claim pays everything owed under the newest active root, to this account; any wallet may send it (it pays the gas).')),
      h('h2', {}, 'Earnings per epoch'),
      p.epochs.length === 0 ? h('p', {}, 'Nothing settled for this account yet.') :
        [h('div', { class: 'card chart', id: 'earnings-chart' }, barChart(p.epochs.map((e) => ({ label: String(e.epoch), value: e.amount_wei })),
          { title: 'OPEN earned per epoch', format: (v) => open(v, 9) })),
        table([['Epoch'], ['Earned', 'num'], ['Cumulative', 'num'], ['Root'], ['Root hash', 'hide-narrow']], epochRows, { id: 'epochs' })]);
  }
  await render();
  poll(seq, async () => { await render().catch(() => {}); return true; }, 5000);
}

// ---------------------------------------------------------------- router
const routes = [
  [/^#\/datanets\/(0x[0-9a-fA-F]{64})$/, 'datanets', (m) => datanetPage(m[1])],
  [/^#\/trace\/(.+)$/, 'trace', (m) => traceEventPage(decodeURIComponent(m[1]))],
  [/^#\/trace$/, 'trace', () => tracePage()],
  [/^#\/payouts\/(.*)$/, 'payouts', (m) => payoutsPage(m[1])],
  [/^#\/payouts$/, 'payouts', () => payoutsPage(null)],
  [/^#\/models(?:\/(.+))?$/, 'models', (m) => modelsPage({ info, setPage, poll: (fn, ms) => poll(renderSeq, fn, ms), trainingId: m[1] })],
  [/^#\/consumers(?:\/(.*))?$/, 'consumers', (m) => consumersPage({ info, setPage, account: m[1] || wallet.account })],
  [/^.*$/, 'datanets', () => datanetsPage()],
];

async function route() {
  const seq = ++renderSeq;
  clearMessage();
  const hash = location.hash || '#/datanets';
  for (const [re, page, render] of routes) {
    const m = hash.match(re);
    if (!m) continue;
    document.querySelectorAll('nav a').forEach((a) => a.classList.toggle('active', a.dataset.page === page));
    main().setAttribute('aria-busy', 'true');
    try {
      await loadInfo();
      await render(m);
    } catch (e) {
      if (seq === renderSeq) {
        setPage('Something went wrong');
        showMessage(e.message || String(e));
      }
    } finally {
      main().setAttribute('aria-busy', 'false');
      main().dataset.page = page;
    }
    return;
  }
}

function showAccount() {
  document.getElementById('account').textContent = wallet.account ? short(wallet.account, 4) : '';
  document.getElementById('connect').textContent = wallet.account ? 'Wallet connected' : 'Connect wallet';
}

onChange(showAccount);
document.getElementById('connect').addEventListener('click', () => guarded(async () => {
  await loadInfo();
  await connect(info.chain_id);
}));
window.addEventListener('hashchange', route);
route();
