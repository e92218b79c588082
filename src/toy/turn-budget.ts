// The per-turn token budget, tied to the tokenizer: long enough for the reference proof of every
// short problem, and by construction too short for every long one, so long problems need several
// reasoning-cache turns. Input: a token counter (the trained tokenizer) and the problems.
import type { Problem } from '../core/problem.ts';
import { metaOf } from './generate.ts';

export type CountTokens = (text: string) => number;

export interface TurnBudget {
  /** Max new tokens per turn. */
  tokens: number;
  shortMax: number;
  longMin: number;
}

/** Budget = short maximum + margin; throws if some long reference proof would fit in one turn. */
export function turnBudget(count: CountTokens, problems: readonly Problem[], margin = 8): TurnBudget {
  let shortMax = 0;
  let longMin = Infinity;
  for (const p of problems) {
    const n = count(p.referenceSolution ?? '');
    if (metaOf(p)?.length === 'long') longMin = Math.min(longMin, n);
    else shortMax = Math.max(shortMax, n);
  }
  const tokens = shortMax + margin;
  if (longMin <= tokens) {
    throw new Error(`turn budget ${tokens} tokens would fit a long reference proof (${longMin} tokens)`);
  }
  return { tokens, shortMax, longMin };
}
