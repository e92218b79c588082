// createGrader(spec): the one factory behind `qed grade`, `qed eval` and the RL reward. LLM judge
// specs (rubric | proofbench, one or several judge models, K samples each) become an LlmJudge or an
// ensemble; `{kind:'programmatic', name}` loads a rule-based grader; `{scheme:'answer'}` the answer checker.
import type { Provider } from '../providers/types.ts';
import { createAnswerGrader, type AnswerGraderOptions } from '../answers/answer-grader.ts';
import { createMockProvider } from '../providers/mock-provider.ts';
import { createMockJudge } from './mock-judge.ts';
import { createEnsembleGrader, type Aggregate } from './ensemble.ts';
import { createLlmJudge, type LlmJudgeOptions } from './llm-judge.ts';
import type { JudgeScheme } from './parse-judge.ts';
import type { MissingThinkPolicy } from './prepare-proof.ts';
import type { Grader } from './types.ts';

export interface JudgeSpec {
  scheme: JudgeScheme;
  /** One judge model, or several (an ensemble across models). */
  judgeModel: string | string[];
  /** A ready provider for every judge call; otherwise one is made per model with `createProvider`. */
  provider?: Provider;
  /** Judge samples per model and attempt (default 1). */
  samples?: number;
  aggregate?: Aggregate;
  retries?: number;
  template?: string;
  temperature?: number;
  maxTokens?: number;
  missingThink?: MissingThinkPolicy;
  /** Provider config file (endpoints) passed to `createProvider`. */
  config?: string;
  concurrency?: number;
  timeoutMs?: number;
}

export interface ProgrammaticSpec {
  kind: 'programmatic';
  /** Registered programmatic grader: `toy`. */
  name: string;
  options?: Record<string, unknown>;
}

export interface AnswerSpec extends AnswerGraderOptions {
  scheme: 'answer';
}

export type GraderSpec = JudgeSpec | ProgrammaticSpec | AnswerSpec;

const PROGRAMMATIC: Record<string, { module: string; factory: string }> = {
  toy: { module: '../toy/index.ts', factory: 'createToyGrader' },
};

export async function createGrader(spec: GraderSpec): Promise<Grader> {
  if ('kind' in spec) return createProgrammaticGrader(spec);
  if (spec.scheme === 'answer') return createAnswerGrader(spec);
  if (spec.scheme !== 'rubric' && spec.scheme !== 'proofbench') {
    throw new Error(`unknown grading scheme "${String(spec.scheme)}" (use rubric, proofbench or answer)`);
  }
  const models = Array.isArray(spec.judgeModel) ? spec.judgeModel : [spec.judgeModel];
  if (models.length === 0 || models.some((m) => !m))
    throw new Error('--judge-model is required for LLM grading');
  const members: Grader[] = [];
  for (const model of models) {
    // the scripted judge wins even over a given provider (`mock` providers answer with proofs)
    const scripted = MOCK_JUDGE.test(model);
    const provider = scripted || !spec.provider ? await judgeProvider(model, spec) : spec.provider;
    const opts: LlmJudgeOptions = {
      scheme: spec.scheme,
      provider,
      judgeModel: spec.provider && !scripted ? model : undefined,
      template: spec.template,
      retries: spec.retries,
      temperature: spec.temperature,
      maxTokens: spec.maxTokens,
      missingThink: spec.missingThink,
    };
    members.push(createLlmJudge(opts));
  }
  const samples = spec.samples ?? 1;
  if (members.length === 1 && samples <= 1) return members[0];
  return createEnsembleGrader({ members, samples, aggregate: spec.aggregate });
}

const MOCK_JUDGE = /^mock:judge(?::([0-9.]+))?$/;

async function judgeProvider(model: string, spec: JudgeSpec): Promise<Provider> {
  // `mock:judge` / `mock:judge:0.3`: the in-process scripted judge (optionally with a garbage rate)
  const mock = MOCK_JUDGE.exec(model);
  if (mock) {
    const garbageRate = mock[1] === undefined ? 0 : Number(mock[1]);
    if (!(garbageRate >= 0 && garbageRate <= 1)) throw new Error(`${model}: garbage rate must be in [0, 1]`);
    return createMockProvider({ model, respond: createMockJudge({ garbageRate }) });
  }
  const { createProvider } = await import('../providers/index.ts');
  // Judge prompts carry a fresh random fence on every call, so a response cache could never hit.
  return createProvider({
    model,
    cache: false,
    config: spec.config,
    concurrency: spec.concurrency,
    timeoutMs: spec.timeoutMs,
  });
}

async function createProgrammaticGrader(spec: ProgrammaticSpec): Promise<Grader> {
  const entry = PROGRAMMATIC[spec.name];
  if (!entry) {
    throw new Error(
      `unknown programmatic grader "${spec.name}" (known: ${Object.keys(PROGRAMMATIC).join(', ')})`,
    );
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(entry.module)) as Record<string, unknown>;
  } catch (e) {
    throw new Error(
      `programmatic grader "${spec.name}": cannot load ${entry.module.replace('../', 'src/')} (${(e as Error).message})`,
    );
  }
  const factory = mod[entry.factory];
  if (typeof factory !== 'function') {
    throw new Error(`programmatic grader "${spec.name}": ${entry.module} does not export ${entry.factory}()`);
  }
  const grader = (await (factory as (o?: Record<string, unknown>) => Grader | Promise<Grader>)(
    spec.options,
  )) as Grader;
  if (!grader || typeof grader.grade !== 'function' || !grader.info) {
    throw new Error(`programmatic grader "${spec.name}": ${entry.factory}() did not return a Grader`);
  }
  return grader;
}
