// Olympiad-lite data for the recipe: the tokenizer (BPE trained on the pretraining corpus and the
// SFT texts), pretraining examples (the corpus cut into context-sized chunks, loss everywhere) and SFT
// examples (teacher rows with the scaffolds' prompts, loss on the proof), optionally filtered by grade.
import { trainBpe } from '../tiny/tokenizer-train.ts';
import type { Tokenizer } from '../tiny/tokenizer.ts';
import { type Example, encodeExample } from './sequences.ts';

export function trainRecipeTokenizer(
  corpus: string,
  rows: ReadonlyArray<{ prompt: string; proof: string }>,
  vocabSize: number,
): Tokenizer {
  return trainBpe([corpus, ...rows.map((r) => `${r.prompt}\n${r.proof}`)], { vocabSize });
}

export function pretrainExamples(tokenizer: Tokenizer, corpus: string, ctx: number): Example[] {
  const ids = tokenizer.encode(corpus, { allowSpecial: false });
  const out: Example[] = [];
  for (let i = 0; i + 2 <= ids.length; i += ctx) out.push({ ids: ids.slice(i, i + ctx), promptLen: 0 });
  return out;
}

export interface SftFilter {
  /** Keep rows whose teacher grade is at least this (FineProofs-style filtering). */
  minGrade?: number;
}

export function sftExamples(
  tokenizer: Tokenizer,
  rows: ReadonlyArray<{ prompt: string; proof: string; grade?: number | null }>,
  ctx: number,
  filter: SftFilter = {},
): Example[] {
  const out: Example[] = [];
  for (const r of rows) {
    // Ungraded rows pass the filter; a failed grading (null) is no evidence of quality and does not.
    if (filter.minGrade !== undefined && (r.grade === null || (r.grade ?? 7) < filter.minGrade)) continue;
    const e = encodeExample(tokenizer, r.prompt, r.proof, ctx);
    if (e) out.push(e);
  }
  return out;
}
