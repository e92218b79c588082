// Cost estimate before `qed distill` starts (`--dry-run`): tokens × the price table for the teacher and,
// for LLM judges, the judge. Prompt tokens are counted from the rendered prompts (≈ 4 characters per
// token); completions are assumed to use `expectedCompletionTokens` (default: the max-tokens budget).
import type { Problem } from '../core/problem.ts';
import { costOf, priceOf } from '../providers/prices.ts';
import type { PriceTable } from '../providers/prices.ts';

export interface CostEstimateOptions {
  problems: Problem[];
  samples: number;
  renderPrompt: (p: Problem) => string;
  teacherModel: string;
  judgeModel?: string;
  judgeSamples?: number;
  prices: PriceTable;
  expectedCompletionTokens: number;
  /** Judge reply budget (default 2048 tokens). */
  judgeCompletionTokens?: number;
}

export interface CostEstimate {
  generations: number;
  promptTokens: number;
  completionTokens: number;
  teacherCost: number;
  judgeCalls: number;
  judgePromptTokens: number;
  judgeCompletionTokens: number;
  judgeCost: number;
  totalCost: number;
  /** Models with no price entry: their cost is counted as 0 and shown, never hidden. */
  unpriced: string[];
}

export const approxTokens = (text: string): number => Math.ceil(text.length / 4);

// The judge template's own text (instructions, output format) around the problem and the proof.
const JUDGE_TEMPLATE_TOKENS = 600;

export function estimateDistillCost(o: CostEstimateOptions): CostEstimate {
  let promptTokens = 0;
  let judgePromptTokens = 0;
  for (const p of o.problems) {
    const prompt = approxTokens(o.renderPrompt(p));
    promptTokens += prompt * o.samples;
    const context = approxTokens(
      [
        p.statement,
        p.referenceSolution ?? '',
        p.gradingGuidelines ?? '',
        JSON.stringify(p.rubric ?? ''),
      ].join('\n'),
    );
    judgePromptTokens +=
      (JUDGE_TEMPLATE_TOKENS + context + o.expectedCompletionTokens) * o.samples * (o.judgeSamples ?? 1);
  }
  const generations = o.problems.length * o.samples;
  const completionTokens = generations * o.expectedCompletionTokens;
  const teacherPrice = priceOf(o.prices, o.teacherModel);
  const unpriced = teacherPrice ? [] : [o.teacherModel];
  const teacherCost = costOf(teacherPrice, promptTokens, completionTokens);
  const judgeCalls = o.judgeModel ? generations * (o.judgeSamples ?? 1) : 0;
  const judgeCompletionTokens = judgeCalls * (o.judgeCompletionTokens ?? 2048);
  let judgeCost = 0;
  if (o.judgeModel) {
    const price = priceOf(o.prices, o.judgeModel);
    if (!price) unpriced.push(o.judgeModel);
    judgeCost = costOf(price, judgePromptTokens, judgeCompletionTokens);
  } else judgePromptTokens = 0;
  return {
    generations,
    promptTokens,
    completionTokens,
    teacherCost,
    judgeCalls,
    judgePromptTokens,
    judgeCompletionTokens,
    judgeCost,
    totalCost: teacherCost + judgeCost,
    unpriced,
  };
}

export function formatCostEstimate(e: CostEstimate): string {
  const $ = (x: number) => `$${x.toFixed(2)}`;
  return [
    `teacher: ${e.generations} generations, ~${e.promptTokens.toLocaleString('en')} prompt + ≤${e.completionTokens.toLocaleString('en')} completion tokens → ${$(e.teacherCost)}`,
    e.judgeCalls > 0
      ? `judge:   ${e.judgeCalls} calls, ~${e.judgePromptTokens.toLocaleString('en')} prompt + ≤${e.judgeCompletionTokens.toLocaleString('en')} completion tokens → ${$(e.judgeCost)}`
      : 'judge:   no LLM judge calls',
    `total:   ≤ ${$(e.totalCost)}${e.unpriced.length ? ` (no price for ${e.unpriced.join(', ')}: counted as $0; add it to the provider config's prices)` : ''}`,
  ].join('\n');
}
