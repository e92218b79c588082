// `qed rubrics` as a library call: an LLM writes a marking scheme per problem from the statement and the
// reference solution (prompts/rubrics/rubric-gen-v1.md); each reply is validated (schema + rules) and,
// when invalid, the model is re-asked with the list of errors. Results (rubric or recorded failure) are
// appended to DIR/rubrics.jsonl as they finish (resumable); DIR/problems.jsonl gets the problems with
// their rubrics. `--import proofbench` converts existing guidelines instead, with no model calls.
// A run's defining settings are stored at the start; a resume that changes one is refused by name.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import type { Problem } from '../core/problem.ts';
import { keepLines } from '../core/jsonl-scan.ts';
import { RecordLog } from '../core/record-log.ts';
import { checkStoredSettings } from '../core/settings-diff.ts';
import type { Rubric } from '../core/rubric.ts';
import { addUsage, emptyUsage } from '../core/usage.ts';
import type { Usage } from '../core/usage.ts';
import type { ChatMessage, Provider } from '../providers/types.ts';
import { rubricFromProofBench } from './rubric-gen-import.ts';
import { extractJsonObject, validateRubric } from './rubric-gen-validate.ts';

export const RUBRIC_PROMPT_FILE = fileURLToPath(
  new URL('../../prompts/rubrics/rubric-gen-v1.md', import.meta.url),
);
export const RUBRICS_FILE = 'rubrics.jsonl';
export const PROBLEMS_FILE = 'problems.jsonl';
/** The settings that define a rubrics run (dataset, model or import, prompt, sampling), checked on resume. */
export const RUBRICS_SETTINGS_FILE = 'rubrics-settings.json';

export interface RubricRecord {
  problemId: string;
  ok: boolean;
  rubric?: Rubric;
  /** Validation errors of the last reply (or the provider error) when ok is false. */
  errors?: string[];
  attempts: number;
  model: string;
  promptHash: string;
  usage: Usage;
}

export interface GenerateRubricOptions {
  provider: Provider;
  model: string;
  /** Template text with {{problem}}, {{solution}}, {{guidelines}} slots. */
  template: string;
  /** Replies tried per problem, the first included (default 3). */
  maxAttempts?: number;
  temperature?: number;
  maxTokens?: number;
  seed?: number;
}

export function loadRubricTemplate(file = RUBRIC_PROMPT_FILE): { text: string; hash: string } {
  const text = readFileSync(file, 'utf8');
  for (const slot of ['{{problem}}', '{{solution}}']) {
    if (!text.includes(slot)) throw new Error(`${file}: rubric template has no ${slot} slot`);
  }
  return { text, hash: createHash('sha256').update(text).digest('hex').slice(0, 12) };
}

export function renderRubricPrompt(template: string, p: Problem): string {
  const slots: Record<string, string> = {
    problem: p.statement,
    solution: p.referenceSolution ?? '(none given: work from the statement)',
    guidelines: p.gradingGuidelines ?? '',
  };
  return template.replace(/\{\{(problem|solution|guidelines)\}\}/g, (_m, k: string) => slots[k]);
}

export async function generateRubric(
  problem: Problem,
  o: GenerateRubricOptions,
): Promise<Omit<RubricRecord, 'promptHash'>> {
  const messages: ChatMessage[] = [{ role: 'user', content: renderRubricPrompt(o.template, problem) }];
  let usage = emptyUsage();
  let errors: string[] = [];
  const maxAttempts = Math.max(1, o.maxAttempts ?? 3);
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const reply = await o.provider.generate({
      messages,
      model: o.model,
      temperature: o.temperature,
      maxTokens: o.maxTokens,
      seed: (o.seed ?? 0) + attempt,
    });
    usage = addUsage(usage, reply.usage);
    if (!reply.ok)
      return {
        problemId: problem.id,
        ok: false,
        errors: [`provider: ${reply.error}`],
        attempts: attempt,
        model: o.model,
        usage,
      };
    let check;
    try {
      check = validateRubric(extractJsonObject(reply.text), problem.id);
    } catch (e) {
      check = { ok: false as const, errors: [(e as Error).message] };
    }
    if (check.ok)
      return {
        problemId: problem.id,
        ok: true,
        rubric: check.rubric,
        attempts: attempt,
        model: o.model,
        usage,
      };
    errors = check.errors;
    messages.push(
      { role: 'assistant', content: reply.text },
      {
        role: 'user',
        content: `The marking scheme is not valid:\n${errors.map((e) => `- ${e}`).join('\n')}\nAnswer again with the corrected JSON object only.`,
      },
    );
  }
  return { problemId: problem.id, ok: false, errors, attempts: maxAttempts, model: o.model, usage };
}

export interface RubricsRunOptions extends Partial<GenerateRubricOptions> {
  problems: Problem[];
  dir: string;
  /** `proofbench`: convert grading guidelines, no model. */
  importFrom?: 'proofbench';
  concurrency?: number;
  templateHash?: string;
  /** Drop recorded failures first so those problems are done again. */
  retryFailed?: boolean;
  onRecord?: (r: RubricRecord, done: number) => void;
}

export interface RubricsSummary {
  problems: number;
  ok: number;
  failed: number;
  resumedFrom: number;
  meanAttempts: number;
  usage: Usage;
}

/** Stores a new run's settings; on resume, refuses settings that differ from the stored ones. */
export function checkRubricsSettings(dir: string, resumed: boolean, settings: Record<string, unknown>): void {
  checkStoredSettings(dir, join(dir, RUBRICS_SETTINGS_FILE), resumed, settings);
}

/** Rewrites rubrics.jsonl without failed records (a temporary copy renamed over the original). */
function dropFailedRubrics(dir: string): void {
  const path = join(dir, RUBRICS_FILE);
  if (existsSync(path)) keepLines(path, (r) => (r as unknown as RubricRecord).ok);
}

export async function runRubrics(o: RubricsRunOptions): Promise<RubricsSummary> {
  if (o.retryFailed) dropFailedRubrics(o.dir);
  const log = new RecordLog<RubricRecord>({ path: join(o.dir, RUBRICS_FILE), key: (r) => r.problemId });
  const resumedFrom = log.size;
  const todo = o.problems.filter((p) => !log.has(p.id));
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const p = todo[next++];
      let record: RubricRecord;
      if (o.importFrom === 'proofbench') {
        try {
          record = {
            problemId: p.id,
            ok: true,
            rubric: rubricFromProofBench(p),
            attempts: 0,
            model: 'import:proofbench',
            promptHash: '',
            usage: emptyUsage(),
          };
        } catch (e) {
          record = {
            problemId: p.id,
            ok: false,
            errors: [(e as Error).message],
            attempts: 0,
            model: 'import:proofbench',
            promptHash: '',
            usage: emptyUsage(),
          };
        }
      } else {
        if (!o.provider || !o.model || !o.template)
          throw new Error('rubric generation needs a provider, a model and a template');
        const r = await generateRubric(p, {
          ...o,
          provider: o.provider,
          model: o.model,
          template: o.template,
        });
        record = { ...r, promptHash: o.templateHash ?? '' };
      }
      log.append(record);
      o.onRecord?.(record, log.size);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 8) }, worker));
  } finally {
    log.close();
  }
  const records = new Map(log.readAll().map((r) => [r.problemId, r]));
  const withRubrics = o.problems.map((p) => {
    const r = records.get(p.id);
    return r?.ok && r.rubric ? { ...p, rubric: r.rubric } : p;
  });
  writeFileSync(join(o.dir, PROBLEMS_FILE), withRubrics.map((p) => `${JSON.stringify(p)}\n`).join(''));
  const all = [...records.values()];
  const ok = all.filter((r) => r.ok).length;
  return {
    problems: o.problems.length,
    ok,
    failed: all.length - ok,
    resumedFrom,
    meanAttempts: all.length ? all.reduce((s, r) => s + r.attempts, 0) / all.length : 0,
    usage: all.reduce((u, r) => addUsage(u, r.usage), emptyUsage()),
  };
}
