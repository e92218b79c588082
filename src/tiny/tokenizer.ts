// Byte-level BPE tokenizer (GPT-2 style): text → pre-tokenized words → UTF-8 bytes → merges applied by rank
// → ids, and ids → bytes → text. Special tokens (chat template markers) are matched in the raw text before
// pre-tokenization, as HF tokenizers does. Built by `trainBpe` or read from an HF tokenizer.json.
import { bytesKey, preTokenize } from './tokenizer-bytes.ts';

export interface SpecialToken {
  id: number;
  content: string;
}

export interface TokenizerSpec {
  /** Bytes of every regular token, by id (special-token ids hold their UTF-8 content). */
  vocab: Uint8Array[];
  /** Merge rules in rank order, as pairs of token ids; the result is the token whose bytes are a+b. */
  merges: Array<[number, number]>;
  specials: SpecialToken[];
}

export interface EncodeOptions {
  /** Match special-token strings in the text (default true); false encodes them as plain bytes. */
  allowSpecial?: boolean;
}

export interface DecodeOptions {
  /** Drop special tokens from the output (default false). */
  skipSpecial?: boolean;
}

const PAIR = 2 ** 21;
const CACHE_LIMIT = 50_000;
const utf8 = new TextEncoder();

export class Tokenizer {
  readonly vocab: readonly Uint8Array[];
  readonly merges: ReadonlyArray<readonly [number, number]>;
  readonly specials: readonly SpecialToken[];
  private readonly byteId: Int32Array; // byte → id of its single-byte token
  private readonly mergeOf = new Map<number, { rank: number; id: number }>(); // pair key → rank, merged id
  private readonly specialById = new Map<number, string>();
  private readonly specialByContent = new Map<string, number>();
  private readonly specialPattern: RegExp | null;
  private readonly cache = new Map<string, number[]>();

  constructor(spec: TokenizerSpec) {
    if (spec.vocab.length >= PAIR) throw new Error(`Tokenizer: vocab of ${spec.vocab.length} is too large`);
    this.vocab = spec.vocab;
    this.merges = spec.merges;
    this.specials = [...spec.specials].sort((a, b) => a.id - b.id);
    for (const s of this.specials) {
      if (!(s.id >= 0 && s.id < spec.vocab.length))
        throw new Error(`Tokenizer: special ${s.content} has bad id ${s.id}`);
      this.specialById.set(s.id, s.content);
      this.specialByContent.set(s.content, s.id);
    }
    const idOfBytes = new Map<string, number>();
    spec.vocab.forEach((bytes, id) => {
      if (this.specialById.has(id)) return;
      const key = bytesKey(bytes);
      if (!idOfBytes.has(key)) idOfBytes.set(key, id);
    });
    this.byteId = new Int32Array(256).fill(-1);
    for (let b = 0; b < 256; b++) {
      const id = idOfBytes.get(String.fromCharCode(b));
      if (id === undefined)
        throw new Error(`Tokenizer: no token for byte ${b}; a byte-level vocab needs all 256`);
      this.byteId[b] = id;
    }
    spec.merges.forEach(([a, b], rank) => {
      const bytes = new Uint8Array(spec.vocab[a].length + spec.vocab[b].length);
      bytes.set(spec.vocab[a]);
      bytes.set(spec.vocab[b], spec.vocab[a].length);
      const id = idOfBytes.get(bytesKey(bytes));
      if (id === undefined)
        throw new Error(`Tokenizer: merge ${rank} (${a}, ${b}) makes a token missing from the vocab`);
      const key = a * PAIR + b;
      if (!this.mergeOf.has(key)) this.mergeOf.set(key, { rank, id });
    });
    const escaped = [...this.specialByContent.keys()]
      .sort((x, y) => y.length - x.length)
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.specialPattern = escaped.length ? new RegExp(escaped.join('|'), 'g') : null;
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  /** Id of a special token by its content, e.g. "<|im_end|>". */
  specialId(content: string): number | undefined {
    return this.specialByContent.get(content);
  }

  isSpecial(id: number): boolean {
    return this.specialById.has(id);
  }

  encode(text: string, opts: EncodeOptions = {}): number[] {
    const out: number[] = [];
    if (opts.allowSpecial === false || !this.specialPattern) {
      this.encodeOrdinary(text, out);
      return out;
    }
    let last = 0;
    for (const m of text.matchAll(this.specialPattern)) {
      this.encodeOrdinary(text.slice(last, m.index), out);
      out.push(this.specialByContent.get(m[0])!);
      last = m.index + m[0].length;
    }
    this.encodeOrdinary(text.slice(last), out);
    return out;
  }

  /** Concatenated bytes of the tokens (special tokens as their UTF-8 content unless skipped). */
  decodeBytes(ids: readonly number[], opts: DecodeOptions = {}): Uint8Array {
    let n = 0;
    const parts: Uint8Array[] = [];
    for (const id of ids) {
      const bytes = this.vocab[id];
      if (bytes === undefined)
        throw new Error(`Tokenizer.decode: id ${id} is outside the vocab of ${this.vocabSize}`);
      if (opts.skipSpecial && this.specialById.has(id)) continue;
      parts.push(bytes);
      n += bytes.length;
    }
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  /** Ids → text; byte sequences that are not valid UTF-8 become U+FFFD. */
  decode(ids: readonly number[], opts: DecodeOptions = {}): string {
    return new TextDecoder('utf-8').decode(this.decodeBytes(ids, opts));
  }

  private encodeOrdinary(text: string, out: number[]): void {
    if (!text) return;
    for (const word of preTokenize(text)) {
      let ids = this.cache.get(word);
      if (!ids) {
        ids = this.bpe(utf8.encode(word));
        if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
        this.cache.set(word, ids);
      }
      for (const id of ids) out.push(id);
    }
  }

  /** Apply merges to one word: repeatedly merge the lowest-ranked adjacent pair, leftmost first. */
  private bpe(bytes: Uint8Array): number[] {
    const ids = Array.from(bytes, (b) => this.byteId[b]);
    for (;;) {
      let best = -1;
      let bestRank = Infinity;
      let bestId = -1;
      for (let i = 0; i + 1 < ids.length; i++) {
        const m = this.mergeOf.get(ids[i] * PAIR + ids[i + 1]);
        if (m && m.rank < bestRank) {
          bestRank = m.rank;
          best = i;
          bestId = m.id;
        }
      }
      if (best < 0) return ids;
      ids.splice(best, 2, bestId);
    }
  }
}
