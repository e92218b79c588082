// Per-model prices in US dollars per million tokens, used to turn token usage into cost. Configs can
// override or add entries; a model with no entry costs 0 and is reported as unpriced, never hidden.
export interface Price {
  /** $ per million prompt tokens. */
  input: number;
  /** $ per million completion tokens (reasoning tokens included, as servers bill them). */
  output: number;
}

/** List prices as published by the vendors (2025–2026); self-hosted open models cost 0. */
export const DEFAULT_PRICES: Record<string, Price> = {
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  o3: { input: 2, output: 8 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'gemini-3-pro-preview': { input: 2, output: 12 },
  'gemini-2.5-pro': { input: 1.25, output: 10 },
  'gemini-2.5-flash': { input: 0.3, output: 2.5 },
  'openai/gpt-oss-20b': { input: 0, output: 0 },
  'openai/gpt-oss-120b': { input: 0, output: 0 },
  'lm-provers/QED-Nano': { input: 0, output: 0 },
  'mock-prover': { input: 0, output: 0 },
};

export type PriceTable = Record<string, Price>;

/** Exact name first, then the name without a vendor prefix (`openai/gpt-4o` → `gpt-4o`). */
export function priceOf(table: PriceTable, model: string): Price | undefined {
  return table[model] ?? table[model.slice(model.indexOf('/') + 1)];
}

export function costOf(price: Price | undefined, promptTokens: number, completionTokens: number): number {
  if (!price) return 0;
  return (promptTokens * price.input + completionTokens * price.output) / 1e6;
}
