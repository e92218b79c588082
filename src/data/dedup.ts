// Near-duplicate detection with MinHash + LSH banding (seeded): texts → word-shingle sets → MinHash
// signatures → band buckets → candidate pairs, each verified by the exact Jaccard of the shingle
// sets, then clustered (union-find). The first text of every cluster is kept; the rest are reported
// with the kept text they duplicate and their similarity.
import { deriveSeed } from '../core/rng.ts';
import { mix32 } from '../core/hash.ts';
import { jaccardSorted, normalizeWords, shingleHashes } from './dedup-text.ts';

export interface DedupOptions {
  /** Jaccard similarity at or above which two texts are duplicates (default 0.7). */
  threshold?: number;
  /** Words per shingle (default 5). */
  shingle?: number;
  /** MinHash permutations (default 128). */
  numPerm?: number;
  /** LSH bands × rows; default: chosen from the threshold to balance misses and false candidates. */
  bands?: number;
  rows?: number;
  seed?: number;
}

export interface DuplicateHit {
  /** Index of the removed text. */
  index: number;
  /** Index of the kept text of its cluster. */
  duplicateOf: number;
  /** Highest exact shingle Jaccard with any verified neighbour in its cluster. */
  jaccard: number;
}

export interface DedupResult {
  keep: number[];
  removed: DuplicateHit[];
  candidates: number;
  params: { threshold: number; shingle: number; numPerm: number; bands: number; rows: number; seed: number };
}

/**
 * Bands b and rows r (b·r ≤ numPerm) minimising the area of false positives below the threshold
 * plus false negatives above it, for the S-curve 1 − (1 − s^r)^b.
 */
export function lshParams(threshold: number, numPerm: number): { bands: number; rows: number } {
  const integrate = (f: (s: number) => number, lo: number, hi: number): number => {
    const steps = 100;
    const dx = (hi - lo) / steps;
    let area = 0;
    for (let i = 0; i < steps; i++) area += f(lo + (i + 0.5) * dx) * dx;
    return area;
  };
  let best = { bands: 1, rows: numPerm, err: Infinity };
  for (let bands = 1; bands <= numPerm; bands++) {
    for (let rows = 1; bands * rows <= numPerm; rows++) {
      const p = (s: number) => 1 - (1 - s ** rows) ** bands;
      // Misses cost more than extra candidates: candidates are verified exactly anyway.
      const err = 0.25 * integrate(p, 0, threshold) + 0.75 * integrate((s) => 1 - p(s), threshold, 1);
      if (err < best.err) best = { bands, rows, err };
    }
  }
  return { bands: best.bands, rows: best.rows };
}

/** MinHash signature [numPerm] of a sorted shingle set under seeded 32-bit permutations. */
export function minhash(shingles: Uint32Array, seeds: Uint32Array, out: Uint32Array): void {
  out.fill(0xffffffff);
  const p = seeds.length;
  for (let s = 0; s < shingles.length; s++) {
    const x = shingles[s];
    for (let i = 0; i < p; i++) {
      const h = mix32(x ^ seeds[i]);
      if (h < out[i]) out[i] = h;
    }
  }
}

class UnionFind {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n).map((_, i) => i);
  }
  find(x: number): number {
    while (this.parent[x] !== x) {
      this.parent[x] = this.parent[this.parent[x]];
      x = this.parent[x];
    }
    return x;
  }
  /** Joins two sets; the smaller index stays the root so the earliest text is kept. */
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra < rb) this.parent[rb] = ra;
    else if (rb < ra) this.parent[ra] = rb;
  }
}

export function dedupTexts(texts: readonly string[], opts: DedupOptions = {}): DedupResult {
  const threshold = opts.threshold ?? 0.7;
  if (!(threshold > 0 && threshold <= 1)) throw new Error(`threshold must be in (0, 1], got ${threshold}`);
  const shingle = opts.shingle ?? 5;
  const numPerm = opts.numPerm ?? 128;
  const seed = opts.seed ?? 0;
  const auto = lshParams(threshold, numPerm);
  const bands = opts.bands ?? auto.bands;
  const rows = opts.rows ?? (opts.bands ? Math.floor(numPerm / bands) : auto.rows);
  if (bands * rows > numPerm || bands < 1 || rows < 1) {
    throw new Error(`bands × rows (${bands} × ${rows}) must be between 1 and numPerm (${numPerm})`);
  }
  const seeds = new Uint32Array(numPerm).map((_, i) => deriveSeed(seed, 'minhash', i));
  const sets = texts.map((t) => shingleHashes(normalizeWords(t), shingle));
  const sig = new Uint32Array(numPerm);
  // Band keys are 32-bit hashes of the band's rows: a collision only adds a candidate, which the exact
  // Jaccard check then rejects.
  const buckets: Array<Map<number, number[]>> = Array.from({ length: bands }, () => new Map());
  for (let i = 0; i < sets.length; i++) {
    minhash(sets[i], seeds, sig);
    for (let b = 0; b < bands; b++) {
      let key = 0x3c6ef372 ^ b;
      for (let r = 0; r < rows; r++) key = mix32(key ^ sig[b * rows + r]);
      const bucket = buckets[b].get(key);
      if (bucket) bucket.push(i);
      else buckets[b].set(key, [i]);
    }
  }
  const uf = new UnionFind(sets.length);
  const best = new Map<number, { other: number; jaccard: number }>();
  const checked = new Set<number>();
  let candidates = 0;
  for (const table of buckets) {
    for (const members of table.values()) {
      if (members.length < 2) continue;
      for (let x = 0; x < members.length; x++) {
        for (let y = x + 1; y < members.length; y++) {
          const a = members[x];
          const b = members[y];
          const pairKey = a * sets.length + b;
          if (checked.has(pairKey)) continue;
          checked.add(pairKey);
          candidates++;
          const j = jaccardSorted(sets[a], sets[b]);
          if (j < threshold) continue;
          uf.union(a, b);
          for (const [self, other] of [
            [a, b],
            [b, a],
          ]) {
            const prev = best.get(self);
            if (!prev || j > prev.jaccard) best.set(self, { other, jaccard: j });
          }
        }
      }
    }
  }
  const keep: number[] = [];
  const removed: DuplicateHit[] = [];
  for (let i = 0; i < sets.length; i++) {
    const root = uf.find(i);
    if (root === i) keep.push(i);
    else removed.push({ index: i, duplicateOf: root, jaccard: best.get(i)?.jaccard ?? threshold });
  }
  return { keep, removed, candidates, params: { threshold, shingle, numPerm, bands, rows, seed } };
}
