// Finite-difference gradient checks for every differentiable op, on the plain TypeScript kernels and (when
// built) on the native kernels. Loss = Σ out·w with fixed random w; central differences, float64 sums.
import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { tryNativeKernels, useKernels } from './backend.ts';
import { jsKernels } from './kernels-js.ts';
import type { Kernels } from './kernels.ts';
import * as B from './ops-basic.ts';
import * as N from './ops-nn.ts';
import { rope } from './rope.ts';
import { Tensor } from './tensor.ts';

function rand(shape: number[], seed: number, scale = 1, offset = 0): Tensor {
  const rng = new Rng(seed);
  const t = Tensor.zeros(shape, true);
  for (let i = 0; i < t.size; i++) t.data[i] = offset + scale * rng.normal();
  return t;
}

function weightedSum(out: Tensor, w: Float64Array): number {
  let s = 0;
  for (let i = 0; i < out.size; i++) s += out.data[i] * w[i];
  return s;
}

/** Compare analytic and numeric gradients of Σ f(inputs)·w for each input (up to 24 elements each). */
// Two rows of 5 holding examples of 3 + 2 and 1 + 4 tokens: positions restart at each example.
const PACKED_POS = Int32Array.from([0, 1, 2, 0, 1, 0, 0, 1, 2, 3]);
const PACKED_START = Int32Array.from([0, 0, 0, 3, 3, 0, 1, 1, 1, 1]);

function check(f: (xs: Tensor[]) => Tensor, inputs: Tensor[], eps = 1e-2, tol = 2e-2): void {
  const out = f(inputs);
  const rng = new Rng(99);
  const w = new Float64Array(out.size).map(() => rng.normal());
  for (const x of inputs) x.zeroGrad();
  out.backward(Float32Array.from(w));
  inputs.forEach((x, k) => {
    if (!x.requiresGrad) return;
    const g = x.grad ?? new Float32Array(x.size);
    const idx =
      x.size <= 24 ? [...Array(x.size).keys()] : Array.from({ length: 24 }, () => rng.int(0, x.size - 1));
    for (const i of idx) {
      const v = x.data[i];
      x.data[i] = v + eps;
      const up = weightedSum(f(inputs), w);
      x.data[i] = v - eps;
      const down = weightedSum(f(inputs), w);
      x.data[i] = v;
      const num = (up - down) / (2 * eps);
      const diff = Math.abs(num - g[i]);
      if (diff > tol * (1 + Math.abs(num))) {
        throw new Error(`input ${k} element ${i}: analytic ${g[i]} vs numeric ${num}`);
      }
    }
  });
}

const targets = Int32Array.from([3, 0, 4, 1, 2, 4]);
const cases: Array<[string, () => void]> = [
  ['add (broadcast)', () => check(([a, b]) => B.add(a, b), [rand([2, 3, 4], 1), rand([4], 2)])],
  ['sub', () => check(([a, b]) => B.sub(a, b), [rand([3, 4], 1), rand([3, 1], 2)])],
  ['mul (broadcast)', () => check(([a, b]) => B.mul(a, b), [rand([2, 3], 1), rand([2, 1], 2)])],
  ['div', () => check(([a, b]) => B.div(a, b), [rand([2, 3], 1), rand([2, 3], 2, 0.2, 2)])],
  ['minimum', () => check(([a, b]) => B.minimum(a, b), [rand([10], 1), rand([10], 2)])],
  ['maximum', () => check(([a, b]) => B.maximum(a, b), [rand([10], 1), rand([10], 2)])],
  ['exp', () => check(([a]) => B.exp(a), [rand([6], 1)])],
  ['log', () => check(([a]) => B.log(a), [rand([6], 1, 0.2, 2)])],
  ['neg', () => check(([a]) => B.neg(a), [rand([6], 1)])],
  [
    'clamp',
    () => check(([a]) => B.clamp(a, -0.5, 0.5), [Tensor.from([-1.2, -0.3, 0.1, 0.8, 1.5, -0.9], [6], true)]),
  ],
  [
    'where',
    () =>
      check(
        ([a, b]) => B.where(Tensor.from([1, 0, 1, 0, 0, 1], [2, 3]), a, b),
        [rand([2, 3], 1), rand([2, 3], 2)],
      ),
  ],
  ['sum all', () => check(([a]) => B.sum(a), [rand([3, 4], 1)])],
  ['sum axis', () => check(([a]) => B.sum(a, 1), [rand([2, 3, 4], 1)])],
  ['mean axis', () => check(([a]) => B.mean(a, -1), [rand([2, 3, 4], 1)])],
  ['reshape', () => check(([a]) => B.mul(B.reshape(a, [4, -1]), rand([4, 6], 5, 1)), [rand([2, 3, 4], 1)])],
  ['transpose', () => check(([a]) => B.transpose(a, 0, 2), [rand([2, 3, 4], 1)])],
  ['slice', () => check(([a]) => B.slice(a, 1, 1, 3), [rand([2, 4, 3], 1)])],
  ['concat', () => check(([a, b]) => B.concat([a, b], 1), [rand([2, 2, 3], 1), rand([2, 1, 3], 2)])],
  ['matmul 2d', () => check(([a, b]) => N.matmul(a, b), [rand([2, 3, 5], 1), rand([5, 4], 2)])],
  [
    'matmul transB',
    () => check(([a, b]) => N.matmul(a, b, { transB: true }), [rand([3, 5], 1), rand([4, 5], 2)]),
  ],
  ['matmul batched', () => check(([a, b]) => N.matmul(a, b), [rand([2, 3, 5], 1), rand([2, 5, 4], 2)])],
  [
    'linear',
    () => check(([x, w, b]) => N.linear(x, w, b), [rand([2, 3, 5], 1), rand([5, 4], 2), rand([4], 3)]),
  ],
  [
    'layerNorm',
    () => check(([x, g, b]) => N.layerNorm(x, g, b), [rand([3, 8], 1), rand([8], 2, 0.5, 1), rand([8], 3)]),
  ],
  ['gelu', () => check(([x]) => N.gelu(x), [rand([3, 7], 1, 2)])],
  [
    'embedding',
    () => check(([w]) => N.embedding(w, Int32Array.from([2, 0, 2, 1]), [2, 2]), [rand([3, 4], 1)]),
  ],
  ['causalAttention', () => check(([q]) => N.causalAttention(q, 2), [rand([2, 5, 12], 1)])],
  [
    'causalAttention, packed rows',
    () => check(([q]) => N.causalAttention(q, 2, PACKED_START), [rand([2, 5, 12], 1)]),
  ],
  [
    'rope',
    () =>
      check(([q]) => rope(q, 2, 8, Int32Array.from([0, 1, 2, 3, 4, 0, 1, 2, 3, 4])), [rand([2, 5, 12], 1)]),
  ],
  ['rope, packed rows', () => check(([q]) => rope(q, 2, 8, PACKED_POS), [rand([2, 5, 12], 1)])],
  ['softmax', () => check(([x]) => N.softmax(x), [rand([3, 5], 1)])],
  ['logSoftmax', () => check(([x]) => N.logSoftmax(x), [rand([3, 5], 1)])],
  ['tokenLogProbs', () => check(([x]) => N.tokenLogProbs(x, targets), [rand([2, 3, 5], 1)])],
  ['entropy', () => check(([x]) => N.entropy(x), [rand([2, 3, 5], 1)])],
  [
    'crossEntropy mean, ignore + weights',
    () =>
      check(
        ([x]) =>
          N.crossEntropy(x, Int32Array.from([3, -100, 4, 1, 2, -100]), {
            weights: Float32Array.from([1, 5, 0.5, 2, 1, 1]),
          }),
        [rand([6, 5], 1)],
      ),
  ],
  [
    'crossEntropy none',
    () => check(([x]) => N.crossEntropy(x, targets, { reduction: 'none' }), [rand([6, 5], 1)]),
  ],
  [
    'crossEntropy sum',
    () => check(([x]) => N.crossEntropy(x, targets, { reduction: 'sum' }), [rand([6, 5], 1)]),
  ],
  ['dropout', () => check(([x]) => N.dropout(x, 0.3, new Rng(5)), [rand([20], 1)])],
];

const backends: Array<[string, Kernels | null]> = [
  ['js', jsKernels],
  ['native', tryNativeKernels()],
];

describe.each(backends)('gradients match finite differences (%s kernels)', (_name, k) => {
  it.skipIf(!k).each(cases)('%s', (_label, run) => {
    const prev = useKernels(k!);
    try {
      run();
    } finally {
      useKernels(prev);
    }
  });
});

describe('shape errors name the op and shapes', () => {
  it.each([
    [() => N.matmul(rand([2, 3], 1), rand([4, 5], 2)), /matmul: inner dimensions differ.*\[2, 3\], \[4, 5\]/],
    [() => B.add(rand([2, 3], 1), rand([4], 2)), /add: shapes do not broadcast.*\[2, 3\], \[4\]/],
    [() => N.layerNorm(rand([2, 3], 1), rand([4], 2), rand([4], 3)), /layerNorm: .*\[2, 3\], \[4\]/],
    [() => N.causalAttention(rand([2, 3, 10], 1), 4), /causalAttention: .*\[2, 3, 10\]/],
    [() => B.reshape(rand([2, 3], 1), [4, 2]), /reshape: cannot reshape 6 elements/],
    [
      () => N.crossEntropy(rand([3, 5], 1), Int32Array.from([1, 2])),
      /crossEntropy: needs one target per row/,
    ],
    [() => N.crossEntropy(rand([2, 5], 1), Int32Array.from([1, 7])), /target 7 at row 1 out of range/],
    [
      () => N.embedding(rand([3, 4], 1), Int32Array.from([3]), [1]),
      /embedding: id 3 at position 0 out of range/,
    ],
    [() => B.slice(rand([2, 3], 1), 1, 2, 5), /slice: range 2:5 out of bounds/],
  ])('%#', (fn, msg) => {
    expect(fn).toThrow(msg);
  });
});
