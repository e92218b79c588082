// The programmatic summarizer of the reasoning cache, playing the frozen summarizer model of the
// original recipe: it reads only the latest turn and the previous summary, and records the values the
// chain has reached so far — every step value the latest turn claims (its own steps and the values it
// carried), over the previous summary's — as claimed: it adds no reasoning and checks nothing. Only the
// unbroken run from step a is kept, since a proof can carry only that. The new summary replaces the
// previous one. Families other than chains carry nothing between turns.
import type { SummarizeInput } from '../scaffolds/reasoning-cache.ts';
import { carried, parseProof } from './proof-lines.ts';
import { chainValues, parseStatement } from './spec.ts';

export const NOTHING_CARRIED = 'Known: nothing carried.';
export const SUMMARIZER_NAME = 'programmatic summarizer (stands in for the frozen summarizer model)';

/** The summary carrying the values after steps a, b, … (values[i] after step i+1). */
export function summaryText(values: readonly number[]): string {
  return values.length ? `Known: ${carried(values)}.` : NOTHING_CARRIED;
}

/** The values a summary carries ([] for none or for text that is not a summary). */
export function summaryValues(summary: string | null): number[] {
  if (!summary?.startsWith('Known: ')) return [];
  const line = parseProof(`Given. ${summary.slice('Known: '.length)}`)[0];
  return line?.kind === 'given' ? line.values : [];
}

export function summarizeToy(input: Pick<SummarizeInput, 'problem' | 'summary' | 'reasoning'>): string {
  const parsed = parseStatement(input.problem.statement);
  if (!parsed || parsed.spec.family !== 'chain') return NOTHING_CARRIED;
  const L = parsed.spec.ops.length;
  const known = new Map<number, number>(summaryValues(input.summary).map((v, i) => [i + 1, v]));
  for (const line of parseProof(input.reasoning)) {
    if (line.kind === 'given' && line.index <= L) line.values.forEach((v, i) => known.set(i + 1, v));
    else if (line.kind === 'step' && line.index <= L) known.set(line.index, line.c);
  }
  const values: number[] = [];
  while (known.has(values.length + 1)) values.push(known.get(values.length + 1)!);
  return summaryText(values);
}

/** The longest summary a problem can get: every step value (sizes the context). */
export function longestSummary(problem: { statement: string }): string {
  const parsed = parseStatement(problem.statement);
  if (!parsed || parsed.spec.family !== 'chain') return NOTHING_CARRIED;
  return summaryText(chainValues(parsed.spec).slice(1));
}
