import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { CHAT_TEMPLATE_JINJA, applyChatTemplate } from './chat-template.ts';
import { BYTE_TO_UNICODE, preTokenize } from './tokenizer-bytes.ts';
import { fromHfTokenizerJson, toHfTokenizerJson } from './tokenizer-hf.ts';
import { DEFAULT_SPECIALS, trainBpe } from './tokenizer-train.ts';
import { Tokenizer } from './tokenizer.ts';

const CORPUS = [
  'Prove that n^2 + n is even for every integer n. ',
  'Case 1: n is even, so n = 2k and n^2 + n = 4k^2 + 2k = 2(2k^2 + k). ',
  "Case 2: n is odd, so n = 2k + 1 and the product n(n+1) is even. That's all we need. ",
  'Zahlen über alles — 数学 证明 🎉 ',
].join('\n');

/** A random string of valid code points drawn from ASCII, Latin-1, CJK, emoji, combining marks, spaces. */
function randomText(rng: Rng, n: number): string {
  const ranges: Array<[number, number]> = [
    [0x20, 0x7e],
    [0x00, 0x1f],
    [0xa0, 0xff],
    [0x300, 0x36f],
    [0x4e00, 0x4fff],
    [0x1f300, 0x1f64f],
    [0x2000, 0x200f],
    [0xfe00, 0xfeff],
  ];
  let s = '';
  for (let i = 0; i < n; i++) {
    const [lo, hi] = rng.pick(ranges);
    s += String.fromCodePoint(rng.int(lo, hi));
  }
  return s;
}

describe('byte-level BPE tokenizer', () => {
  const tok = trainBpe(CORPUS.repeat(20), { vocabSize: 400 });

  it('maps every byte to a distinct printable character (GPT-2 map)', () => {
    expect(new Set(BYTE_TO_UNICODE).size).toBe(256);
    expect(BYTE_TO_UNICODE[32]).toBe('Ġ');
    expect(BYTE_TO_UNICODE[10]).toBe('Ċ');
    expect(BYTE_TO_UNICODE[65]).toBe('A');
  });

  it.each([
    ["Hello world, it's 2024!", ['Hello', ' world', ',', ' it', "'s", ' 2024', '!']],
    ['a  b\n\nc', ['a', ' ', ' b', '\n', '\n', 'c']],
    ['x\u00a0y', ['x', '\u00a0', 'y']],
    ['数学 证明', ['数学', ' 证明']],
  ])('pre-tokenizes %j like GPT-2', (text, pieces) => {
    expect(preTokenize(text)).toEqual(pieces);
  });

  it('learns merges, places specials last, and compresses the training text', () => {
    // The small corpus runs out of pairs seen twice before 400, so the vocab stops short.
    expect(tok.vocabSize).toBeGreaterThan(300);
    expect(tok.vocabSize).toBeLessThanOrEqual(400);
    expect(tok.specialId('<|endoftext|>')).toBe(tok.vocabSize - DEFAULT_SPECIALS.length);
    expect(tok.specialId('<|im_end|>')).toBe(tok.vocabSize - 1);
    const ids = tok.encode(CORPUS);
    expect(ids.length).toBeLessThan(new TextEncoder().encode(CORPUS).length / 2);
  });

  it('is deterministic', () => {
    const again = trainBpe(CORPUS.repeat(20), { vocabSize: 400 });
    expect(again.merges).toEqual(tok.merges);
  });

  it('round-trips arbitrary UTF-8 text', () => {
    const rng = new Rng(7);
    for (let i = 0; i < 200; i++) {
      const text = randomText(rng, rng.int(0, 60));
      expect(tok.decode(tok.encode(text))).toBe(text);
    }
    for (const text of [
      '',
      '🎉👍🏽👨‍👩‍👧',
      'e\u0301 a\u0308\u0301',
      '\u0000\t\r\n',
      '中文，标点。',
      '<|im_start',
      'a\u0085b\ufeffc',
    ]) {
      expect(tok.decode(tok.encode(text))).toBe(text);
    }
  });

  it('matches special tokens in text, or encodes them as bytes when not allowed', () => {
    const endId = tok.specialId('<|im_end|>')!;
    const ids = tok.encode('hi<|im_end|>there');
    expect(ids.filter((i) => i === endId)).toHaveLength(1);
    expect(tok.encode('hi<|im_end|>', { allowSpecial: false })).not.toContain(endId);
    expect(tok.decode(ids)).toBe('hi<|im_end|>there');
    expect(tok.decode(ids, { skipSpecial: true })).toBe('hithere');
  });

  it('decodes invalid byte sequences to U+FFFD instead of throwing, and rejects unknown ids', () => {
    const first = tok.encode('é')[0];
    if (tok.vocab[first].length === 1) expect(tok.decode([first])).toBe('\ufffd');
    expect(() => tok.decode([tok.vocabSize])).toThrow(/outside the vocab/);
  });

  it('writes and reads HF tokenizer.json with identical encodings', () => {
    const json = JSON.parse(JSON.stringify(toHfTokenizerJson(tok)));
    expect(json.model.type).toBe('BPE');
    expect(json.pre_tokenizer.type).toBe('ByteLevel');
    expect(json.added_tokens.map((t: { content: string }) => t.content)).toEqual([...DEFAULT_SPECIALS]);
    const back = fromHfTokenizerJson(json);
    const rng = new Rng(3);
    for (let i = 0; i < 50; i++) {
      const text = CORPUS.slice(rng.int(0, 50)) + randomText(rng, 20);
      expect(back.encode(text)).toEqual(tok.encode(text));
    }
    // Older tokenizers versions write merges as "a b" strings.
    json.model.merges = json.model.merges.map((m: string[]) => m.join(' '));
    expect(fromHfTokenizerJson(json).encode(CORPUS)).toEqual(tok.encode(CORPUS));
  });

  it.each([
    [{ model: { type: 'WordPiece' } }, /model.type/],
    [{ model: { type: 'BPE', vocab: {} }, pre_tokenizer: { type: 'Whitespace' } }, /pre_tokenizer/],
    [{ model: { type: 'BPE', vocab: { a: 0, b: 0 } }, pre_tokenizer: { type: 'ByteLevel' } }, /used twice/],
    [{ model: { type: 'BPE', vocab: { a: 1 } }, pre_tokenizer: { type: 'ByteLevel' } }, /no token has id 0/],
    [
      { model: { type: 'BPE', vocab: {}, ignore_merges: true }, pre_tokenizer: { type: 'ByteLevel' } },
      /ignore_merges/,
    ],
    [
      { model: { type: 'BPE', vocab: {} }, pre_tokenizer: { type: 'ByteLevel', use_regex: false } },
      /use_regex/,
    ],
  ])('rejects a malformed tokenizer.json with a clear error (%#)', (json, err) => {
    expect(() => fromHfTokenizerJson(json, 'x/tokenizer.json')).toThrow(err);
  });

  it('rejects a vocab that lacks some byte', () => {
    expect(() => new Tokenizer({ vocab: [Uint8Array.of(1)], merges: [], specials: [] })).toThrow(
      /no token for byte 0/,
    );
  });

  it('trains a 2k vocab on a megabyte of varied text in a few seconds', () => {
    const rng = new Rng(11);
    const words = Array.from({ length: 5000 }, () => randomText(rng, rng.int(1, 8)).replace(/\s/g, ''));
    let text = '';
    while (text.length < 1_000_000) text += `${rng.pick(words)}${rng.pick([' ', ' ', '\n', ', '])}`;
    const t0 = performance.now();
    const big = trainBpe(text, { vocabSize: 2000 });
    expect(performance.now() - t0).toBeLessThan(8000);
    expect(big.vocabSize).toBe(2000);
    expect(big.decode(big.encode(text.slice(0, 5000)))).toBe(text.slice(0, 5000));
  });
});

describe('chat template', () => {
  it('renders ChatML and tokenizes markers as single special tokens', () => {
    const text = applyChatTemplate(
      [
        { role: 'system', content: 'Be rigorous.' },
        { role: 'user', content: 'Prove 1+1=2.' },
      ],
      { addGenerationPrompt: true },
    );
    expect(text).toBe(
      '<|im_start|>system\nBe rigorous.<|im_end|>\n<|im_start|>user\nProve 1+1=2.<|im_end|>\n<|im_start|>assistant\n',
    );
    const tok = trainBpe(CORPUS, { vocabSize: 300 });
    const ids = tok.encode(text);
    expect(ids.filter((i) => i === tok.specialId('<|im_start|>'))).toHaveLength(3);
    expect(CHAT_TEMPLATE_JINJA).toContain('add_generation_prompt');
  });
});
