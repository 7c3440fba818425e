// ModelFactory without code: pick a base model and Datanets, a preset or your own
// hyperparameters, start, watch progress and the loss curve, cancel; when done the run's
// provenance (artifact and manifest hashes, training-set root, registration transaction) and a
// chat playground streaming from the worker. Talks to the ModelFactory API (/v1/trainings)
// through the Console's /api/trainings.
import { h, fill, field, stat, table, guarded, showMessage } from './dom.js';
import { api } from './api.js';
import { lineChart } from './chart.js';
import { open, short } from './money.js';

const PRESETS = {
  quick: { label: 'Quick (demo)', rank: 8, alpha: 16, lr: 0.001, steps: 100, batch: 4, grad_accum: 1, seq_len: 128 },
  balanced: { label: 'Balanced', rank: 16, alpha: 32, lr: 0.0005, steps: 300, batch: 8, grad_accum: 1, seq_len: 128 },
  thorough: { label: 'Thorough', rank: 32, alpha: 64, lr: 0.0002, steps: 1000, batch: 8, grad_accum: 2, seq_len: 256 },
};
const FINISHED = ['completed', 'failed', 'cancelled'];

function lossPoints(curve) {
  return (curve || []).map((p) => ({ x: p.step, y: p.loss }));
}

export async function modelsPage({ info, setPage, poll, trainingId }) {
  if (!info.model_factory) {
    setPage('ModelFactory',
      h('p', {}, 'No ModelFactory service is configured for this Console.'),
      h('p', { class: 'muted' }, 'Start the Console with --model-factory-url pointing at the ModelFactory HTTP API (payable models api) to train adapters here.'),
      info.worker ? chatCard() : null);
    return;
  }
  if (trainingId) return trainingPage(decodeURIComponent(trainingId), setPage, poll, info);
  const datanets = await api.get('/api/datanets');
  const listed = await api.get('/api/trainings').catch((e) => { showMessage(e.message); return { data: [] }; });
  const trainings = (listed && listed.data) || [];
  const base = h('input', { name: 'base', required: true, placeholder: 'a base model directory of the ModelFactory server' });
  const name = h('input', { name: 'name', placeholder: 'adapter name (optional)' });
  const preset = h('select', { name: 'preset' }, Object.entries(PRESETS).map(([k, p]) => h('option', { value: k }, p.label)));
  const inputs = {};
  const advanced = h('details', {}, h('summary', {}, 'Advanced hyperparameters'),
    h('div', { class: 'row' }, Object.entries({ rank: 'LoRA rank', alpha: 'LoRA alpha', lr: 'Learning rate', steps: 'Steps',
      batch: 'Batch size', grad_accum: 'Gradient accumulation', seq_len: 'Sequence length', seed: 'Seed',
      eval_fraction: 'Eval fraction' }).map(([k, label]) => {
      inputs[k] = h('input', { name: k, type: 'number', step: 'any', min: '0' });
      return field(label, inputs[k]);
    })));
  const applyPreset = () => {
    const p = PRESETS[preset.value];
    Object.keys(p).forEach((k) => { if (inputs[k]) inputs[k].value = p[k]; });
    if (!inputs.seed.value) inputs.seed.value = 42;
    if (!inputs.eval_fraction.value) inputs.eval_fraction.value = 0.1;
  };
  preset.addEventListener('change', applyPreset);
  applyPreset();
  const picks = datanets.map((d) => h('label', { class: 'row', style: 'font-weight: 400' },
    h('input', { type: 'checkbox', name: 'datanet', value: d.id, style: 'width: auto' }),
    `${d.name}: ${d.contributions} contribution${d.contributions === 1 ? '' : 's'}, ${d.tokens.toLocaleString('en-US')} tokens, licence ${d.licenses.join(', ') || 'none declared'}`));
  const form = h('form', { class: 'card', id: 'training-form', onsubmit: (e) => { e.preventDefault(); guarded(async () => {
    const chosen = picks.map((l) => l.querySelector('input')).filter((c) => c.checked).map((c) => c.value);
    if (chosen.length === 0) throw new Error('Pick at least one Datanet to train on.');
    const body = { base: base.value.trim(), datanets: chosen };
    if (name.value.trim()) body.name = name.value.trim();
    Object.entries(inputs).forEach(([k, el]) => { if (el.value !== '') body[k] = Number(el.value); });
    const t = await api.post('/api/trainings', body);
    location.hash = `#/models/${encodeURIComponent(t.id)}`;
  }); } },
  field('Base model', base), field('Adapter name', name),
  h('fieldset', {}, h('legend', {}, 'Datanets to train on'), picks),
  field('Preset', preset), advanced, h('div', {}, h('button', { type: 'submit', id: 'start-training' }, 'Start training')));
  const rows = trainings.slice().reverse().map((t) => h('tr', {},
    h('td', {}, h('a', { href: `#/models/${encodeURIComponent(t.id)}` }, t.id)),
    h('td', {}, t.status), h('td', { class: 'num' }, `${t.step} / ${t.total_steps}`),
    h('td', { class: 'num' }, t.loss === null || t.loss === undefined ? '—' : Number(t.loss).toFixed(4))));
  setPage('ModelFactory', h('p', { class: 'muted' }, 'Fine-tune a LoRA adapter on Datanets, with its exact dataset pinned and its provenance on chain.'),
    form, h('h2', {}, 'Trainings'),
    trainings.length ? table([['Run'], ['Status'], ['Step', 'num'], ['Loss', 'num']], rows, { id: 'trainings' }) : h('p', {}, 'No training yet.'),
    info.worker ? chatCard() : null);
}

async function trainingPage(id, setPage, poll, info) {
  const box = h('div', { id: 'training' });
  setPage('Training ' + id, box);
  // Made once the run completes and kept across renders: the publish outcome and the chat.
  let publishCard = null;
  let chatBox = null;
  const render = async () => {
    const t = await api.get(`/api/trainings/${encodeURIComponent(id)}`);
    const finished = FINISHED.includes(t.status);
    const r = t.result;
    if (r && !publishCard) {
      publishCard = publishBox(id, r.adapter_name);
      chatBox = info.worker ? chatCard(r.adapter_name) : null;
    }
    fill(box,
      h('div', { class: 'stats' }, stat('Status', t.status.replace('_', ' '), 'training-status'),
        stat('Step', `${t.step} / ${t.total_steps}`, 'training-step'),
        stat('Loss', t.loss === null ? '—' : Number(t.loss).toFixed(4)),
        stat('Tokens/s', t.tokens_per_second ? Math.round(t.tokens_per_second) : '—'),
        stat('ETA', t.eta_seconds === null || finished ? '—' : `${t.eta_seconds} s`)),
      t.error ? h('p', { class: 'message' }, `${t.error.code}: ${t.error.message}`) : null,
      h('h2', {}, 'Loss'),
      h('div', { class: 'card chart', id: 'loss-chart', 'data-points': (t.loss_curve || []).length },
        lineChart(lossPoints(t.loss_curve), { title: 'training loss per step' })),
      finished ? null : h('button', { type: 'button', class: 'secondary', id: 'cancel-training',
        onclick: () => guarded(async () => { await api.del(`/api/trainings/${encodeURIComponent(id)}`); await render(); }) }, 'Cancel training'),
      r ? [h('h2', {}, 'Provenance'),
        h('div', { class: 'card', id: 'manifest' },
          h('p', {}, 'Adapter ', h('strong', {}, r.adapter_name), ' (registry key ', h('span', { class: 'mono' }, r.registry_key), ')'),
          h('p', {}, 'Artifact SHA-256 ', h('span', { class: 'mono' }, r.artifact_sha256)),
          h('p', {}, 'Manifest SHA-256 ', h('span', { class: 'mono' }, r.manifest_sha256)),
          h('p', {}, `Training set: ${r.training_set_count} contribution${r.training_set_count === 1 ? '' : 's'}, Merkle root `, h('span', { class: 'mono' }, r.training_set_root)),
          h('p', {}, 'Registered in ModelRegistry in transaction ', h('span', { class: 'mono' }, r.tx_hash)),
          h('p', { class: 'muted' }, 'Anyone can check it with ', h('code', {}, `payable models verify ${r.adapter_name}`), '.')),
        h('h2', {}, 'Publish'), publishCard] : null,
      chatBox);
    return !finished;
  };
  await render();
  poll(async () => render().catch((e) => { showMessage(e.message); return true; }), 1000);
}

/** Publish: the ModelFactory server copies the adapter to the workers' store and loads it. */
function publishBox(id, adapter) {
  const status = h('p', { id: 'publish-status', role: 'status' });
  const button = h('button', { type: 'button', id: 'publish' }, 'Publish to the workers');
  button.addEventListener('click', () => guarded(async () => {
    button.disabled = true;
    fill(status, 'Publishing…');
    try {
      const p = await api.post(`/api/trainings/${encodeURIComponent(id)}/publish`, {});
      const on = p.loaded_on.length ? `loaded on ${p.loaded_on.join(', ')}` : 'stored (no worker to load it on)';
      fill(status, h('span', { class: 'badge ok', 'data-published': p.adapter_name }, 'published'), ` ${p.adapter_name} ${on}.`);
    } catch (e) {
      fill(status, '');
      button.disabled = false;
      throw e;
    }
  }));
  return h('div', { class: 'card', id: 'publish-card' },
    h('p', {}, 'Publish ', h('strong', {}, adapter), ' to the workers: they serve it at once, no restart (as ',
      h('code', {}, 'payable models publish'), ' does).'),
    h('div', {}, button), status);
}

/**
 * A chat playground streaming (SSE) from the worker through the Console; each finished answer can
 * be traced: the Console looks for the attributed event whose output is that text.
 */
export function chatCard(adapter) {
  const model = h('input', { name: 'model', value: adapter || '', placeholder: 'adapter id' });
  const prompt = h('textarea', { name: 'prompt', placeholder: 'Ask the adapter something' });
  const temperature = h('input', { name: 'temperature', type: 'number', min: '0', max: '2', step: '0.1', value: '0.7' });
  const maxTokens = h('input', { name: 'max_tokens', type: 'number', min: '1', max: '512', step: '1', value: '48' });
  const log = h('div', { class: 'chat', id: 'chat-log', 'aria-live': 'polite' });
  const form = h('form', { class: 'card', id: 'chat', onsubmit: (e) => { e.preventDefault(); guarded(async () => {
    const answer = h('div', { class: 'msg', 'data-answer': 'streaming' });
    const text = h('span', {});
    answer.append(text);
    log.append(h('div', { class: 'msg user' }, prompt.value), answer);
    const r = await fetch('/api/chat', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: model.value, messages: [{ role: 'user', content: prompt.value }],
        max_tokens: Number(maxTokens.value) || 48, temperature: Number(temperature.value) }) });
    if (!r.ok) {
      const j = await r.json().catch(() => ({}));
      const err = j.error && typeof j.error === 'object' ? j.error.message : j.error;
      answer.remove();
      throw new Error(err || r.statusText);
    }
    // Tokens show as they arrive; data-chunks counts the chunks with text, data-reads the network
    // reads that grew the text (more than one: it streamed). The last chunk carries the charge.
    const reader = r.body.getReader(); const dec = new TextDecoder(); let buf = ''; let full = ''; let eventId = null;
    let chunks = 0; let reads = 0; let charge = null; let failure = null;
    for (;;) {
      const { value, done } = await reader.read(); if (done) break;
      buf += dec.decode(value, { stream: true });
      const before = full.length;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim(); buf = buf.slice(nl + 1);
        if (!line.startsWith('data:')) continue;
        const data = line.slice(5).trim(); if (data === '[DONE]') continue;
        let j;
        try { j = JSON.parse(data); } catch (x) { continue; /* not an event */ }
        if (j.error) { failure = typeof j.error === 'object' ? j.error.message : j.error; continue; }
        // The worker's completion id is the id of the inference event it meters.
        if (j.id) eventId = j.id;
        if (j.payable) charge = { payable: j.payable, usage: j.usage || {} };
        const d = j.choices && j.choices[0] && (j.choices[0].delta || {}).content;
        if (d) { full += d; text.append(d); chunks += 1; }
      }
      if (full.length > before) reads += 1;
      answer.setAttribute('data-chunks', String(chunks));
      answer.setAttribute('data-reads', String(reads));
    }
    if (failure) {
      answer.setAttribute('data-answer', 'failed');
      throw new Error(failure);
    }
    answer.setAttribute('data-answer', 'done');
    if (charge) {
      const p = charge.payable;
      answer.append(h('div', { class: 'charge', 'data-fee-wei': p.fee_wei, 'data-event': p.event_id || '' },
        `Charged ${open(p.fee_wei, 18)} for ${charge.usage.completion_tokens ?? '?'} tokens`
        + (p.consumer ? ` to ${short(p.consumer)}` : '') + '.'));
    }
    answer.append(h('div', {}, traceButton(eventId, full)));
  }); } }, field('Adapter', model), field('Message', prompt),
  h('div', { class: 'row' }, field('Temperature', temperature), field('Max tokens', maxTokens)),
  h('div', {}, h('button', { type: 'submit' }, 'Send')), log);
  return [h('h2', {}, 'Chat playground'), form];
}

/**
 * Opens the trace of an answer once attribution has recorded it (a few seconds): by the event id
 * the worker streamed, or else by the answer's text.
 */
function traceButton(eventId, output) {
  const b = h('button', { type: 'button', class: 'secondary trace-answer' }, 'Trace this answer');
  const find = async () => {
    if (eventId) {
      try {
        await api.get(`/api/attributions/${encodeURIComponent(eventId)}`);
        return eventId;
      } catch (e) {
        return null;
      }
    }
    const r = await api.post('/api/trace', { output });
    return r.event_ids.length > 0 ? r.event_ids[0] : null;
  };
  b.addEventListener('click', () => guarded(async () => {
    b.disabled = true;
    const deadline = Date.now() + 90000;
    try {
      for (;;) {
        const id = await find();
        if (id) {
          location.hash = `#/trace/${encodeURIComponent(id)}`;
          return;
        }
        if (Date.now() > deadline) throw new Error('This answer has not been attributed yet; try again in a minute.');
        b.textContent = 'Waiting for its attribution…';
        await new Promise((ok) => setTimeout(ok, 2000));
      }
    } finally {
      b.disabled = false;
      b.textContent = 'Trace this answer';
    }
  }));
  return b;
}
