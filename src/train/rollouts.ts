// Rollouts for RL: sample G completions per prompt with the KV-cache sampler (per-sample seeds), decode
// them, and grade each with any Grader against its problem. Grader failures stay null (left out of the
// group), never 0. Also the reasoning-cache trajectories: reason → summarize cycles whose summaries
// become the start states of refinement turns.
import type { Attempt } from '../core/attempt.ts';
import type { Problem } from '../core/problem.ts';
import { deriveSeed } from '../core/rng.ts';
import { emptyUsage } from '../core/usage.ts';
import type { Grader } from '../grading/types.ts';
import { splitThinking } from '../scaffolds/think.ts';
import type { GPT } from '../tiny/gpt.ts';
import { sample } from '../tiny/sample.ts';
import type { Tokenizer } from '../tiny/tokenizer.ts';
import { endId, promptIds } from './sequences.ts';

export interface PromptGroup {
  problem: Problem;
  prompt: string;
  /** Free label (e.g. "rc-state-2") recorded in logs. */
  tag?: string;
}

export interface Rollout {
  group: number;
  problem: Problem;
  prompt: number[];
  /** Completion tokens, plus the stop token when the sample stopped (it is an action too). */
  completion: number[];
  /** The sampling policy's log-prob of each completion token (the old log-probs of the GRPO ratio). */
  logprobs: number[];
  text: string;
  finishReason: 'stop' | 'length';
  score: number | null;
  graderError?: string;
}

export interface SampleGroupsOptions {
  model: GPT;
  tokenizer: Tokenizer;
  groups: readonly PromptGroup[];
  groupSize: number;
  maxNewTokens: number;
  temperature: number;
  topP?: number;
  seed: number;
}

/** Samples groupSize completions for each prompt in one batched call. */
export function sampleGroups(o: SampleGroupsOptions): Array<Omit<Rollout, 'score'>> {
  const stop = endId(o.tokenizer);
  const prompts: number[][] = [];
  const seeds: number[] = [];
  const owners: number[] = [];
  o.groups.forEach((g, gi) => {
    const ids = promptIds(o.tokenizer, g.prompt);
    for (let s = 0; s < o.groupSize; s++) {
      prompts.push(ids);
      seeds.push(deriveSeed(o.seed, gi, s));
      owners.push(gi);
    }
  });
  const fits = prompts.map((p) => p.length < o.model.config.ctx - 1);
  const outs = sample(o.model, {
    prompts: prompts.filter((_, i) => fits[i]),
    seeds: seeds.filter((_, i) => fits[i]),
    maxNewTokens: o.maxNewTokens,
    temperature: o.temperature,
    topP: o.topP ?? 1,
    stopTokens: [stop],
  });
  let k = 0;
  return prompts.flatMap((p, i) => {
    if (!fits[i]) return [];
    const r = outs[k++];
    const text = o.tokenizer.decode(r.tokens, { skipSpecial: true });
    return [
      {
        group: owners[i],
        problem: o.groups[owners[i]].problem,
        prompt: p,
        completion: r.finishReason === 'stop' ? [...r.tokens, stop] : r.tokens,
        logprobs: r.policyLogprobs,
        text,
        finishReason: r.finishReason,
      },
    ];
  });
}

export function attemptOf(problem: Problem, sampleIndex: number, text: string, scaffold = 'pure'): Attempt {
  return {
    problemId: problem.id,
    sampleIndex,
    scaffold,
    turns: [],
    finalProof: splitThinking(text).content,
    usage: emptyUsage(),
    cost: 0,
  };
}

/** Grades rollouts with bounded concurrency; failures become null scores with the error kept. */
export async function gradeRollouts(
  rollouts: ReadonlyArray<Omit<Rollout, 'score'>>,
  grader: Grader,
  concurrency = 8,
): Promise<Rollout[]> {
  const out: Rollout[] = new Array(rollouts.length);
  let next = 0;
  const worker = async () => {
    while (next < rollouts.length) {
      const i = next++;
      const r = rollouts[i];
      try {
        const g = await grader.grade({ problem: r.problem, attempt: attemptOf(r.problem, i, r.text) });
        out[i] = { ...r, score: g.score, ...(g.graderError ? { graderError: g.graderError } : {}) };
      } catch (e) {
        out[i] = { ...r, score: null, graderError: (e as Error).message };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, rollouts.length) }, worker));
  return out;
}
