// Number formatting shared by the HTML and Markdown reports; null prints as an en dash.
export const dash = '–';

export function fixed(x: number | null, digits = 2): string {
  return x === null ? dash : x.toFixed(digits);
}

export function pct(x: number | null): string {
  return x === null ? dash : `${(100 * x).toFixed(1)}%`;
}

export function compact(x: number | null): string {
  if (x === null) return dash;
  if (Math.abs(x) >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (Math.abs(x) >= 1e4) return `${(x / 1e3).toFixed(1)}k`;
  return Number.isInteger(x) || Math.abs(x) >= 100 ? String(Math.round(x)) : x.toFixed(1);
}

export function dollars(x: number | null): string {
  if (x === null) return dash;
  return x === 0 ? '$0' : x < 0.01 ? `$${x.toPrecision(2)}` : `$${x.toFixed(2)}`;
}

export function meanWithCi(mean: number | null, low: number | null, high: number | null): string {
  if (mean === null) return dash;
  return low === null || high === null ? fixed(mean) : `${fixed(mean)} [${fixed(low)}, ${fixed(high)}]`;
}
