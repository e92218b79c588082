// LLM judge grader for the `rubric` (0–7, RL reward) and `proofbench` (0/1/6/7) schemes: prepares
// and fences the proof, renders the versioned template, calls the judge through any Provider and
// parses the reply; unparseable replies and provider failures are retried, then recorded as failures.
import { attemptId } from '../core/attempt.ts';
import type { Grade, GraderInfo } from '../core/grade.ts';
import type { Problem } from '../core/problem.ts';
import { deriveSeed } from '../core/rng.ts';
import { addUsage, emptyUsage, type Usage } from '../core/usage.ts';
import type { GenerateRequest, Provider } from '../providers/types.ts';
import { parseJudgement, type JudgeScheme } from './parse-judge.ts';
import { makeFence, prepareProof, type MissingThinkPolicy } from './prepare-proof.ts';
import { DEFAULT_TEMPLATES, loadTemplate, renderRubric, renderTemplate } from './templates.ts';
import type { GradeInput, GradeOptions, Grader } from './types.ts';

export interface LlmJudgeOptions {
  scheme: JudgeScheme;
  provider: Provider;
  /** Judge model name passed in each request (defaults to the provider's own). */
  judgeModel?: string;
  /** Template id under prompts/grading/ or a .txt path (default: `<scheme>-v1`). */
  template?: string;
  /** Extra judge calls after a failed or unparseable one (default 2, so 3 calls at most). */
  retries?: number;
  temperature?: number;
  maxTokens?: number;
  extra?: GenerateRequest['extra'];
  missingThink?: MissingThinkPolicy;
  /**
   * `false` sends the raw text without reasoning removal, stripping or fencing. Only for measuring
   * what preparation buys (the adversarial tests); never the default.
   */
  prepare?: boolean;
}

export function createLlmJudge(opts: LlmJudgeOptions): Grader {
  const template = loadTemplate(opts.template ?? DEFAULT_TEMPLATES[opts.scheme]);
  const retries = opts.retries ?? 2;
  const prepare = opts.prepare !== false;
  const missingThink = opts.missingThink ?? 'keep';
  const info: GraderInfo = {
    kind: 'llm-judge',
    scheme: opts.scheme,
    model: opts.judgeModel ?? opts.provider.name,
    templateId: template.id,
    templateHash: template.hash,
    proofPreparation: prepare ? `missing-think=${missingThink};strip-self-assessment;fence` : 'none',
  };
  // Judge seeds derive from the attempt and the call number for it, so K ensemble samples differ
  // and a rerun asks the same questions with the same seeds.
  const callsPerAttempt = new Map<string, number>();

  async function grade({ problem, attempt }: GradeInput, options: GradeOptions = {}): Promise<Grade> {
    const base = {
      attemptId: attemptId(attempt),
      problemId: attempt.problemId,
      sampleIndex: attempt.sampleIndex,
      grader: info,
    };
    const failed = (graderError: string, usage: Usage = emptyUsage(), assessment = ''): Grade => ({
      ...base,
      score: null,
      graderError,
      assessment,
      errors: [],
      usage,
    });
    if (attempt.error) return failed(`not graded: generation failed (${attempt.error})`);
    const scheme = markingScheme(problem, opts.scheme);
    if (!scheme.ok) return failed(scheme.error);

    const prepared = prepare
      ? prepareProof(attempt.finalProof, { missingThink })
      : { text: attempt.finalProof, think: 'none' as const, stripped: [] };
    if (prepared.text.trim() === '') {
      // Nothing to grade is a real 0 for the attempt, not a grader failure.
      const why = prepared.think === 'unclosed' ? 'reasoning never closed with </think>' : 'empty proof';
      return {
        ...base,
        score: 0,
        assessment: `${why}; judge not called`,
        errors: [why],
        usage: emptyUsage(),
      };
    }

    let usage = emptyUsage();
    let lastError = '';
    for (let attemptNo = 0; attemptNo <= retries; attemptNo++) {
      if (options.signal?.aborted) return failed('aborted', usage);
      const fence = prepare ? makeFence(prepared.text) : 'PROOF';
      const prompt = renderTemplate(template, {
        fence,
        problem: problem.statement,
        scheme: scheme.text,
        reference: problem.referenceSolution?.trim() || '(not provided)',
        reference_section: problem.referenceSolution?.trim()
          ? `\n# Reference solution\n${problem.referenceSolution.trim()}\n`
          : '',
        proof: prepared.text,
      });
      const result = await opts.provider.generate(
        {
          messages: [{ role: 'user', content: prompt }],
          model: opts.judgeModel,
          temperature: opts.temperature,
          maxTokens: opts.maxTokens,
          extra: opts.extra,
          seed: nextSeed(base.attemptId),
        },
        { signal: options.signal },
      );
      usage = addUsage(usage, result.usage);
      if (!result.ok) {
        lastError = `judge call failed: ${result.error}`;
        continue;
      }
      const parsed = parseJudgement(result.text, opts.scheme);
      if (parsed.score !== null) {
        return { ...base, score: parsed.score, assessment: parsed.assessment, errors: parsed.errors, usage };
      }
      lastError = `unparseable judge reply: ${parsed.error}`;
    }
    return failed(`${lastError} (after ${retries + 1} judge calls)`, usage);
  }

  function nextSeed(id: string): number {
    const k = callsPerAttempt.get(id) ?? 0;
    callsPerAttempt.set(id, k + 1);
    return deriveSeed('judge', id, k);
  }

  return { info, grade };
}

/** The marking scheme text a scheme needs: a structured rubric (rendered) or free-text guidelines. */
function markingScheme(
  problem: Problem,
  scheme: JudgeScheme,
): { ok: true; text: string } | { ok: false; error: string } {
  const guidelines = problem.gradingGuidelines?.trim();
  if (scheme === 'proofbench') {
    if (guidelines) return { ok: true, text: guidelines };
    if (problem.rubric) return { ok: true, text: renderRubric(problem.rubric) };
  } else {
    if (problem.rubric) return { ok: true, text: renderRubric(problem.rubric) };
    if (guidelines) return { ok: true, text: guidelines };
  }
  return { ok: false, error: `problem ${problem.id} has no rubric or grading guidelines to grade against` };
}
