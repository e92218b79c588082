// Byte-level BPE training: count pre-tokenized words in a corpus, then repeatedly merge the most frequent
// adjacent token pair (ties → smallest pair of ids, so training is deterministic). Incremental pair counts
// and a lazy max-heap keep it fast: a 2k vocab on a few MB trains in seconds. Returns a Tokenizer.
import { preTokenize } from './tokenizer-bytes.ts';
import { Tokenizer, type SpecialToken } from './tokenizer.ts';

/** Special tokens of the chat template, appended after the learned vocab in this order. */
export const DEFAULT_SPECIALS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'] as const;

export interface TrainBpeOptions {
  /** Total vocab including the 256 byte tokens and the special tokens. */
  vocabSize: number;
  specials?: readonly string[];
  /** Pairs seen fewer times than this are never merged (default 2). */
  minFrequency?: number;
}

const PAIR = 2 ** 21;
const utf8 = new TextEncoder();

/** Train a byte-level BPE tokenizer on one or more texts. */
export function trainBpe(corpus: string | readonly string[], opts: TrainBpeOptions): Tokenizer {
  const specials = opts.specials ?? DEFAULT_SPECIALS;
  const minFrequency = opts.minFrequency ?? 2;
  const nMerges = opts.vocabSize - 256 - specials.length;
  if (!Number.isInteger(opts.vocabSize) || nMerges < 0) {
    throw new Error(
      `trainBpe: vocabSize must be an integer >= ${256 + specials.length} (256 bytes + specials)`,
    );
  }
  if (new Set(specials).size !== specials.length || specials.some((s) => !s)) {
    throw new Error('trainBpe: special tokens must be distinct and non-empty');
  }

  // Word frequencies; special-token strings are cut out so they never become learned merges.
  const counts = new Map<string, number>();
  const texts = typeof corpus === 'string' ? [corpus] : corpus;
  for (const text of texts) {
    for (const chunk of splitOnSpecials(text, specials)) {
      for (const w of preTokenize(chunk)) counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  const words: number[][] = [];
  const freq: number[] = [];
  for (const [w, c] of counts) {
    const bytes = utf8.encode(w);
    if (bytes.length < 2) continue;
    words.push(Array.from(bytes));
    freq.push(c);
  }

  const vocab: Uint8Array[] = Array.from({ length: 256 }, (_v, b) => Uint8Array.of(b));
  const merges: Array<[number, number]> = [];
  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const heap = new PairHeap();
  const touched = new Set<number>();
  const addWordPairs = (wi: number, sign: 1 | -1): void => {
    const w = words[wi];
    for (let i = 0; i + 1 < w.length; i++) {
      const key = w[i] * PAIR + w[i + 1];
      pairCount.set(key, (pairCount.get(key) ?? 0) + sign * freq[wi]);
      touched.add(key);
      if (sign > 0) {
        let set = pairWords.get(key);
        if (!set) pairWords.set(key, (set = new Set()));
        set.add(wi);
      }
    }
  };
  for (let wi = 0; wi < words.length; wi++) addWordPairs(wi, 1);
  const flush = (): void => {
    for (const key of touched) heap.push(pairCount.get(key) ?? 0, key);
    touched.clear();
  };
  flush();

  while (merges.length < nMerges) {
    const top = heap.popValid(pairCount);
    if (!top || top.count < minFrequency) break;
    const a = Math.floor(top.key / PAIR);
    const b = top.key % PAIR;
    const id = vocab.length;
    const bytes = new Uint8Array(vocab[a].length + vocab[b].length);
    bytes.set(vocab[a]);
    bytes.set(vocab[b], vocab[a].length);
    vocab.push(bytes);
    merges.push([a, b]);
    for (const wi of pairWords.get(top.key) ?? []) {
      const w = words[wi];
      let has = false;
      for (let i = 0; i + 1 < w.length && !has; i++) has = w[i] === a && w[i + 1] === b;
      if (!has) continue;
      addWordPairs(wi, -1);
      const merged: number[] = [];
      for (let i = 0; i < w.length; i++) {
        if (i + 1 < w.length && w[i] === a && w[i + 1] === b) {
          merged.push(id);
          i++;
        } else merged.push(w[i]);
      }
      words[wi] = merged;
      addWordPairs(wi, 1);
    }
    pairWords.delete(top.key);
    flush();
  }

  const specialTokens: SpecialToken[] = specials.map((content, i) => ({ id: vocab.length + i, content }));
  for (const s of specialTokens) vocab.push(utf8.encode(s.content));
  return new Tokenizer({ vocab, merges, specials: specialTokens });
}

function splitOnSpecials(text: string, specials: readonly string[]): string[] {
  let parts = [text];
  for (const s of specials) parts = parts.flatMap((p) => p.split(s));
  return parts;
}

/** Max-heap of (count, pair key) with lazy invalidation: stale entries are skipped when popped. */
class PairHeap {
  private counts: number[] = [];
  private keys: number[] = [];

  push(count: number, key: number): void {
    if (count <= 0) return;
    this.counts.push(count);
    this.keys.push(key);
    let i = this.counts.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  /** Highest-count pair whose entry is current (ties → smallest key). */
  popValid(current: Map<number, number>): { count: number; key: number } | undefined {
    while (this.counts.length > 0) {
      const count = this.counts[0];
      const key = this.keys[0];
      this.removeTop();
      if (current.get(key) === count) return { count, key };
    }
    return undefined;
  }

  private removeTop(): void {
    const last = this.counts.length - 1;
    this.swap(0, last);
    this.counts.pop();
    this.keys.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.counts.length && this.before(l, m)) m = l;
      if (r < this.counts.length && this.before(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private before(i: number, j: number): boolean {
    return (
      this.counts[i] > this.counts[j] || (this.counts[i] === this.counts[j] && this.keys[i] < this.keys[j])
    );
  }

  private swap(i: number, j: number): void {
    [this.counts[i], this.counts[j]] = [this.counts[j], this.counts[i]];
    [this.keys[i], this.keys[j]] = [this.keys[j], this.keys[i]];
  }
}
