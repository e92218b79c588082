// The programmatic summarizer of the reasoning cache, playing the frozen summarizer model of the
// original recipe: it reads only the latest turn and the previous summary, records the furthest chain
// step the attempt claims (as claimed: it adds no reasoning and checks nothing), and replaces the
// previous summary. Families other than chains carry nothing between turns.
import type { SummarizeInput } from '../scaffolds/reasoning-cache.ts';
import { parseProof } from './proof-lines.ts';
import { LETTERS, parseStatement } from './spec.ts';

export const NOTHING_CARRIED = 'Known: nothing carried.';
export const SUMMARIZER_NAME = 'programmatic summarizer (stands in for the frozen summarizer model)';

export function summaryText(index: number, value: number): string {
  return `Known: step ${LETTERS[index - 1]} gives ${value}.`;
}

/** Furthest step in a summary, or 0. */
export function summaryStep(summary: string | null): number {
  const m = summary ? /^Known: step ([a-x]) gives \d+\.$/.exec(summary) : null;
  return m ? LETTERS.indexOf(m[1]) + 1 : 0;
}

export function summarizeToy(input: Pick<SummarizeInput, 'problem' | 'summary' | 'reasoning'>): string {
  const parsed = parseStatement(input.problem.statement);
  if (!parsed || parsed.spec.family !== 'chain') return NOTHING_CARRIED;
  const L = parsed.spec.ops.length;
  let best = summaryStep(input.summary);
  let text = best > 0 && input.summary ? input.summary : NOTHING_CARRIED;
  for (const line of parseProof(input.reasoning)) {
    if ((line.kind === 'step' || line.kind === 'given') && line.index <= L && line.index > best) {
      best = line.index;
      text = summaryText(line.index, line.kind === 'step' ? line.c : line.value);
    }
  }
  return text;
}
