import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { rotateQK } from './rope.ts';

/** One fused row [q | k | v] with a single head of size hd, random values. */
function row(hd: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: 3 * hd }, () => rng.normal());
}

function qDotK(q: Float32Array, qPos: number, k: Float32Array, kPos: number, hd: number): number {
  const a = q.slice();
  const b = k.slice();
  rotateQK(a, [qPos], 1, hd, 1, 64);
  rotateQK(b, [kPos], 1, hd, 1, 64);
  let s = 0;
  for (let d = 0; d < hd; d++) s += a[d] * b[hd + d];
  return s;
}

describe('rotary positions', () => {
  const hd = 8;
  const q = row(hd, 1);
  const k = row(hd, 2);

  it('makes a query-key score depend only on the distance between positions', () => {
    const at = (p: number, d: number) => qDotK(q, p + d, k, p, hd);
    for (const d of [0, 1, 5]) {
      expect(at(3, d)).toBeCloseTo(at(0, d), 4);
      expect(at(40, d)).toBeCloseTo(at(0, d), 4);
    }
    expect(Math.abs(at(0, 1) - at(0, 5))).toBeGreaterThan(1e-3);
  });

  it('leaves position 0 and the values untouched, and inverts exactly', () => {
    const r = row(hd, 3);
    const at0 = r.slice();
    rotateQK(at0, [0], 1, hd, 1, 64);
    expect(Array.from(at0)).toEqual(Array.from(r));
    const moved = r.slice();
    rotateQK(moved, [9], 1, hd, 1, 64);
    expect(Array.from(moved.subarray(2 * hd))).toEqual(Array.from(r.subarray(2 * hd)));
    expect(Math.abs(moved[0] - r[0])).toBeGreaterThan(1e-3);
    rotateQK(moved, [9], 1, hd, 1, 64, true);
    moved.forEach((v, i) => expect(v).toBeCloseTo(r[i], 5));
  });

  it('rejects positions outside the context', () => {
    expect(() => rotateQK(row(hd, 4), [64], 1, hd, 1, 64)).toThrow(/position 64 outside the context of 64/);
  });
});
