// Input side of `qed export`: reads a dataset file and classifies it as RL problems (statement, rubric,
// reference…) or SFT records (chat `messages`, or problem + proof columns as in FineProofs-SFT / our
// distill output). Everything downstream works on these two normalised shapes.
import { InputError } from '../core/errors.ts';
import { ProblemSchema } from '../core/problem.ts';
import type { Problem } from '../core/problem.ts';
import { readRecordsOf } from '../data/dedup-records.ts';
import { recordToProblem } from '../data/problem-columns.ts';
import { validateRecord } from '../data/validate.ts';
import type { PromptTemplate } from '../generate/prompt.ts';
import { renderPrompt } from '../generate/prompt.ts';

export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface SftExample {
  id: string;
  problemId: string;
  messages: ChatTurn[];
  /** Teacher grade 0–7 when the record has one. */
  score: number | null;
  source: string;
}

export type ExportKind = 'sft' | 'rl';

const isChat = (v: unknown): v is ChatTurn[] =>
  Array.isArray(v) &&
  v.length > 0 &&
  v.every(
    (m) =>
      typeof m === 'object' &&
      m !== null &&
      typeof (m as ChatTurn).content === 'string' &&
      ['system', 'user', 'assistant'].includes((m as ChatTurn).role),
  );

const PROOF_KEYS = ['proof', 'finalProof', 'completion', 'response'];

/** SFT when records carry chat messages or a proof/completion column; RL (problems) otherwise. */
export function detectKind(first: Record<string, unknown> | undefined): ExportKind {
  if (!first) return 'rl';
  if (isChat(first.messages)) return 'sft';
  return PROOF_KEYS.some((k) => typeof first[k] === 'string') ? 'sft' : 'rl';
}

export async function readExportInput(
  path: string,
  template: PromptTemplate,
  kind?: ExportKind,
): Promise<{ kind: ExportKind; problems: Problem[]; sft: SftExample[] }> {
  const records = await readRecordsOf(path);
  const k = kind ?? detectKind(records[0]?.value);
  const problems: Problem[] = [];
  const sft: SftExample[] = [];
  records.forEach((rec, i) => {
    const loc = rec.where.startsWith('line ')
      ? { file: path, line: Number(rec.where.slice(5)) }
      : { file: path, field: `[${i}]` };
    const v = rec.value;
    if (k === 'rl') {
      const candidate = recordToProblem(v);
      candidate.id ??= `row-${i}`;
      const checked = validateRecord(ProblemSchema, candidate, loc);
      if (!checked.ok) throw checked.error;
      problems.push(checked.value);
      return;
    }
    const grade = v.grade as { score?: unknown } | undefined;
    const rawScore = grade?.score ?? v.score ?? v['gemini-3-pro-grade'];
    const score = typeof rawScore === 'number' ? rawScore : null;
    const problemId = String(v.problemId ?? v.problem_id ?? v.id ?? `row-${i}`);
    const source = String(v.source ?? v.data_source ?? 'qed-nano');
    if (isChat(v.messages)) {
      sft.push({ id: String(v.id ?? `${problemId}#${i}`), problemId, messages: v.messages, score, source });
      return;
    }
    const statement = recordToProblem(v).statement;
    const proof = PROOF_KEYS.map((key) => v[key]).find((x) => typeof x === 'string') as string | undefined;
    if (typeof statement !== 'string' || proof === undefined) {
      throw new InputError('an SFT record needs chat "messages" or a problem statement and a proof', loc);
    }
    const reasoning =
      typeof v.reasoning_content === 'string'
        ? v.reasoning_content
        : typeof v.reasoning === 'string'
          ? v.reasoning
          : undefined;
    const answer = reasoning ? `<think>\n${reasoning}\n</think>\n\n${proof}` : proof;
    sft.push({
      id: `${problemId}#${i}`,
      problemId,
      messages: [
        { role: 'user', content: renderPrompt(template, statement) },
        { role: 'assistant', content: answer },
      ],
      score,
      source,
    });
  });
  if (records.length === 0) throw new InputError('no records to export', { file: path });
  return { kind: k, problems, sft };
}

/** The Problem fields a grader needs, as compact JSON (carried in the exported rows). */
export function problemJson(p: Problem): string {
  const { meta: _meta, ...rest } = p;
  return JSON.stringify(rest);
}
