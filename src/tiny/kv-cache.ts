// Inference forward pass with a per-sequence KV cache (no autodiff): used by the sampler and by fast
// log-prob scoring. Each cache slot holds one sequence; tokens from many slots, at different positions,
// run through the model together so prefill of ragged prompts and batched decoding share one code path.
import { kernels } from './backend.ts';
import type { GPT } from './gpt.ts';
import { rotateQK } from './rope.ts';

export class KVCache {
  readonly slots: number;
  readonly ctx: number;
  /** Per layer: keys and values [slots, H, ctx, hd]. */
  readonly k: Float32Array[];
  readonly v: Float32Array[];
  /** Number of positions filled per slot. */
  readonly len: Int32Array;
  /** Per slot, the last k tokens appended, oldest first (models with k previous-token embeddings). */
  readonly recent: Int32Array;
  readonly prevTokens: number;
  readonly heads: number;
  readonly headDim: number;
  /** Scratch activations reused across calls (decoding allocates nothing per step once warm). */
  private scratch = new Map<string, Float32Array>();

  /** A reusable buffer of at least n floats, returned as an exact-length view. */
  buffer(key: string, n: number): Float32Array {
    let b = this.scratch.get(key);
    if (!b || b.length < n) {
      b = new Float32Array(n);
      this.scratch.set(key, b);
    }
    return b.subarray(0, n);
  }

  constructor(model: GPT, slots: number) {
    const { layers, ctx, dModel, heads } = model.config;
    this.slots = slots;
    this.heads = heads;
    this.headDim = dModel / heads;
    this.ctx = ctx;
    this.k = Array.from({ length: layers }, () => new Float32Array(slots * ctx * dModel));
    this.v = Array.from({ length: layers }, () => new Float32Array(slots * ctx * dModel));
    this.len = new Int32Array(slots);
    this.prevTokens = model.config.prevTokens ?? 0;
    this.recent = new Int32Array(slots * this.prevTokens);
  }

  /** Make slot `to` a copy of slot `from` (its keys and values so far, length and recent tokens). */
  copySlot(from: number, to: number): void {
    if (!(from >= 0 && from < this.slots && to >= 0 && to < this.slots))
      throw new Error(`KVCache.copySlot: slots ${from} → ${to} out of range (${this.slots} slots)`);
    const n = this.len[from];
    const { heads: H, headDim: hd, ctx } = this;
    for (const arr of [...this.k, ...this.v]) {
      for (let h = 0; h < H; h++) {
        const src = (from * H + h) * ctx * hd;
        arr.copyWithin((to * H + h) * ctx * hd, src, src + n * hd);
      }
    }
    this.len[to] = n;
    const K = this.prevTokens;
    this.recent.copyWithin(to * K, from * K, (from + 1) * K);
  }
}

/** Tokens to append to one slot. */
export interface CacheItem {
  slot: number;
  tokens: ArrayLike<number>;
}

/**
 * `forwardCached`, where items that start an empty slot with the same tokens as an earlier such item
 * (samples of one prompt) share its prefill: it runs once, and their slots copy its cache. Returns the
 * logits of the items that ran ([distinct, V]) and each item's row in them.
 */
export function forwardSharingPrefill(
  model: GPT,
  cache: KVCache,
  items: CacheItem[],
): { logits: Float32Array; rows: number[]; distinct: number } {
  const first = new Map<string, number>();
  const ran: CacheItem[] = [];
  const rows = items.map((it) => {
    const key = cache.len[it.slot] === 0 ? Array.prototype.join.call(it.tokens, ',') : null;
    const twin = key === null ? undefined : first.get(key);
    if (twin !== undefined) return twin;
    if (key !== null) first.set(key, ran.length);
    return ran.push(it) - 1;
  });
  const logits = forwardCached(model, cache, ran);
  items.forEach((it, j) => {
    if (ran[rows[j]] !== it) cache.copySlot(ran[rows[j]].slot, it.slot);
  });
  return { logits, rows, distinct: ran.length };
}

/**
 * Append each item's tokens to its slot and return logits: one row per item (its last token) → [items, V],
 * or with `allLogits` one row per token in item order → [ΣT, V].
 */
export function forwardCached(
  model: GPT,
  cache: KVCache,
  items: CacheItem[],
  opts: { allLogits?: boolean } = {},
): Float32Array {
  const { ctx, dModel: C, heads: H, vocab: V } = model.config;
  const hd = C / H;
  const eps = model.config.layerNormEps ?? 1e-5;
  const k = kernels();
  let N = 0;
  for (const it of items) N += it.tokens.length;
  const slot = new Int32Array(N);
  const pos = new Int32Array(N);
  const x = cache.buffer('x', N * C); // [N, C]
  const wpe = model.wpe?.data; // null with rotary positions, which enter at the attention instead
  const wprev = model.wprev?.data;
  const K = cache.prevTokens;
  let i = 0;
  for (const it of items) {
    if (!(it.slot >= 0 && it.slot < cache.slots))
      throw new Error(`forwardCached: slot ${it.slot} out of range`);
    if (it.tokens.length === 0) throw new Error(`forwardCached: no tokens for slot ${it.slot}`);
    if (cache.len[it.slot] + it.tokens.length > ctx) {
      throw new Error(`forwardCached: slot ${it.slot} would exceed the context of ${ctx} tokens`);
    }
    for (let t = 0; t < it.tokens.length; t++, i++) {
      const tok = it.tokens[t];
      if (!(Number.isInteger(tok) && tok >= 0 && tok < V))
        throw new Error(`forwardCached: token ${tok} out of range`);
      slot[i] = it.slot;
      pos[i] = cache.len[it.slot] + t;
      for (let c = 0; c < C; c++)
        x[i * C + c] = model.wte.data[tok * C + c] + (wpe ? wpe[pos[i] * C + c] : 0);
      for (let j = 1; wprev && j <= K; j++) {
        // The token j back: in this item, else among the slot's recent tokens, else none (row V).
        const back = pos[i] < j ? V : t >= j ? it.tokens[t - j] : cache.recent[it.slot * K + K - (j - t)];
        const row = ((j - 1) * (V + 1) + back) * C;
        for (let c = 0; c < C; c++) x[i * C + c] += wprev[row + c];
      }
    }
    if (K > 0) {
      const r = cache.recent.subarray(it.slot * K, (it.slot + 1) * K);
      for (let t = 0; t < it.tokens.length; t++) {
        r.copyWithin(0, 1);
        r[K - 1] = it.tokens[t];
      }
    }
    cache.len[it.slot] += it.tokens.length;
  }
  const h = cache.buffer('h', N * C);
  const mean = cache.buffer('mean', N);
  const rstd = cache.buffer('rstd', N);
  const qkv = cache.buffer('qkv', N * 3 * C);
  const att = cache.buffer('att', N * C);
  const fc = cache.buffer('fc', N * 4 * C);
  const act = cache.buffer('act', N * 4 * C);
  // out = inp·W + b (overwrite) or out += inp·W + b (accumulate, for the residual stream).
  const linear = (
    inp: Float32Array,
    W: Float32Array,
    b: Float32Array,
    out: Float32Array,
    n: number,
    acc: boolean,
  ) => {
    if (acc) for (let r = 0; r < N; r++) for (let j = 0; j < n; j++) out[r * n + j] += b[j];
    else k.fillRows(out, b, N, n);
    k.gemm(false, false, N, n, W.length / n, 1, inp, W.length / n, W, n, 1, out, n);
  };
  model.blocks.forEach((blk, l) => {
    k.layerNormFwd(x, blk.ln1g.data, blk.ln1b.data, h, mean, rstd, N, C, eps);
    linear(h, blk.attnW.data, blk.attnB.data, qkv, 3 * C, false); // [N, 3C]
    if (!model.wpe) rotateQK(qkv, pos, N, C, H, ctx);
    const kc = cache.k[l];
    const vc = cache.v[l];
    for (let r = 0; r < N; r++) {
      for (let hh = 0; hh < H; hh++) {
        const dst = ((slot[r] * H + hh) * ctx + pos[r]) * hd;
        const src = r * 3 * C + hh * hd;
        for (let d = 0; d < hd; d++) {
          kc[dst + d] = qkv[src + C + d];
          vc[dst + d] = qkv[src + 2 * C + d];
        }
      }
    }
    k.attnCached(qkv, kc, vc, slot, pos, att, N, H, hd, ctx); // [N, C]
    linear(att, blk.projW.data, blk.projB.data, x, C, true); // x += proj(att)
    k.layerNormFwd(x, blk.ln2g.data, blk.ln2b.data, h, mean, rstd, N, C, eps);
    linear(h, blk.fcW.data, blk.fcB.data, fc, 4 * C, false); // [N, 4C]
    k.geluFwd(fc, act);
    linear(act, blk.fcProjW.data, blk.fcProjB.data, x, C, true); // x += mlp
  });
  // Final LayerNorm and tied unembedding, only on the rows whose logits are wanted.
  let rows: Float32Array;
  let R: number;
  if (opts.allLogits) {
    rows = x;
    R = N;
  } else {
    R = items.length;
    rows = cache.buffer('rows', R * C);
    let end = 0;
    items.forEach((it, j) => {
      end += it.tokens.length;
      rows.set(x.subarray((end - 1) * C, end * C), j * C);
    });
  }
  const hf = cache.buffer('hf', R * C);
  k.layerNormFwd(rows, model.lnfG.data, model.lnfB.data, hf, mean, rstd, R, C, eps);
  const logits = new Float32Array(R * V);
  k.gemm(false, true, R, V, C, 1, hf, C, model.wte.data, C, 0, logits, V); // [R, V]
  return logits;
}
