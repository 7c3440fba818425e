// Small DOM helpers: every text goes in as a text node, never as HTML.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces an element's children; arrays are flattened, null and false skipped. */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false)
    .map((c) => (c instanceof Node ? c : document.createTextNode(String(c)))));
  return el;
}

let fieldSeq = 0;
/** A labelled control: the label names it for people and screen readers. */
export function field(labelText, control) {
  if (!control.id) control.id = 'f' + (++fieldSeq);
  return h('label', { for: control.id }, labelText, control);
}

/** A labelled figure; `wei` (exact, for money) goes into data-wei and the tooltip. */
export function stat(label, value, id, wei) {
  return h('div', { class: 'stat' }, h('div', { class: 'label' }, label),
    h('div', { class: 'value', id, 'data-wei': wei, title: wei === undefined ? null : wei + ' wei' }, value));
}

export function table(headers, rows, opts = {}) {
  return h('div', { class: 'table-wrap' },
    h('table', { id: opts.id },
      h('thead', {}, h('tr', {}, headers.map(([text, cls]) => h('th', { class: cls, scope: 'col' }, text)))),
      h('tbody', {}, rows)));
}

const messageEl = () => document.getElementById('message');

/** Shows an error (or, with kind 'info', a notice) above the page. */
export function showMessage(text, kind = 'error') {
  const el = messageEl();
  el.textContent = text;
  el.className = 'message' + (kind === 'info' ? ' info' : '');
  el.hidden = false;
}

export function clearMessage() {
  const el = messageEl();
  el.hidden = true;
  el.textContent = '';
}

/** Runs an async action; its error becomes the page's message. */
export async function guarded(action) {
  try {
    clearMessage();
    return await action();
  } catch (e) {
    showMessage(e && e.message ? e.message : String(e));
    return undefined;
  }
}
