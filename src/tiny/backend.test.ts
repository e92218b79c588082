// Backend selection: QED_BACKEND forces the fallback or rejects unknown values, and the native kernels
// (when built) give the same numbers as the TypeScript fallback on a full forward/backward pass.
import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { backendInfo, kernels, tryNativeKernels, useKernels } from './backend.ts';
import { createGPT } from './gpt.ts';
import { jsKernels } from './kernels-js.ts';
import type { Kernels } from './kernels.ts';
import { KVCache, forwardCached } from './kv-cache.ts';
import { crossEntropy } from './ops-nn.ts';

describe('backend selection', () => {
  it('rejects an unknown QED_BACKEND, and QED_BACKEND=js forces the fallback and says so', () => {
    process.env.QED_BACKEND = 'gpu';
    expect(() => kernels()).toThrow(/QED_BACKEND must be auto, native or js/);
    process.env.QED_BACKEND = 'js';
    expect(backendInfo()).toEqual({ name: 'js', fallbackReason: 'QED_BACKEND=js' });
    delete process.env.QED_BACKEND;
  });
});

function run(k: Kernels): { loss: number; grads: Float32Array[]; cached: Float32Array } {
  const prev = useKernels(k);
  try {
    // Large enough for threaded gemm and recycled buffers, small enough for the plain kernels.
    const cfg = { vocab: 50, ctx: 64, layers: 2, dModel: 64, heads: 4 };
    const m = createGPT(cfg, 3);
    const x = Int32Array.from({ length: 128 }, (_v, i) => (i * 11) % 50);
    const y = Int32Array.from({ length: 128 }, (_v, i) => (i * 7 + 3) % 50);
    // Row 1 packs two examples (30 + 34 tokens), so the attention start mask is compared too.
    const positions = Int32Array.from({ length: 128 }, (_v, i) => (i < 64 ? i : i < 94 ? i - 64 : i - 94));
    const loss = crossEntropy(m.forward(x, 2, 64, { positions }), y);
    loss.backward();
    const cached = forwardCached(m, new KVCache(m, 2), [
      { slot: 0, tokens: [1, 2, 3] },
      { slot: 1, tokens: [4, 5, 6, 7, 8] },
    ]);
    return { loss: loss.item(), grads: m.parameters().map((p) => p.grad!), cached };
  } finally {
    useKernels(prev);
  }
}

describe('native kernels', () => {
  const native = tryNativeKernels();

  // Shapes cover transposes, ragged tiles (not multiples of 8/32), K and N beyond one packed block,
  // strided operands, beta ≠ 0, and products large enough to run on several threads.
  it.skipIf(!native).each([
    [false, false, 37, 45, 300, 0],
    [true, false, 70, 33, 9, 1],
    [false, true, 129, 600, 65, 0.5],
    [true, true, 17, 31, 513, 0],
    [false, false, 520, 260, 40, 1],
    [false, true, 8, 2048, 256, 0],
    [true, false, 12, 1000, 200, 1],
  ])('gemm tA=%s tB=%s M=%i N=%i K=%i beta=%s matches the reference', (tA, tB, M, N, K, beta) => {
    const rng = new Rng(M * 7 + N);
    const fill = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
    const lda = (tA ? M : K) + 3;
    const ldb = (tB ? K : N) + 1;
    const A = fill((tA ? K : M) * lda);
    const B = fill((tB ? N : K) * ldb);
    const C0 = fill(M * (N + 2));
    const want = C0.slice();
    const got = C0.slice();
    jsKernels.gemm(tA, tB, M, N, K, 0.7, A, lda, B, ldb, beta, want, N + 2);
    native!.gemm(tA, tB, M, N, K, 0.7, A, lda, B, ldb, beta, got, N + 2);
    let maxDiff = 0;
    for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(want[i] - got[i]));
    expect(maxDiff).toBeLessThan(1e-3);
  });
  it.skipIf(!native)('match the TypeScript fallback within float32 tolerance', () => {
    const a = run(jsKernels);
    const b = run(native!);
    expect(b.loss).toBeCloseTo(a.loss, 5);
    a.grads.forEach((g, i) => {
      for (let j = 0; j < g.length; j++)
        expect(Math.abs(b.grads[i][j] - g[j])).toBeLessThan(1e-5 + 1e-3 * Math.abs(g[j]));
    });
    for (let j = 0; j < a.cached.length; j++) expect(Math.abs(b.cached[j] - a.cached[j])).toBeLessThan(1e-4);
  });

  // A gradient near 1e-22 makes the second moment subnormal (g² ≈ 1.6e-44). The native update once
  // took its square root from an approximate reciprocal and wrote NaN into the weights.
  it.skipIf(!native)("AdamW gives the fallback's update, also where the second moment is subnormal", () => {
    const rng = new Rng(5);
    const n = 70_000; // more than one thread's share
    const g = Float32Array.from({ length: n }, (_v, i) =>
      i % 3 === 0 ? -1.26e-22 : i % 3 === 1 ? 0 : rng.normal() * 1e-3,
    );
    const p = Float32Array.from({ length: n }, () => rng.normal() * 0.05);
    const m = Float32Array.from({ length: n }, (_v, i) => (i % 3 === 2 ? rng.normal() * 1e-4 : 0));
    const v = Float32Array.from({ length: n }, (_v, i) => (i % 3 === 2 ? 1e-7 : 0));
    const args = [1e-4, 0.9, 0.95, 1e-8, 0.01, 1 - 0.9 ** 3, 1 - 0.95 ** 3] as const;
    const [pa, ma, va] = [p.slice(), m.slice(), v.slice()];
    const [pb, mb, vb] = [p.slice(), m.slice(), v.slice()];
    jsKernels.adamw(pa, g, ma, va, ...args);
    native!.adamw(pb, g, mb, vb, ...args);
    expect(pb.every(Number.isFinite)).toBe(true);
    for (let j = 0; j < n; j++) {
      expect(Math.abs(pb[j] - pa[j])).toBeLessThanOrEqual(1e-6 * Math.abs(pa[j]));
      expect(Math.abs(mb[j] - ma[j])).toBeLessThanOrEqual(1e-6 * Math.abs(ma[j]));
      expect(Math.abs(vb[j] - va[j])).toBeLessThanOrEqual(1e-6 * Math.abs(va[j]));
    }
  });
});
