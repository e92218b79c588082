// Text normalisation shared by near-duplicate removal and decontamination: lowercase, LaTeX and
// Markdown punctuation folded away, words split on anything that is not a letter or digit, and
// 32-bit hashes of word n-grams (shingles). Text enters as a string and leaves as hashes.

/** Lowercased words (letters/digits runs); `\frac{a}{b}` and `a/b` give the same words. */
export function normalizeWords(text: string): string[] {
  return text
    .toLowerCase()
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/** FNV-1a over a string, 32-bit. */
export function hashString(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Murmur3 finaliser: a cheap bijective 32-bit mix. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Distinct hashes of the word n-grams of `words` (sorted). Texts shorter than n words give one
 * shingle for the whole text, so short statements still compare.
 */
export function shingleHashes(words: readonly string[], n: number): Uint32Array {
  if (words.length === 0) return new Uint32Array(0);
  const wordHashes = words.map((w) => hashString(w));
  const count = Math.max(1, words.length - n + 1);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    let h = 0x9747b28c;
    const end = Math.min(words.length, i + n);
    for (let j = i; j < end; j++) h = mix32(h ^ wordHashes[j]) + j - i;
    out[i] = h >>> 0;
  }
  out.sort();
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
