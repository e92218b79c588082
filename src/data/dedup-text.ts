// Text normalisation shared by near-duplicate removal and decontamination: lowercase, LaTeX and
// Markdown punctuation folded away, words split on anything that is not a letter or digit, and
// 32-bit hashes of word n-grams (shingles). Text enters as a string and leaves as hashes.
import { hashString, mix32 } from '../core/hash.ts';

/** Lowercased words (letters/digits runs); `\frac{a}{b}` and `a/b` give the same words. */
export function normalizeWords(text: string): string[] {
  return text
    .toLowerCase()
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/**
 * Hash of the n-word window at each start position, in text order (`init` keeps callers' hash spaces
 * apart). Texts shorter than n words give one window for the whole text.
 */
export function windowHashes(words: readonly string[], n: number, init: number): Uint32Array {
  if (words.length === 0) return new Uint32Array(0);
  const wordHashes = words.map((w) => hashString(w));
  const count = Math.max(1, words.length - n + 1);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    let h = init;
    const end = Math.min(words.length, i + n);
    for (let j = i; j < end; j++) h = mix32(h ^ wordHashes[j]) + j - i;
    out[i] = h >>> 0;
  }
  return out;
}

/**
 * Distinct hashes of the word n-grams of `words` (sorted). Texts shorter than n words give one
 * shingle for the whole text, so short statements still compare.
 */
export function shingleHashes(words: readonly string[], n: number): Uint32Array {
  const out = windowHashes(words, n, 0x9747b28c).sort();
  let k = 0;
  for (let i = 0; i < out.length; i++) if (i === 0 || out[i] !== out[i - 1]) out[k++] = out[i];
  return out.slice(0, k);
}

/** Exact Jaccard similarity of two sorted, distinct hash sets. */
export function jaccardSorted(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 && b.length === 0) return 1;
  let i = 0;
  let j = 0;
  let inter = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      inter++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return inter / (a.length + b.length - inter);
}
