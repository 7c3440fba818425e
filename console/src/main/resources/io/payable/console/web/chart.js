// Two small SVG charts (bars per epoch, a loss line), drawn here rather than by a charting
// library: they are all the Console needs, and they keep the page free of npm packages.
const NS = 'http://www.w3.org/2000/svg';
function s(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Bars of BigInt-able values; labels under each bar; a title for screen readers. */
export function barChart(points, { title, format = String, height = 180 } = {}) {
  const W = 640, H = height, L = 8, B = 22, T = 18;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title || 'chart' });
  svg.append(s('title', {}, title || 'chart'));
  const values = points.map((p) => BigInt(p.value));
  const max = values.reduce((a, b) => (b > a ? b : a), 0n);
  const n = Math.max(points.length, 1);
  const slot = (W - L) / n;
  const bw = Math.max(2, Math.min(48, slot * 0.7));
  const longest = Math.max(1, ...points.map((p) => String(p.label).length));
  const half = longest * 3.4;
  const every = Math.max(1, Math.ceil((2 * half + 8) / slot));
  svg.append(s('line', { x1: L, y1: H - B, x2: W, y2: H - B, class: 'axis' }));
  points.forEach((p, i) => {
    const frac = max === 0n ? 0 : Number((values[i] * 10000n) / max) / 10000;
    const bh = Math.max(values[i] > 0n ? 1 : 0, frac * (H - B - T));
    const x = L + i * slot + (slot - bw) / 2;
    const bar = s('rect', { x, y: H - B - bh, width: bw, height: bh, fill: '#2f5bd3', rx: 2 });
    bar.append(s('title', {}, `${p.label}: ${format(p.value)}`));
    svg.append(bar);
    // Every `every`-th label, counted from the newest, so that labels never overlap; one near an
    // edge is anchored to it rather than cut off.
    if ((n - 1 - i) % every === 0) {
      const cx = x + bw / 2;
      const anchor = cx + half > W ? 'end' : cx - half < 0 ? 'start' : 'middle';
      svg.append(s('text', { x: anchor === 'end' ? W : anchor === 'start' ? 0 : cx, y: H - 6, 'text-anchor': anchor }, p.label));
    }
  });
  if (max > 0n) svg.append(s('text', { x: L, y: 12 }, 'max ' + format(max.toString())));
  return svg;
}

/** A line through (x, y) numbers, e.g. training loss per step. */
export function lineChart(points, { title, height = 200 } = {}) {
  const W = 640, H = height, L = 40, B = 22, T = 10, R = 10;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title || 'chart' });
  svg.append(s('title', {}, title || 'chart'));
  svg.append(s('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'axis' }));
  svg.append(s('line', { x1: L, y1: T, x2: L, y2: H - B, class: 'axis' }));
  if (points.length === 0) return svg;
  const xs = points.map((p) => p.x), ys = points.map((p) => p.y);
  const x0 = Math.min(...xs), x1 = Math.max(...xs, x0 + 1);
  const y0 = Math.min(...ys, 0), y1 = Math.max(...ys, y0 + 1e-9);
  const px = (x) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const py = (y) => H - B - ((y - y0) / (y1 - y0)) * (H - B - T);
  const d = points.map((p, i) => `${i ? 'L' : 'M'}${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ');
  svg.append(s('path', { d, fill: 'none', stroke: '#2f5bd3', 'stroke-width': 2 }));
  svg.append(s('text', { x: 2, y: T + 8 }, y1.toFixed(2)));
  svg.append(s('text', { x: 2, y: H - B }, y0.toFixed(2)));
  svg.append(s('text', { x: W - R, y: H - 6, 'text-anchor': 'end' }, `step ${x1}`));
  return svg;
}
