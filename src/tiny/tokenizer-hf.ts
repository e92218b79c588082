// HF `tokenizer.json` (tokenizers library format) for byte-level BPE: `toHfTokenizerJson` writes the BPE
// model, the ByteLevel pre-tokenizer/decoder and the special tokens as added tokens; `fromHfTokenizerJson`
// reads such a file back (including GPT-2's own), with errors naming the offending field.
import { bytesToHfString, hfStringToBytes } from './tokenizer-bytes.ts';
import { Tokenizer, type SpecialToken } from './tokenizer.ts';

const utf8 = new TextEncoder();

export type HfTokenizerJson = Record<string, unknown>;

/** The tokenizer as an HF tokenizer.json object (serialise with JSON.stringify). */
export function toHfTokenizerJson(tok: Tokenizer): HfTokenizerJson {
  const vocab: Record<string, number> = {};
  tok.vocab.forEach((bytes, id) => {
    if (!tok.isSpecial(id)) vocab[bytesToHfString(bytes)] = id;
  });
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: tok.specials.map((s) => ({
      id: s.id,
      content: s.content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: { ...byteLevel, trim_offsets: false },
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: tok.merges.map(([a, b]) => [bytesToHfString(tok.vocab[a]), bytesToHfString(tok.vocab[b])]),
    },
  };
}

function fail(source: string, field: string, msg: string): never {
  throw new Error(`${source}: field "${field}": ${msg}`);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Read a byte-level BPE tokenizer.json object; `source` (a file name) prefixes error messages. */
export function fromHfTokenizerJson(json: unknown, source = 'tokenizer.json'): Tokenizer {
  if (!isRecord(json)) fail(source, '(root)', 'expected a JSON object');
  const model = json.model;
  if (!isRecord(model)) fail(source, 'model', 'missing');
  if (model.type !== undefined && model.type !== 'BPE')
    fail(source, 'model.type', `"${String(model.type)}" is not BPE`);
  const pre = json.pre_tokenizer;
  if (
    !isRecord(pre) ||
    pre.type !== 'ByteLevel' ||
    pre.add_prefix_space === true ||
    pre.use_regex === false
  ) {
    fail(
      source,
      'pre_tokenizer',
      'only a ByteLevel pre-tokenizer with use_regex and without add_prefix_space is supported',
    );
  }
  // Options that change how words are split into tokens, which this BPE does not implement.
  for (const [field, inert] of [
    ['ignore_merges', false],
    ['byte_fallback', false],
    ['continuing_subword_prefix', ''],
    ['end_of_word_suffix', ''],
  ] as const) {
    const v = model[field];
    if (v !== undefined && v !== null && v !== inert)
      fail(source, `model.${field}`, `${JSON.stringify(v)} is not supported`);
  }
  if (json.normalizer !== null && json.normalizer !== undefined) fail(source, 'normalizer', 'must be null');
  if (!isRecord(model.vocab)) fail(source, 'model.vocab', 'expected an object of token → id');

  const vocab: Uint8Array[] = [];
  for (const [token, id] of Object.entries(model.vocab)) {
    if (!Number.isInteger(id) || (id as number) < 0)
      fail(source, `model.vocab.${token}`, 'id must be a non-negative integer');
    const bytes = hfStringToBytes(token);
    if (!bytes)
      fail(source, `model.vocab.${token}`, 'not a byte-level token (character outside the GPT-2 byte map)');
    if (vocab[id as number]) fail(source, `model.vocab.${token}`, `id ${String(id)} is used twice`);
    vocab[id as number] = bytes;
  }
  const specials: SpecialToken[] = [];
  const added = json.added_tokens ?? [];
  if (!Array.isArray(added)) fail(source, 'added_tokens', 'expected an array');
  added.forEach((t: unknown, i) => {
    if (!isRecord(t) || typeof t.content !== 'string' || !Number.isInteger(t.id)) {
      fail(source, `added_tokens[${i}]`, 'expected {id, content}');
    }
    const id = t.id as number;
    const existing = vocab[id];
    // An added token may repeat a vocab entry (GPT-2's <|endoftext|>); it still matches as a whole.
    if (existing && !sameBytes(existing, t.content)) {
      fail(
        source,
        `added_tokens[${i}]`,
        `id ${id} is already the vocab token "${bytesToHfString(existing)}"`,
      );
    }
    vocab[id] = utf8.encode(t.content);
    specials.push({ id, content: t.content });
  });
  for (let id = 0; id < vocab.length; id++)
    if (!vocab[id]) fail(source, 'model.vocab', `no token has id ${id}`);

  const rawMerges = model.merges ?? [];
  if (!Array.isArray(rawMerges)) fail(source, 'model.merges', 'expected an array');
  const idOf = new Map<string, number>();
  for (const [token, id] of Object.entries(model.vocab)) idOf.set(token, id as number);
  const merges = rawMerges.map((m: unknown, i): [number, number] => {
    const pair = typeof m === 'string' ? m.split(' ') : m;
    if (!Array.isArray(pair) || pair.length !== 2 || pair.some((p) => typeof p !== 'string')) {
      fail(source, `model.merges[${i}]`, 'expected "a b" or ["a", "b"]');
    }
    const a = idOf.get(pair[0] as string);
    const b = idOf.get(pair[1] as string);
    if (a === undefined || b === undefined)
      fail(source, `model.merges[${i}]`, 'refers to a token missing from the vocab');
    return [a, b];
  });
  try {
    return new Tokenizer({ vocab, merges, specials });
  } catch (e) {
    throw new Error(`${source}: ${(e as Error).message}`);
  }
}

function sameBytes(a: Uint8Array, content: string): boolean {
  const b = utf8.encode(content);
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
