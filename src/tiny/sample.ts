// Batched autoregressive sampling with a KV cache: temperature, top-p, stop token ids, max new tokens and
// one seed per sample. Each sample draws from its own generator, so its tokens depend only on its seed
// and prompt, never on which other samples share the batch. Samples of the same prompt share its
// prefill. Stop strings are handled by callers.
import { Rng } from '../core/rng.ts';
import type { GPT } from './gpt.ts';
import { KVCache, forwardCached, forwardSharingPrefill, type CacheItem } from './kv-cache.ts';

export interface SampleOptions {
  /** Prompt token ids per sample (each non-empty). */
  prompts: number[][];
  /** One seed per prompt. */
  seeds: number[];
  maxNewTokens: number;
  /** 0 = greedy; default 1. */
  temperature?: number;
  /** Nucleus sampling mass in (0, 1]; default 1 (off). */
  topP?: number;
  /** Generation stops when one of these is sampled (it is not included in `tokens`). */
  stopTokens?: number[];
  /**
   * Run each distinct prompt's prefill once and copy it to the other samples of that prompt (default
   * true; the samples are the same either way, and the benchmark compares both).
   */
  sharePrefill?: boolean;
}

export interface SampleResult {
  /** Generated token ids (prompt and stop token excluded). */
  tokens: number[];
  /** log p(token) under the model at temperature 1 (before top-p), one per generated token. */
  logprobs: number[];
  /**
   * log p(token) under the sampling policy (logits ÷ temperature, before top-p; 0 when greedy), one per
   * generated token and one more for the stop token when one was sampled: what an RL trainer takes as
   * the old policy's log-probs.
   */
  policyLogprobs: number[];
  /** 'stop': a stop token was sampled (see stopToken); 'length': maxNewTokens reached or prompt + tokens filled the context. */
  finishReason: 'stop' | 'length';
  stopToken?: number;
}

/** Sample continuations for a batch of prompts. */
export function sample(model: GPT, opts: SampleOptions): SampleResult[] {
  const { prompts, seeds, maxNewTokens } = opts;
  const temperature = opts.temperature ?? 1;
  const topP = opts.topP ?? 1;
  const stops = new Set(opts.stopTokens ?? []);
  const { ctx, vocab: V } = model.config;
  if (seeds.length !== prompts.length) {
    throw new Error(`sample: ${prompts.length} prompts but ${seeds.length} seeds`);
  }
  if (!(temperature >= 0)) throw new Error(`sample: temperature must be >= 0 (got ${temperature})`);
  if (!(topP > 0 && topP <= 1)) throw new Error(`sample: topP must be in (0, 1] (got ${topP})`);
  if (!(Number.isInteger(maxNewTokens) && maxNewTokens >= 0)) throw new Error('sample: bad maxNewTokens');
  prompts.forEach((p, i) => {
    if (p.length === 0) throw new Error(`sample: prompt ${i} is empty`);
    if (p.length >= ctx) throw new Error(`sample: prompt ${i} has ${p.length} tokens; context is ${ctx}`);
  });
  const results: SampleResult[] = prompts.map(() => ({
    tokens: [],
    logprobs: [],
    policyLogprobs: [],
    finishReason: 'length',
  }));
  if (maxNewTokens === 0 || prompts.length === 0) return results;
  const rngs = seeds.map((s) => new Rng(s));
  const cache = new KVCache(model, prompts.length);
  let active = prompts.map((_p, i) => i);
  let items: CacheItem[] = prompts.map((tokens, slot) => ({ slot, tokens }));
  const probs = new Float64Array(V);
  const order = new Int32Array(V);
  while (active.length > 0) {
    // Samples of the same prompt (an RL group, avg@k) share its prefill.
    const { logits, rows } =
      opts.sharePrefill === false
        ? { logits: forwardCached(model, cache, items), rows: items.map((_it, j) => j) }
        : forwardSharingPrefill(model, cache, items); // [distinct items, V]
    const next: number[] = [];
    active.forEach((s, j) => {
      const row = logits.subarray(rows[j] * V, (rows[j] + 1) * V);
      const { token, logprob, policyLogprob } = drawToken(row, temperature, topP, rngs[s], probs, order);
      const res = results[s];
      res.policyLogprobs.push(policyLogprob);
      if (stops.has(token)) {
        res.finishReason = 'stop';
        res.stopToken = token;
        return;
      }
      res.tokens.push(token);
      res.logprobs.push(logprob);
      // The sequence (prompt + generated) never exceeds ctx, so it can be scored by logprobs later.
      if (res.tokens.length < maxNewTokens && cache.len[s] + 1 < ctx) next.push(s);
    });
    active = next;
    items = active.map((s) => ({ slot: s, tokens: [results[s].tokens[results[s].tokens.length - 1]] }));
  }
  return results;
}

/**
 * Draws one token from a logits row: greedy at temperature 0, otherwise softmax(row ÷ T) within top-p,
 * with one random draw per token whatever the settings. Returns it with its log-probability at
 * temperature 1 and at `temperature`. `probs` and `order` are scratch buffers of the row's length.
 */
export function drawToken(
  row: Float32Array,
  temperature: number,
  topP: number,
  rng: Rng,
  probs: Float64Array,
  order: Int32Array,
): { token: number; logprob: number; policyLogprob: number } {
  const V = row.length;
  let max = -Infinity;
  let arg = 0;
  for (let j = 0; j < V; j++) {
    if (row[j] > max) {
      max = row[j];
      arg = j;
    }
  }
  let z1 = 0;
  for (let j = 0; j < V; j++) z1 += Math.exp(row[j] - max);
  const logZ = max + Math.log(z1);
  const u = rng.next(); // always one draw per token, so streams stay aligned across settings
  if (temperature === 0) return { token: arg, logprob: row[arg] - logZ, policyLogprob: 0 };
  let z = 0;
  for (let j = 0; j < V; j++) {
    probs[j] = Math.exp((row[j] - max) / temperature);
    z += probs[j];
  }
  let token = V - 1;
  if (topP < 1) {
    for (let j = 0; j < V; j++) order[j] = j;
    const sorted = Array.from(order.subarray(0, V)).sort((a, b) => probs[b] - probs[a] || a - b);
    let kept = 0;
    let n = 0;
    while (n < V && kept < topP * z) kept += probs[sorted[n++]];
    let acc = 0;
    const target = u * kept;
    token = sorted[n - 1];
    for (let j = 0; j < n; j++) {
      acc += probs[sorted[j]];
      if (target < acc) {
        token = sorted[j];
        break;
      }
    }
  } else {
    let acc = 0;
    const target = u * z;
    for (let j = 0; j < V; j++) {
      acc += probs[j];
      if (target < acc) {
        token = j;
        break;
      }
    }
  }
  return { token, logprob: row[token] - logZ, policyLogprob: (row[token] - max) / temperature - Math.log(z) };
}
