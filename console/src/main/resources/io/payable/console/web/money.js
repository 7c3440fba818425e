// Money is wei as decimal strings; BigInt keeps it exact. 1 OPEN = 10^18 wei.
const WEI = 10n ** 18n;

export function toBig(wei) {
  return BigInt(wei || '0');
}

/** "12.345678 OPEN" with up to `digits` decimals, truncated (never rounded up). */
export function open(wei, digits = 6) {
  const v = toBig(wei);
  const neg = v < 0n;
  const a = neg ? -v : v;
  const whole = a / WEI;
  let frac = (a % WEI).toString().padStart(18, '0').slice(0, digits).replace(/0+$/, '');
  if (!frac && a % WEI !== 0n) frac = '0'.repeat(digits - 1) + '…';
  return (neg ? '-' : '') + whole.toLocaleString('en-US') + (frac ? '.' + frac : '') + ' OPEN';
}

export function short(hex, n = 6) {
  if (!hex) return '';
  return hex.length > 2 * n + 4 ? hex.slice(0, n + 2) + '…' + hex.slice(-n) : hex;
}

/** Wei (a decimal string) of an amount of OPEN typed by a person: "1.5" -> "1500000000000000000". */
export function parseOpen(text) {
  const t = String(text || '').trim();
  const m = /^(\d*)(?:\.(\d{0,18}))?$/.exec(t);
  if (!t || !m || (m[1] === '' && !m[2])) throw new Error(`Not an amount of OPEN: "${t}" (e.g. 1.5; at most 18 decimals).`);
  return (BigInt(m[1] || '0') * WEI + BigInt((m[2] || '').padEnd(18, '0'))).toString();
}
