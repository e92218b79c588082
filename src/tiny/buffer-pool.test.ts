import { afterEach, describe, expect, it } from 'vitest';
import {
  allocUninit,
  allocZeroed,
  poolStats,
  release,
  scratchScope,
  setBufferPool,
  sizeClass,
} from './buffer-pool.ts';
import { crossEntropy } from './ops-nn.ts';
import { createGPT } from './gpt.ts';
import { AdamW } from './optim.ts';
import { noGrad } from './tensor.ts';

afterEach(() => {
  setBufferPool(true);
});

describe('buffer pool', () => {
  it('rounds a length up to an eighth of its power of two', () => {
    expect(sizeClass(1)).toBe(1);
    expect(sizeClass(65536)).toBe(65536);
    expect(sizeClass(65537)).toBe(73728);
    for (const n of [16384, 20000, 99999, 1_000_003]) {
      expect(sizeClass(n)).toBeGreaterThanOrEqual(n);
      expect(sizeClass(n)).toBeLessThanOrEqual(n * 1.125);
      expect(sizeClass(sizeClass(n))).toBe(sizeClass(n));
    }
  });

  it('serves a shorter request of the same class from a released buffer, zeroed when asked', () => {
    setBufferPool(false);
    setBufferPool(true);
    const a = allocUninit(70_000);
    a.fill(3);
    release(a);
    const before = poolStats();
    const b = allocZeroed(69_000); // same class as 70,000
    expect(poolStats().hits).toBe(before.hits + 1);
    expect(b.buffer).toBe(a.buffer);
    expect(b.length).toBe(69_000);
    expect(b.every((v) => v === 0)).toBe(true);
  });

  it('serves a request from a larger class within an octave when its own class has none', () => {
    setBufferPool(false);
    setBufferPool(true);
    const big = allocUninit(60_000);
    release(big);
    const small = allocUninit(40_000); // two classes below 60,000, within an octave
    expect(small.buffer).toBe(big.buffer);
    release(small); // goes back to the larger buffer's class
    expect(allocUninit(60_000).buffer).toBe(big.buffer);
    release(allocUninit(60_000));
    expect(allocUninit(20_000).buffer).not.toBe(big.buffer); // more than an octave below
  });

  it('ignores a second release of a buffer, views that do not start it, and foreign lengths', () => {
    setBufferPool(false);
    setBufferPool(true);
    const a = allocUninit(40_000);
    const other = allocUninit(40_000);
    release(a);
    release(a); // already pooled
    release(new Float32Array(40_001)); // its buffer is not of its class
    release(other.subarray(8)); // does not start its buffer
    const before = poolStats();
    const x = allocUninit(40_000);
    const y = allocUninit(40_000);
    expect(x.buffer).toBe(a.buffer);
    expect(y.buffer).not.toBe(a.buffer);
    expect(y.buffer).not.toBe(other.buffer);
    expect(poolStats().hits - before.hits).toBe(1);
  });

  it('lets training steps whose sequence length changes reuse buffers instead of allocating', () => {
    setBufferPool(false);
    setBufferPool(true);
    const m = createGPT({ vocab: 64, ctx: 96, layers: 2, dModel: 64, heads: 4, positions: 'rope' }, 1);
    const opt = new AdamW(m.namedParameters(), { lr: 1e-3 });
    const step = (T: number) => {
      const x = Int32Array.from({ length: 4 * T }, (_v, i) => (i * 7) % 64);
      const y = Int32Array.from({ length: 4 * T }, (_v, i) => (i * 5) % 64);
      opt.zeroGrad();
      const logits = m.forward(x, 4, T);
      logits.scratch = true; // as the trainers do: nothing reads the logits after backward
      crossEntropy(logits, y).backward();
      opt.step();
    };
    const lengths = [96, 90, 84, 93, 87, 81];
    lengths.forEach(step); // the first pass fills the pool
    const before = poolStats();
    lengths.forEach(step);
    const after = poolStats();
    expect(after.hits).toBeGreaterThan(before.hits);
    expect(after.freshBytes - before.freshBytes).toBe(0);
  });

  it('hands back every array a scratch scope allocated, also when it throws', () => {
    setBufferPool(false);
    setBufferPool(true);
    let inner: Float32Array | undefined;
    const sum = scratchScope(() => {
      const a = allocUninit(30_000).fill(1);
      scratchScope(() => {
        inner = allocZeroed(50_000);
      });
      return a.reduce((s, v) => s + v, 0);
    });
    expect(sum).toBe(30_000);
    expect(() =>
      scratchScope(() => {
        allocUninit(100_000);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    const before = poolStats();
    allocUninit(30_000);
    expect(allocUninit(50_000).buffer).toBe(inner?.buffer);
    allocUninit(100_000);
    expect(poolStats().hits - before.hits).toBe(3);
    expect(poolStats().misses).toBe(before.misses);
  });

  it('lets repeated no-grad forward passes in a scratch scope run without fresh arrays', () => {
    setBufferPool(false);
    setBufferPool(true);
    const m = createGPT({ vocab: 64, ctx: 96, layers: 2, dModel: 64, heads: 4, positions: 'rope' }, 1);
    const x = Int32Array.from({ length: 4 * 96 }, (_v, i) => (i * 7) % 64);
    const y = Int32Array.from({ length: 4 * 96 }, (_v, i) => (i * 5) % 64);
    const loss = () => noGrad(() => scratchScope(() => crossEntropy(m.forward(x, 4, 96), y).data[0]));
    const first = loss();
    const before = poolStats();
    expect(loss()).toBe(first);
    expect(poolStats().freshBytes).toBe(before.freshBytes);
    expect(poolStats().hits).toBeGreaterThan(before.hits);
  });
});
