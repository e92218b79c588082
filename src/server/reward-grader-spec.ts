// Turns the reward server's `--grader NAME` into a GraderSpec for `createGrader`: `toy` (or any
// registered programmatic grader, also as `programmatic:NAME`), `answer`, `rubric:JUDGE_MODEL`,
// `proofbench:JUDGE_MODEL`, or a JSON file holding a full GraderSpec.
import { readFileSync } from 'node:fs';
import type { GraderSpec } from '../grading/index.ts';

export interface GraderNameOptions {
  providerConfig?: string;
  samples?: number;
  timeoutMs?: number;
  concurrency?: number;
}

export function graderSpecOf(name: string, opts: GraderNameOptions = {}): GraderSpec {
  if (name.endsWith('.json')) {
    let spec: unknown;
    try {
      spec = JSON.parse(readFileSync(name, 'utf8')) as unknown;
    } catch (e) {
      throw new Error(`${name}: cannot read grader spec (${(e as Error).message})`);
    }
    if (typeof spec !== 'object' || spec === null)
      throw new Error(`${name}: grader spec must be a JSON object`);
    return spec as GraderSpec;
  }
  const colon = name.indexOf(':');
  const head = colon < 0 ? name : name.slice(0, colon);
  const rest = colon < 0 ? '' : name.slice(colon + 1);
  if (head === 'programmatic') return { kind: 'programmatic', name: rest };
  if (head === 'answer') return { scheme: 'answer', ...(rest ? { judgeModel: rest } : {}) };
  if (head === 'rubric' || head === 'proofbench') {
    if (!rest)
      throw new Error(`--grader ${head}:JUDGE_MODEL needs a judge model, e.g. ${head}:openai/gpt-oss-20b`);
    return {
      scheme: head,
      judgeModel: rest.split(','),
      samples: opts.samples,
      config: opts.providerConfig,
      timeoutMs: opts.timeoutMs,
      concurrency: opts.concurrency,
    };
  }
  if (colon < 0) return { kind: 'programmatic', name };
  throw new Error(
    `unknown grader "${name}" (use toy, answer, rubric:MODEL, proofbench:MODEL or a .json spec)`,
  );
}
