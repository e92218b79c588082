// Differentiable neural-network ops backed by the active kernels (kernels.ts): matmul, linear, layernorm,
// GELU, embedding gather, fused causal attention, dropout, softmax / log-softmax, and the fused
// cross-entropy / token log-prob / entropy ops RL and SFT losses are built from.
import { kernels } from './backend.ts';
import { allocUninit, release } from './buffer-pool.ts';
import { Tensor, result, shapeError, sizeOf } from './tensor.ts';
import type { Rng } from '../core/rng.ts';

/**
 * a [..., M, K] · b [K, N] → [..., M, N]  (b shared across the batch), or with `transB` b is [N, K].
 * For a batched b [..., K, N] with the same leading dims, each batch is multiplied separately.
 */
export function matmul(a: Tensor, b: Tensor, opts: { transB?: boolean } = {}): Tensor {
  const tB = opts.transB ?? false;
  if (a.rank < 2 || b.rank < 2) shapeError('matmul', 'needs rank >= 2', a.shape, b.shape);
  const K = a.shape[a.rank - 1];
  const M = a.shape[a.rank - 2];
  const bK = tB ? b.shape[b.rank - 1] : b.shape[b.rank - 2];
  const N = tB ? b.shape[b.rank - 2] : b.shape[b.rank - 1];
  if (bK !== K) shapeError('matmul', `inner dimensions differ (${K} vs ${bK})`, a.shape, b.shape);
  const k = kernels();
  if (b.rank === 2) {
    const rows = a.size / K; // all of a's leading dims fold into M
    const shape = [...a.shape.slice(0, -1), N];
    const data = allocUninit(rows * N);
    k.gemm(false, tB, rows, N, K, 1, a.data, K, b.data, tB ? K : N, 0, data, N);
    const out = result(data, shape, [a, b], () => {
      const g = out.grad!;
      if (a.requiresGrad) k.gemm(false, !tB, rows, K, N, 1, g, N, b.data, tB ? K : N, 1, a.gradBuf(), K);
      if (b.requiresGrad) {
        if (tB) k.gemm(true, false, N, K, rows, 1, g, N, a.data, K, 1, b.gradBuf(), K);
        else k.gemm(true, false, K, N, rows, 1, a.data, K, g, N, 1, b.gradBuf(), N);
      }
    });
    return out;
  }
  const lead = a.shape.slice(0, -2);
  if (b.rank !== a.rank || b.shape.slice(0, -2).some((d, i) => d !== lead[i])) {
    shapeError('matmul', 'batched operands need the same leading dimensions', a.shape, b.shape);
  }
  const batch = sizeOf(lead);
  const data = new Float32Array(batch * M * N);
  const ldb = tB ? K : N;
  for (let i = 0; i < batch; i++) {
    k.gemm(
      false,
      tB,
      M,
      N,
      K,
      1,
      a.data.subarray(i * M * K),
      K,
      b.data.subarray(i * K * N),
      ldb,
      0,
      data.subarray(i * M * N),
      N,
    );
  }
  const out = result(data, [...lead, M, N], [a, b], () => {
    const g = out.grad!;
    for (let i = 0; i < batch; i++) {
      const gi = g.subarray(i * M * N);
      const ai = a.data.subarray(i * M * K);
      const bi = b.data.subarray(i * K * N);
      if (a.requiresGrad)
        k.gemm(false, !tB, M, K, N, 1, gi, N, bi, ldb, 1, a.gradBuf().subarray(i * M * K), K);
      if (b.requiresGrad) {
        const gb = b.gradBuf().subarray(i * K * N);
        if (tB) k.gemm(true, false, N, K, M, 1, gi, N, ai, K, 1, gb, K);
        else k.gemm(true, false, K, N, M, 1, ai, K, gi, N, 1, gb, N);
      }
    }
  });
  return out;
}

/** x [..., in] · W [in, out] + bias [out]  (HF Conv1D layout). */
export function linear(x: Tensor, W: Tensor, bias: Tensor | null): Tensor {
  if (W.rank !== 2 || x.shape[x.rank - 1] !== W.shape[0]) {
    shapeError('linear', 'x [..., in] needs W [in, out]', x.shape, W.shape);
  }
  if (!bias) return matmul(x, W);
  const [K, N] = W.shape;
  if (bias.rank !== 1 || bias.shape[0] !== N) shapeError('linear', 'bias must be [out]', W.shape, bias.shape);
  const rows = x.size / K;
  const data = allocUninit(rows * N);
  const k = kernels();
  k.fillRows(data, bias.data, rows, N); // then y = 1·x·W + 1·y
  k.gemm(false, false, rows, N, K, 1, x.data, K, W.data, N, 1, data, N);
  const out = result(data, [...x.shape.slice(0, -1), N], [x, W, bias], () => {
    const g = out.grad!; // [rows, N]
    if (x.requiresGrad) k.gemm(false, true, rows, K, N, 1, g, N, W.data, N, 1, x.gradBuf(), K);
    if (W.requiresGrad) k.gemm(true, false, K, N, rows, 1, x.data, K, g, N, 1, W.gradBuf(), N);
    if (bias.requiresGrad) k.gemm(false, false, 1, N, rows, 1, ones(rows), rows, g, N, 1, bias.gradBuf(), N);
  });
  return out;
}

let onesCache = new Float32Array(0);
function ones(n: number): Float32Array {
  if (onesCache.length < n) onesCache = new Float32Array(n).fill(1);
  return onesCache.subarray(0, n);
}

/** LayerNorm over the last dimension with weight g [C] and bias b [C]. */
export function layerNorm(x: Tensor, g: Tensor, b: Tensor, eps = 1e-5): Tensor {
  const C = x.shape[x.rank - 1];
  if (g.rank !== 1 || b.rank !== 1 || g.shape[0] !== C || b.shape[0] !== C) {
    shapeError('layerNorm', 'weight and bias must be [C] for x [..., C]', x.shape, g.shape, b.shape);
  }
  const rows = x.size / C;
  const data = allocUninit(x.size);
  const mean = new Float32Array(rows);
  const rstd = new Float32Array(rows);
  const k = kernels();
  k.layerNormFwd(x.data, g.data, b.data, data, mean, rstd, rows, C, eps);
  const out = result(data, x.shape, [x, g, b], () => {
    k.layerNormBwd(
      x.data,
      g.data,
      mean,
      rstd,
      out.grad!,
      x.requiresGrad ? x.gradBuf() : null,
      g.requiresGrad ? g.gradBuf() : null,
      b.requiresGrad ? b.gradBuf() : null,
      rows,
      C,
    );
  });
  return out;
}

/** GELU, tanh approximation (GPT-2's `gelu_new`). */
export function gelu(x: Tensor): Tensor {
  const data = allocUninit(x.size);
  const k = kernels();
  k.geluFwd(x.data, data);
  const out = result(data, x.shape, [x], () => k.geluBwd(x.data, out.grad!, x.gradBuf()));
  return out;
}

/** Rows of weight [V, C] picked by ids (values in [0, V)) → [...idsShape, C]. */
export function embedding(weight: Tensor, ids: Int32Array, idsShape: readonly number[]): Tensor {
  if (weight.rank !== 2) shapeError('embedding', 'weight must be [V, C]', weight.shape);
  if (sizeOf(idsShape) !== ids.length) {
    throw new Error(`embedding: ${ids.length} ids do not fill shape [${idsShape.join(', ')}]`);
  }
  const [V, C] = weight.shape;
  const data = allocUninit(ids.length * C);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!(id >= 0 && id < V)) throw new Error(`embedding: id ${id} at position ${i} out of range [0, ${V})`);
    data.set(weight.data.subarray(id * C, (id + 1) * C), i * C);
  }
  const out = result(data, [...idsShape, C], [weight], () => {
    const g = out.grad!;
    const gw = weight.gradBuf();
    for (let i = 0; i < ids.length; i++) {
      const o = ids[i] * C;
      for (let c = 0; c < C; c++) gw[o + c] += g[i * C + c];
    }
  });
  return out;
}

/**
 * Causal self-attention over a fused projection qkv [B, T, 3C] with H heads → [B, T, C]. `start` [B*T],
 * when given, is the first position each query may attend to (packed rows: where its example starts).
 */
export function causalAttention(qkv: Tensor, heads: number, start?: Int32Array): Tensor {
  if (qkv.rank !== 3 || qkv.shape[2] % (3 * heads) !== 0) {
    shapeError('causalAttention', `qkv must be [B, T, 3C] with C divisible by ${heads} heads`, qkv.shape);
  }
  const [B, T, C3] = qkv.shape;
  const C = C3 / 3;
  const hd = C / heads;
  const data = allocUninit(B * T * C);
  const probs = allocUninit(B * heads * T * T); // attnFwd writes every entry
  const k = kernels();
  if (start && start.length !== B * T)
    shapeError('causalAttention', `start must have B*T = ${B * T} entries, got ${start.length}`, qkv.shape);
  k.attnFwd(qkv.data, data, probs, B, T, heads, hd, start ?? null);
  const out = result(data, [B, T, C], [qkv], () => {
    k.attnBwd(qkv.data, probs, out.grad!, qkv.gradBuf(), B, T, heads, hd);
    release(probs); // only this closure held them
  });
  if (!out.requiresGrad) release(probs);
  return out;
}

/** Inverted dropout with probability p, seeded by rng; identity when p = 0. */
export function dropout(x: Tensor, p: number, rng: Rng): Tensor {
  if (!(p >= 0 && p < 1)) throw new Error(`dropout: p must be in [0, 1) (got ${p})`);
  if (p === 0) return x;
  const keep = new Float32Array(x.size);
  const scale = 1 / (1 - p);
  for (let i = 0; i < keep.length; i++) keep[i] = rng.next() >= p ? scale : 0;
  const data = new Float32Array(x.size);
  for (let i = 0; i < data.length; i++) data[i] = x.data[i] * keep[i];
  const out = result(data, x.shape, [x], () => {
    const g = out.grad!;
    const gx = x.gradBuf();
    for (let i = 0; i < g.length; i++) gx[i] += g[i] * keep[i];
  });
  return out;
}

/** log Σ exp over the last axis, per row. */
function rowLse(x: Tensor): Float32Array {
  const V = x.shape[x.rank - 1];
  const rows = x.size / V;
  const lse = new Float32Array(rows);
  kernels().logSumExp(x.data, lse, rows, V);
  return lse;
}

/** log-softmax over the last axis. */
export function logSoftmax(x: Tensor): Tensor {
  const V = x.shape[x.rank - 1];
  const rows = x.size / V;
  const lse = rowLse(x);
  const data = new Float32Array(x.size);
  for (let r = 0; r < rows; r++) for (let j = 0; j < V; j++) data[r * V + j] = x.data[r * V + j] - lse[r];
  const out = result(data, x.shape, [x], () => {
    const g = out.grad!;
    const gx = x.gradBuf();
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let j = 0; j < V; j++) s += g[r * V + j];
      for (let j = 0; j < V; j++) gx[r * V + j] += g[r * V + j] - Math.exp(data[r * V + j]) * s;
    }
  });
  return out;
}

/** softmax over the last axis. */
export function softmax(x: Tensor): Tensor {
  const V = x.shape[x.rank - 1];
  const rows = x.size / V;
  const lse = rowLse(x);
  const data = new Float32Array(x.size);
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < V; j++) data[r * V + j] = Math.exp(x.data[r * V + j] - lse[r]);
  const out = result(data, x.shape, [x], () => {
    const g = out.grad!;
    const gx = x.gradBuf();
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let j = 0; j < V; j++) s += g[r * V + j] * data[r * V + j];
      for (let j = 0; j < V; j++) gx[r * V + j] += data[r * V + j] * (g[r * V + j] - s);
    }
  });
  return out;
}

function checkTargets(op: string, logits: Tensor, targets: Int32Array, allowIgnore: number | null): number {
  const V = logits.shape[logits.rank - 1];
  const rows = logits.size / V;
  if (targets.length !== rows) {
    shapeError(op, `needs one target per row (${rows}), got ${targets.length}`, logits.shape, [
      targets.length,
    ]);
  }
  for (let r = 0; r < rows; r++) {
    const t = targets[r];
    if (t === allowIgnore) continue;
    if (!(t >= 0 && t < V)) throw new Error(`${op}: target ${t} at row ${r} out of range [0, ${V})`);
  }
  return V;
}

/**
 * log p(target) per row of logits [..., V] → [...] (differentiable). This is the "log-probs of given
 * tokens" op RL needs: targets[r] is the token whose probability row r predicts.
 */
export function tokenLogProbs(logits: Tensor, targets: Int32Array): Tensor {
  const V = checkTargets('tokenLogProbs', logits, targets, null);
  const rows = targets.length;
  const lse = rowLse(logits);
  const data = new Float32Array(rows);
  for (let r = 0; r < rows; r++) data[r] = logits.data[r * V + targets[r]] - lse[r];
  const out = result(data, logits.shape.slice(0, -1), [logits], () => {
    // d/dlogits of log p(t) = onehot(t) − softmax; xentBwd adds scale·(softmax − onehot) with scale = −g.
    const scale = new Float32Array(rows);
    for (let r = 0; r < rows; r++) scale[r] = -out.grad![r];
    kernels().xentBwd(logits.data, lse, targets, scale, logits.gradBuf(), rows, V);
  });
  return out;
}

export interface CrossEntropyOptions {
  /** Targets equal to this are ignored (no loss, no gradient). Default -100, like PyTorch. */
  ignoreIndex?: number;
  /** Per-row weights (e.g. a loss mask or per-token advantages), same length as targets. */
  weights?: Float32Array;
  /** 'mean' divides Σ w·nll by Σ w over non-ignored rows (default); 'sum'; 'none' gives per-row loss. */
  reduction?: 'mean' | 'sum' | 'none';
}

/** Fused softmax cross-entropy of logits [..., V] against integer targets. */
export function crossEntropy(logits: Tensor, targets: Int32Array, opts: CrossEntropyOptions = {}): Tensor {
  const ignore = opts.ignoreIndex ?? -100;
  const V = checkTargets('crossEntropy', logits, targets, ignore);
  const rows = targets.length;
  const w = opts.weights;
  if (w && w.length !== rows)
    shapeError('crossEntropy', 'weights need one value per target', [rows], [w.length]);
  const reduction = opts.reduction ?? 'mean';
  const lse = rowLse(logits);
  const nll = new Float32Array(rows);
  const rowW = new Float32Array(rows);
  let total = 0;
  let wsum = 0;
  for (let r = 0; r < rows; r++) {
    if (targets[r] === ignore) continue;
    rowW[r] = w ? w[r] : 1;
    nll[r] = lse[r] - logits.data[r * V + targets[r]];
    total += rowW[r] * nll[r];
    wsum += rowW[r];
  }
  const safeT = Int32Array.from(targets, (t) => (t === ignore ? -1 : t));
  if (reduction === 'none') {
    for (let r = 0; r < rows; r++) nll[r] *= rowW[r];
    const out = result(nll, logits.shape.slice(0, -1), [logits], () => {
      const scale = new Float32Array(rows);
      for (let r = 0; r < rows; r++) scale[r] = out.grad![r] * rowW[r];
      kernels().xentBwd(logits.data, lse, safeT, scale, logits.gradBuf(), rows, V);
    });
    return out;
  }
  const denom = reduction === 'mean' ? (wsum === 0 ? 1 : wsum) : 1;
  const out = result(Float32Array.of(total / denom), [], [logits], () => {
    const s = out.grad![0] / denom;
    const scale = new Float32Array(rows);
    for (let r = 0; r < rows; r++) scale[r] = s * rowW[r];
    kernels().xentBwd(logits.data, lse, safeT, scale, logits.gradBuf(), rows, V);
  });
  return out;
}

/** Entropy −Σ p log p of softmax(logits) per row of [..., V] → [...] (differentiable). */
export function entropy(logits: Tensor): Tensor {
  const V = logits.shape[logits.rank - 1];
  const rows = logits.size / V;
  const lse = rowLse(logits);
  const data = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let h = 0;
    for (let j = 0; j < V; j++) {
      const lp = logits.data[r * V + j] - lse[r];
      h -= Math.exp(lp) * lp;
    }
    data[r] = h;
  }
  const out = result(data, logits.shape.slice(0, -1), [logits], () => {
    // dH/dz_j = −p_j (log p_j + H)
    const g = out.grad!;
    const gx = logits.gradBuf();
    for (let r = 0; r < rows; r++) {
      if (g[r] === 0) continue;
      for (let j = 0; j < V; j++) {
        const lp = logits.data[r * V + j] - lse[r];
        gx[r * V + j] -= g[r] * Math.exp(lp) * (lp + data[r]);
      }
    }
  });
  return out;
}
