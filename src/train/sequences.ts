// Token sequences for training: a (prompt, completion) pair becomes the exact ids the local provider
// sees at inference (ChatML prompt with the assistant turn opened) plus the completion and <|im_end|>;
// only completion tokens carry loss. Packing puts whole examples into rows of at most ctx tokens; each
// keeps its own positions (from 0) and attends only to itself, so packing changes no example's loss.
import type { Rng } from '../core/rng.ts';
import { chatPromptIds } from '../providers/local.ts';
import { IM_END } from '../tiny/chat-template.ts';
import type { Tokenizer } from '../tiny/tokenizer.ts';

export interface Example {
  ids: number[];
  /** Number of leading prompt tokens (no loss on them). */
  promptLen: number;
}

export function promptIds(tokenizer: Tokenizer, prompt: string): number[] {
  return chatPromptIds(tokenizer, [{ role: 'user', content: prompt }]);
}

export function endId(tokenizer: Tokenizer): number {
  const id = tokenizer.specialId(IM_END);
  if (id === undefined) throw new Error(`tokenizer has no ${IM_END} token`);
  return id;
}

/** Encodes a pair; completions that do not fit the context are cut (the cut part carries no loss). */
export function encodeExample(
  tokenizer: Tokenizer,
  prompt: string,
  completion: string,
  ctx: number,
): Example | null {
  const p = promptIds(tokenizer, prompt);
  if (p.length >= ctx - 1) return null;
  const ids = [...p, ...tokenizer.encode(completion, { allowSpecial: false }), endId(tokenizer)].slice(
    0,
    ctx,
  );
  return { ids, promptLen: p.length };
}

/** One training row: ids, per-position targets (-100 = no loss) and each token's position in its example. */
export interface Row {
  ids: number[];
  targets: number[];
  positions: number[];
}

function rowOf(examples: Example[]): Row {
  const ids: number[] = [];
  const targets: number[] = [];
  const positions: number[] = [];
  for (const e of examples) {
    for (let t = 0; t < e.ids.length; t++) {
      ids.push(e.ids[t]);
      targets.push(t + 1 < e.ids.length && t + 1 >= e.promptLen ? e.ids[t + 1] : -100);
      positions.push(t);
    }
  }
  return { ids, targets, positions };
}

/** Greedy first-fit packing of whole examples into rows of at most ctx tokens (or one example per row). */
export function packExamples(examples: readonly Example[], ctx: number, pack = true): Row[] {
  if (!pack) return examples.map((e) => rowOf([e]));
  const bins: Array<{ len: number; items: Example[] }> = [];
  const sorted = [...examples].sort((a, b) => b.ids.length - a.ids.length);
  for (const e of sorted) {
    const bin = bins.find((b) => b.len + e.ids.length <= ctx);
    if (bin) {
      bin.items.push(e);
      bin.len += e.ids.length;
    } else bins.push({ len: e.ids.length, items: [e] });
  }
  return bins.map((b) => rowOf(b.items));
}

/**
 * Pads rows to the longest one into [B, T] inputs, targets (-100 on padding) and positions (padding
 * continues the row's last example; it carries no loss and nothing real attends to it).
 */
export function collate(rows: readonly Row[]): {
  inputs: Int32Array;
  targets: Int32Array;
  positions: Int32Array;
  B: number;
  T: number;
} {
  const B = rows.length;
  const T = Math.max(...rows.map((r) => r.ids.length));
  const inputs = new Int32Array(B * T);
  const targets = new Int32Array(B * T).fill(-100);
  const positions = new Int32Array(B * T);
  rows.forEach((r, b) => {
    inputs.set(r.ids, b * T);
    targets.set(r.targets, b * T);
    positions.set(r.positions, b * T);
    const last = r.positions.length ? r.positions[r.positions.length - 1] : -1;
    for (let t = r.ids.length; t < T; t++) positions[b * T + t] = last + 1 + t - r.ids.length;
  });
  return { inputs, targets, positions, B, T };
}

export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  return rng.shuffle([...items]);
}
