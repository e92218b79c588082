// Small non-cryptographic 32-bit hashes shared by seed derivation and text shingling: FNV-1a over a
// string (chainable through its seed) and the murmur3 finaliser. Numbers in, unsigned 32-bit numbers out.

/** FNV-1a over a string, 32-bit; pass a previous result as `seed` to continue hashing. */
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
