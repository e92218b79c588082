// Fixture for test_hf_export.py: trains a tokenizer on a mixed-script corpus, builds a GPT with every weight
// perturbed (so biases and LayerNorm parameters are non-trivial), saves it as a checkpoint, and writes what
// our code computes — logits on a chat prompt, ids of the corpus and of the chat template — as JSON.
// Usage: npx tsx tests/interop/hf-export-fixture.ts OUT_DIR
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../src/core/rng.ts';
import { applyChatTemplate } from '../../src/tiny/chat-template.ts';
import { saveCheckpoint } from '../../src/tiny/checkpoint.ts';
import { createGPT } from '../../src/tiny/gpt.ts';
import { noGrad } from '../../src/tiny/tensor.ts';
import { trainBpe } from '../../src/tiny/tokenizer-train.ts';

const out = process.argv[2];
if (!out) throw new Error('usage: hf-export-fixture.ts OUT_DIR');
const rng = new Rng(2024);

// Text in several scripts plus random code points from blocks where tokenizers tend to disagree.
const blocks: Array<[number, number]> = [
  [0x20, 0x7e],
  [0x09, 0x0d],
  [0x80, 0xff],
  [0x300, 0x36f],
  [0x370, 0x3ff],
  [0x400, 0x4ff],
  [0x600, 0x6ff],
  [0x900, 0x97f],
  [0x2000, 0x206f],
  [0x3000, 0x303f],
  [0x4e00, 0x4fff],
  [0xac00, 0xad00],
  [0xfe00, 0xfeff],
  [0x1f300, 0x1f6ff],
  [0x1d400, 0x1d4ff],
];
const lines = [
  "Let n be an integer. We prove that n(n+1) is even: it's the product of consecutive integers.",
  'Soit p un nombre premier ; alors p | ab ⇒ p | a ou p | b. Ça marche!',
  'Доказательство: пусть x ≥ 0, тогда √x определён.   Конец.',
  '证明：设 a、b 为正整数，则 a² + b² ≥ 2ab。 数学归纳法',
  'emoji 🎉👍🏽 👨‍👩‍👧 flags 🇫🇷 and combining e\u0301 a\u0308\u0304',
  'tabs\tand\r\nnewlines\n\n\n  indented    spaces   \u00a0nbsp \u2003em\u3000ideographic\u0085nel\ufeffbom',
  "numbers 1234567 3.14159 1e-9 ٣٤٥ ൬൭ don't can't we'll they've I'm she'd",
];
for (let i = 0; i < 60; i++) {
  let s = '';
  const n = rng.int(1, 40);
  for (let j = 0; j < n; j++) {
    const [lo, hi] = rng.pick(blocks);
    s += String.fromCodePoint(rng.int(lo, hi));
  }
  lines.push(s);
}
const corpus = lines.join('\n');
// Random code points from all of Unicode (assigned or not, surrogates excepted), not used for training.
const fuzz = Array.from({ length: 300 }, () => {
  let s = '';
  for (let n = rng.int(1, 24); n > 0; n--) {
    const cp =
      rng.next() < 0.3
        ? rng.int(0, 0x7f)
        : rng.next() < 0.7
          ? rng.int(0x80, 0xffff)
          : rng.int(0x10000, 0x10ffff);
    s += cp >= 0xd800 && cp <= 0xdfff ? ' ' : String.fromCodePoint(cp);
  }
  return s;
});
const tokenizer = trainBpe(
  Array.from({ length: 30 }, () => corpus),
  { vocabSize: 800 },
);

const model = createGPT({ vocab: tokenizer.vocabSize, ctx: 128, layers: 2, dModel: 32, heads: 4 }, 7);
for (const { tensor } of model.namedParameters()) {
  for (let i = 0; i < tensor.size; i++) tensor.data[i] += 0.2 * rng.normal();
}
await saveCheckpoint(join(out, 'ckpt'), { model, tokenizer });

const messages = [
  { role: 'system', content: 'You write rigorous proofs.' },
  { role: 'user', content: 'Prove that √2 is irrational. 证明' },
];
const promptIds = tokenizer.encode(applyChatTemplate(messages, { addGenerationPrompt: true }));
const logits = noGrad(() => model.forward(Int32Array.from(promptIds), 1, promptIds.length)); // [1, T, V]
writeFileSync(
  join(out, 'ours.json'),
  JSON.stringify({
    messages,
    promptIds,
    logitsShape: logits.shape,
    logits: Array.from(logits.data),
    lines,
    lineIds: lines.map((l) => tokenizer.encode(l)),
    fuzz,
    fuzzIds: fuzz.map((l) => tokenizer.encode(l)),
    corpusIds: tokenizer.encode(corpus),
  }),
);
writeFileSync(join(out, 'corpus.txt'), corpus);

// The same for a model with rotary positions, which exports as GPT-NeoX: odd-sized heads would not
// rotate, so 4 heads of 8; the prompt runs past position 64 so that low-frequency pairs turn too.
const rope = createGPT(
  { vocab: tokenizer.vocabSize, ctx: 128, layers: 2, dModel: 32, heads: 4, positions: 'rope' },
  8,
);
for (const { tensor } of rope.namedParameters()) {
  for (let i = 0; i < tensor.size; i++) tensor.data[i] += 0.2 * rng.normal();
}
await saveCheckpoint(join(out, 'ckpt-rope'), { model: rope, tokenizer });
const longIds = tokenizer.encode(lines.slice(0, 4).join('\n')).slice(0, 100);
const ropeLogits = noGrad(() => rope.forward(Int32Array.from(longIds), 1, longIds.length));
writeFileSync(
  join(out, 'ours-rope.json'),
  JSON.stringify({ ids: longIds, logitsShape: ropeLogits.shape, logits: Array.from(ropeLogits.data) }),
);

// The demo's model shape: rotary positions and embeddings of the 3 previous tokens, which exports as
// "qed_tiny" (GPT-NeoX plus those tables, loaded with trust_remote_code).
const prev = createGPT(
  { vocab: tokenizer.vocabSize, ctx: 128, layers: 2, dModel: 32, heads: 4, positions: 'rope', prevTokens: 3 },
  9,
);
for (const { tensor } of prev.namedParameters()) {
  for (let i = 0; i < tensor.size; i++) tensor.data[i] += 0.2 * rng.normal();
}
await saveCheckpoint(join(out, 'ckpt-prev'), { model: prev, tokenizer });
const prevLogits = noGrad(() => prev.forward(Int32Array.from(longIds), 1, longIds.length));
writeFileSync(
  join(out, 'ours-prev.json'),
  JSON.stringify({ ids: longIds, logitsShape: prevLogits.shape, logits: Array.from(prevLogits.data) }),
);
