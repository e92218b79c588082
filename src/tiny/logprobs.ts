// Log-probabilities of given token sequences under a model, as RL needs them: a differentiable batch
// version (padded [B, L-1] tensors plus a mask, optionally with the policy entropy) for the training
// loss, and a fast no-grad version (KV-cache forward, no tape) for scoring with old weights.
import type { GPT } from './gpt.ts';
import { KVCache, forwardCached } from './kv-cache.ts';
import { mul, slice } from './ops-basic.ts';
import { entropy, tokenLogProbs } from './ops-nn.ts';
import { asScratch, type Tensor } from './tensor.ts';

export interface SequenceLogProbs {
  /** [B, L-1]: entry (b, t) is log p(seq_b[t+1] | seq_b[0..t]); padded entries are 0-weighted via mask. */
  logprobs: Tensor;
  /** [B, L-1] entropy of the next-token distribution at each position (when requested). */
  entropy?: Tensor;
  /** [B·(L-1)] 1 where (b, t) is a real prediction (t+1 < length of seq_b), else 0. */
  mask: Float32Array;
  /** L: the longest sequence length (sequences are right-padded to it). */
  length: number;
}

function pad(
  model: GPT,
  sequences: number[][],
): { tokens: Int32Array; targets: Int32Array; mask: Float32Array; L: number } {
  if (sequences.length === 0) throw new Error('sequenceLogProbs: no sequences');
  const L = Math.max(...sequences.map((s) => s.length));
  if (L < 2) throw new Error('sequenceLogProbs: sequences need at least 2 tokens');
  if (L > model.config.ctx)
    throw new Error(`sequenceLogProbs: length ${L} exceeds context ${model.config.ctx}`);
  const B = sequences.length;
  const tokens = new Int32Array(B * L);
  const targets = new Int32Array(B * L);
  const mask = new Float32Array(B * (L - 1));
  sequences.forEach((s, b) => {
    for (let t = 0; t < s.length; t++) tokens[b * L + t] = s[t];
    for (let t = 0; t + 1 < s.length; t++) {
      targets[b * L + t] = s[t + 1];
      mask[b * (L - 1) + t] = 1;
    }
  });
  return { tokens, targets, mask, L };
}

function checkTemperature(t: number): number {
  if (!(t > 0) || !Number.isFinite(t)) throw new Error(`log-probs: temperature must be > 0 (got ${t})`);
  return t;
}

/**
 * Differentiable log-probs (and optionally entropy) of each next token of each sequence, under the
 * model's distribution at `temperature` (logits ÷ T; default 1), the policy a sampler at T draws from.
 */
export function sequenceLogProbs(
  model: GPT,
  sequences: number[][],
  opts: { entropy?: boolean; temperature?: number } = {},
): SequenceLogProbs {
  const B = sequences.length;
  const T = checkTemperature(opts.temperature ?? 1);
  const { tokens, targets, mask, L } = pad(model, sequences);
  const raw = model.forward(tokens, B, L); // [B, L, V]
  const logits = T === 1 ? raw : mul(raw, 1 / T);
  const lp = slice(tokenLogProbs(logits, targets), 1, 0, L - 1); // [B, L-1]
  const out: SequenceLogProbs = { logprobs: lp, mask, length: L };
  if (opts.entropy) out.entropy = slice(entropy(logits), 1, 0, L - 1); // [B, L-1]
  return out;
}

export interface CompletionLogProbs {
  /** [N]: log p(seq_b[t+1] | seq_b[0..t]) for t = from[b] … len_b − 2, one sequence after another. */
  logprobs: Tensor;
  /** [N] entropy of the next-token distribution at the same positions (when requested). */
  entropy?: Tensor;
  /** Rows of each sequence in `logprobs` (len_b − 1 − from[b]). */
  counts: number[];
}

/**
 * Differentiable log-probs (and optionally entropy) of each sequence's tokens after position from[b]
 * (e.g. the completion after a prompt of from[b] + 1 tokens), at `temperature` (default 1). The same
 * values as `sequenceLogProbs` at those positions, with the output head, log-softmax and entropy run
 * on those rows alone.
 */
export function completionLogProbs(
  model: GPT,
  sequences: number[][],
  from: readonly number[],
  opts: { entropy?: boolean; temperature?: number } = {},
): CompletionLogProbs {
  const B = sequences.length;
  if (from.length !== B) throw new Error(`completionLogProbs: ${from.length} starts for ${B} sequences`);
  const T = checkTemperature(opts.temperature ?? 1);
  const { tokens, L } = pad(model, sequences);
  const counts = sequences.map((s, b) => {
    const n = s.length - 1 - from[b];
    if (!Number.isInteger(from[b]) || from[b] < 0 || n < 0)
      throw new Error(`completionLogProbs: start ${from[b]} is outside sequence ${b} of ${s.length} tokens`);
    return n;
  });
  const N = counts.reduce((a, n) => a + n, 0);
  const rows = new Int32Array(N);
  const targets = new Int32Array(N);
  let i = 0;
  sequences.forEach((s, b) => {
    for (let t = from[b]; t + 1 < s.length; t++, i++) {
      rows[i] = b * L + t;
      targets[i] = s[t + 1];
    }
  });
  // Both stay inside this function: backward may recycle their buffers once it has used them.
  const raw = asScratch(model.forward(tokens, B, L, { logitRows: rows })); // [N, V]
  const logits = T === 1 ? raw : asScratch(mul(raw, 1 / T));
  const out: CompletionLogProbs = { logprobs: tokenLogProbs(logits, targets), counts };
  if (opts.entropy) out.entropy = entropy(logits);
  return out;
}

/**
 * Fast no-grad log-probs: for each sequence, log p(seq[t+1] | seq[0..t]) for t = 0..len-2, at
 * `temperature` (default 1). Sequences are processed `batch` at a time.
 */
export function scoreLogProbs(
  model: GPT,
  sequences: number[][],
  opts: { batch?: number; temperature?: number } = {},
): Float32Array[] {
  const batch = opts.batch ?? 16;
  const inv = 1 / checkTemperature(opts.temperature ?? 1);
  const V = model.config.vocab;
  const out: Float32Array[] = [];
  for (let start = 0; start < sequences.length; start += batch) {
    const chunk = sequences.slice(start, start + batch);
    chunk.forEach((s, i) => {
      if (s.length < 1) throw new Error(`scoreLogProbs: sequence ${start + i} is empty`);
      if (s.length > model.config.ctx) {
        throw new Error(
          `scoreLogProbs: sequence ${start + i} has ${s.length} tokens; context is ${model.config.ctx}`,
        );
      }
    });
    const cache = new KVCache(model, chunk.length);
    const logits = forwardCached(
      model,
      cache,
      chunk.map((tokens, slot) => ({ slot, tokens })),
      { allLogits: true },
    ); // [Σ len, V]
    let row = 0;
    for (const s of chunk) {
      const lp = new Float32Array(s.length - 1);
      for (let t = 0; t < s.length; t++, row++) {
        if (t + 1 >= s.length) continue;
        const r = logits.subarray(row * V, (row + 1) * V);
        let max = -Infinity;
        for (let j = 0; j < V; j++) if (r[j] > max) max = r[j];
        let z = 0;
        for (let j = 0; j < V; j++) z += Math.exp((r[j] - max) * inv);
        lp[t] = (r[s[t + 1]] - max) * inv - Math.log(z);
      }
      out.push(lp);
    }
  }
  return out;
}
