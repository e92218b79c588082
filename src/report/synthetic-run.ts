// A synthetic evaluation run (seeded): problems.jsonl + run.json in the RunLog format, with real
// metrics from the eval accumulator. Used by report/viewer tests and to size the viewer at 10k
// attempts; `hostile` puts HTML/script payloads into proofs and judge text to test escaping.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Attempt } from '../core/attempt.ts';
import { environmentInfo } from '../core/environment.ts';
import type { Grade } from '../core/grade.ts';
import type { Problem } from '../core/problem.ts';
import { Rng } from '../core/rng.ts';
import { RUN_LOG_SCHEMA_VERSION } from '../core/run-log.ts';
import type { RunLog } from '../core/run-log.ts';
import { MetricsAccumulator } from '../eval/metrics.ts';

export interface SyntheticRunOptions {
  dir: string;
  problems?: number;
  samplesPerProblem?: number;
  model?: string;
  scaffold?: string;
  /** Shifts scores: 0 = uniform-ish, positive = better. */
  skill?: number;
  /** Completion tokens per turn, on average. */
  tokensPerTurn?: number;
  seed?: number;
  hostile?: boolean;
}

const CATEGORIES = ['Algebra', 'Combinatorics', 'Geometry', 'Number theory'];
const LEVELS = ['pre-IMO', 'IMO-easy', 'IMO-medium', 'IMO-hard'];
export const HOSTILE_PROOF =
  'Proof. <script>window.__pwned = 1</script> <img src=x onerror="window.__pwned = 2"> [click](javascript:window.__pwned=3) so $x^2 \\ge 0$.';

export function writeSyntheticRun(opts: SyntheticRunOptions): { problems: Problem[]; runLog: RunLog } {
  const rng = new Rng(opts.seed ?? 1);
  const nProblems = opts.problems ?? 60;
  const k = opts.samplesPerProblem ?? 4;
  const scaffold = opts.scaffold ?? 'reasoning-cache';
  const model = opts.model ?? 'mock-model';
  const problems: Problem[] = Array.from({ length: nProblems }, (_, i) => ({
    id: `P-${String(i + 1).padStart(4, '0')}`,
    statement: `Show that for all real $x$ we have $x^2 + ${i} \\ge ${i}$. Problem **${i + 1}**.`,
    referenceSolution:
      'Since $x^2 \\ge 0$, adding the constant gives the claim. $$\\sum_{k=1}^n k = \\frac{n(n+1)}{2}$$',
    gradingGuidelines: '(Partial)\n 1. Notes that $x^2 \\ge 0$.\n(Almost)\n 1. Minor slip in the final step.',
    category: CATEGORIES[i % CATEGORIES.length],
    difficulty: LEVELS[i % LEVELS.length],
  }));
  const acc = new MetricsAccumulator({ seed: opts.seed ?? 1 });
  const samples: RunLog['samples'] = [];
  const usage = (completion: number) => ({
    promptTokens: 200,
    completionTokens: completion,
    reasoningTokens: Math.floor(completion / 2),
    cost: completion * 1e-6,
    latencyMs: 100,
    calls: 1,
  });
  for (const [pi, p] of problems.entries()) {
    for (let s = 0; s < k; s++) {
      const tokens = Math.max(1, Math.round((opts.tokensPerTurn ?? 800) * (0.5 + rng.next())));
      const turns =
        scaffold === 'reasoning-cache'
          ? [
              {
                role: 'reason',
                content: `Attempt ${s}: consider $x^2$.`,
                reasoning: 'Let me think about $x$.',
                usage: usage(tokens),
              },
              {
                role: 'summarize',
                content: `Summary: we showed $x^2 \\ge 0$ (sample ${s}).`,
                usage: usage(tokens >> 2),
              },
              { role: 'reason', content: `Final proof for ${p.id}.`, usage: usage(tokens) },
            ]
          : [{ role: 'answer', content: `Proof of ${p.id}.`, usage: usage(tokens) }];
      const failed = rng.next() < 0.01;
      const hostile = opts.hostile && pi === 0 && s === 0;
      const attempt: Attempt = {
        problemId: p.id,
        sampleIndex: s,
        model,
        scaffold,
        turns: turns.map((t) => ({ ...t, model })),
        finalProof: failed
          ? ''
          : hostile
            ? HOSTILE_PROOF
            : `Proof of ${p.id}, sample ${s}: since $x^2 \\ge 0$ the claim holds. $\\blacksquare$`,
        ...(failed ? { error: 'provider error: HTTP 500 after 3 retries' } : {}),
        usage: turns.reduce(
          (u, t) => ({
            promptTokens: u.promptTokens + t.usage.promptTokens,
            completionTokens: u.completionTokens + t.usage.completionTokens,
            reasoningTokens: u.reasoningTokens + t.usage.reasoningTokens,
            cost: u.cost + t.usage.cost,
            latencyMs: u.latencyMs + t.usage.latencyMs,
            calls: u.calls + 1,
          }),
          { promptTokens: 0, completionTokens: 0, reasoningTokens: 0, cost: 0, latencyMs: 0, calls: 0 },
        ),
        cost: 0,
      };
      let grade: Grade | null = null;
      if (!failed) {
        const graderError = rng.next() < 0.01;
        const raw = Math.min(1, Math.max(0, rng.next() + (opts.skill ?? 0)));
        const score = graderError ? null : [0, 1, 6, 7][Math.min(3, Math.floor(raw * 4))];
        grade = {
          attemptId: `${p.id}#${s}`,
          problemId: p.id,
          sampleIndex: s,
          score,
          ...(graderError ? { graderError: 'judge reply had no <points> tag' } : {}),
          assessment: hostile
            ? 'Judge: <b>bold?</b> <script>window.__pwned = 4</script> the bound $x^2 \\ge 0$ is used correctly.'
            : `The proof uses $x^2 \\ge 0$ correctly; score ${score ?? 'n/a'}.`,
          errors: score !== null && score < 7 ? ['The final step skips a case.'] : [],
          grader: { kind: 'llm-judge', scheme: 'proofbench', model: 'mock-judge' },
          usage: usage(50),
        };
      }
      acc.add(attempt, grade, { category: p.category, difficulty: p.difficulty });
      samples.push({ attempt, grade });
    }
  }
  const runLog: RunLog = {
    schemaVersion: RUN_LOG_SCHEMA_VERSION,
    kind: 'eval',
    createdAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:10:00.000Z',
    config: {
      model,
      scaffold,
      scaffoldOptions: {},
      samples: k,
      seed: opts.seed ?? 1,
      dataset: 'problems.jsonl',
      grader: { kind: 'llm-judge', scheme: 'proofbench', model: 'mock-judge' },
    },
    environment: environmentInfo(),
    samples,
    metrics: { ...acc.result() },
  };
  writeFileSync(join(opts.dir, 'problems.jsonl'), problems.map((p) => JSON.stringify(p)).join('\n') + '\n');
  writeFileSync(join(opts.dir, 'run.json'), JSON.stringify(runLog));
  return { problems, runLog };
}
