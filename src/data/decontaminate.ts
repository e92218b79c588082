// Benchmark decontamination by word n-gram overlap (13-grams by default, after normalisation): every
// n-gram of the benchmark texts is indexed, every training text is checked against the index, and each
// training record that shares enough n-grams with a benchmark item is reported with the benchmark id,
// the number of shared n-grams, the overlap ratio and the first shared passage. Texts in, hits out.
import { mix32 } from '../core/hash.ts';
import { normalizeWords, windowHashes } from './dedup-text.ts';

export interface BenchmarkText {
  /** Benchmark file (or set name) and item id, for the report. */
  source: string;
  id: string;
  text: string;
}

export interface DecontaminateOptions {
  /** Words per n-gram (default 13). */
  n?: number;
  /**
   * Minimum share of the training text's n-grams found in one benchmark item for a hit (default 0:
   * any shared n-gram is a hit). Texts shorter than n words compare as one whole-text n-gram.
   */
  minOverlap?: number;
}

export interface ContaminationHit {
  /** Index of the training text. */
  index: number;
  source: string;
  benchmarkId: string;
  sharedNgrams: number;
  /** shared / n-grams of the training text. */
  overlap: number;
  /** shared / n-grams of the benchmark text. */
  benchmarkOverlap: number;
  /** The first shared passage, as normalised words. */
  example: string;
}

/** Hash of every n-gram start position (one entry for texts shorter than n). */
function ngramHashes(words: readonly string[], n: number): Uint32Array {
  const out = windowHashes(words, n, 0x2545f491);
  // Whole-text n-grams of short texts must not collide with true n-grams: tag them by length.
  if (words.length > 0 && words.length < n) out[0] = mix32(out[0] ^ words.length);
  return out;
}

export interface ContaminationIndex {
  n: number;
  items: BenchmarkText[];
  sizes: number[];
  postings: Map<number, number[]>;
}

export function buildContaminationIndex(items: BenchmarkText[], n = 13): ContaminationIndex {
  const postings = new Map<number, number[]>();
  const sizes: number[] = [];
  items.forEach((item, k) => {
    const grams = new Set(ngramHashes(normalizeWords(item.text), n));
    sizes.push(grams.size);
    for (const g of grams) {
      const list = postings.get(g);
      if (!list) postings.set(g, [k]);
      else if (list.at(-1) !== k) list.push(k);
    }
  });
  return { n, items, sizes, postings };
}

/** Hits of one training text against the index, strongest first. */
export function contaminationOf(
  index: ContaminationIndex,
  text: string,
  textIndex: number,
  opts: { minOverlap?: number } = {},
): ContaminationHit[] {
  const words = normalizeWords(text);
  const grams = ngramHashes(words, index.n);
  const distinct = new Set(grams).size;
  const shared = new Map<number, { count: number; first: number; seen: Set<number> }>();
  for (let pos = 0; pos < grams.length; pos++) {
    const list = index.postings.get(grams[pos]);
    if (!list) continue;
    for (const k of list) {
      let s = shared.get(k);
      if (!s) shared.set(k, (s = { count: 0, first: pos, seen: new Set() }));
      if (!s.seen.has(grams[pos])) {
        s.seen.add(grams[pos]);
        s.count++;
      }
    }
  }
  const hits: ContaminationHit[] = [];
  for (const [k, s] of shared) {
    const overlap = distinct > 0 ? s.count / distinct : 0;
    if (overlap < (opts.minOverlap ?? 0)) continue;
    hits.push({
      index: textIndex,
      source: index.items[k].source,
      benchmarkId: index.items[k].id,
      sharedNgrams: s.count,
      overlap,
      benchmarkOverlap: index.sizes[k] > 0 ? s.count / index.sizes[k] : 0,
      example: words.slice(s.first, s.first + index.n).join(' '),
    });
  }
  return hits.sort((a, b) => b.sharedNgrams - a.sharedNgrams);
}

/** Checks every training text; returns all hits (a text may hit several benchmark items). */
export function decontaminateTexts(
  texts: readonly string[],
  benchmark: BenchmarkText[],
  opts: DecontaminateOptions = {},
): ContaminationHit[] {
  const index = buildContaminationIndex(benchmark, opts.n ?? 13);
  return texts.flatMap((t, i) => contaminationOf(index, t, i, opts));
}
