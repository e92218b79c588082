// Byte-level building blocks shared by the BPE tokenizer and its HF tokenizer.json reader/writer: the GPT-2
// byte↔unicode map (how HF spells raw bytes as printable characters) and the GPT-2 pre-tokenizer regex
// that splits text into words before BPE runs. Text enters as JS strings, leaves as byte arrays and pieces.

/** GPT-2's reversible map from each byte to a printable unicode character (index = byte). */
export const BYTE_TO_UNICODE: readonly string[] = (() => {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const map = new Array<string>(256);
  for (const b of printable) map[b] = String.fromCodePoint(b);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (map[b] === undefined) map[b] = String.fromCodePoint(256 + n++);
  }
  return map;
})();

const UNICODE_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_UNICODE.map((ch, b) => [ch, b]));

/** Bytes → the HF byte-level token string (e.g. " the" → "Ġthe"). */
export function bytesToHfString(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += BYTE_TO_UNICODE[b];
  return s;
}

/** HF byte-level token string → bytes; returns undefined when a character is outside the byte map. */
export function hfStringToBytes(s: string): Uint8Array | undefined {
  const out: number[] = [];
  for (const ch of s) {
    const b = UNICODE_TO_BYTE.get(ch);
    if (b === undefined) return undefined;
    out.push(b);
  }
  return Uint8Array.from(out);
}

// Unicode White_Space, spelled out: JS `\s` also matches U+FEFF and misses U+0085, unlike the Oniguruma
// `\s` that HF tokenizers uses, and the two must split text identically for ids to agree.
const WS = '\\t\\n\\v\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

/** The GPT-2 pre-tokenizer pattern (HF ByteLevel with use_regex = true). */
export const GPT2_PATTERN = new RegExp(
  `'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^${WS}\\p{L}\\p{N}]+|[${WS}]+(?![^${WS}])|[${WS}]+`,
  'gu',
);

/** Split text into the words BPE operates on; concatenating the pieces gives back the text. */
export function preTokenize(text: string): string[] {
  return text.match(GPT2_PATTERN) ?? [];
}

/** Key of a byte string for maps (one char per byte, latin1). */
export function bytesKey(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}
