// The Olympiad-lite programmatic grader: implements `Grader` over `checkProof`, renders its verdict in
// the LLM judge's XML (`<score>`, `<assessment>`, `<errors>`), and answers judge prompts so it can be
// served as a judge model through the mock OpenAI server.
import type { Grade } from '../core/grade.ts';
import { emptyUsage } from '../core/usage.ts';
import { attemptId } from '../core/attempt.ts';
import type { Grader, GradeInput } from '../grading/types.ts';
import { type Verdict, checkProof } from './check.ts';

export const TOY_GRADER_INFO = { kind: 'programmatic', scheme: 'rubric', model: 'olympiad-lite' } as const;

export function assessmentOf(v: Verdict): string {
  const parts = v.checkpoints.map((c) => `${c.group ? `[${c.group}] ` : ''}${c.id} ${c.awarded}/${c.points}`);
  const deducted = Math.min(2, v.falseClaims) + v.unjustified;
  if (deducted) parts.push(`deductions -${deducted} (${v.falseClaims} false, ${v.unjustified} unjustified)`);
  if (v.cap) parts.push(`cap ${v.cap.maxScore}/7: ${v.cap.condition}`);
  if (v.zeroCredit) parts.push(`zero credit: ${v.zeroCredit}`);
  parts.push(`total ${v.score}/7`);
  return parts.join('; ');
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The verdict as an LLM judge would write it. */
export function renderJudgeXml(v: Verdict): string {
  const errors = v.errors.map((e, i) => `${i + 1}. ${escapeXml(e)}`).join('\n');
  return `<assessment>${escapeXml(assessmentOf(v))}</assessment>\n<errors>${errors ? `\n${errors}\n` : ''}</errors>\n<score>${v.score}</score>`;
}

export function gradeToy({ problem, attempt }: GradeInput): Grade {
  const base = {
    attemptId: attemptId(attempt),
    problemId: problem.id,
    sampleIndex: attempt.sampleIndex,
    grader: { ...TOY_GRADER_INFO },
    usage: emptyUsage(),
  };
  if (attempt.error) {
    return {
      ...base,
      score: null,
      graderError: `attempt failed to generate: ${attempt.error}`,
      assessment: '',
      errors: [],
    };
  }
  const r = checkProof(problem.statement, attempt.finalProof);
  if (!r.ok) return { ...base, score: null, graderError: r.error, assessment: '', errors: [] };
  return { ...base, score: r.verdict.score, assessment: assessmentOf(r.verdict), errors: r.verdict.errors };
}

/** `Grader` for Olympiad-lite problems; `createGrader({kind: 'programmatic', name: 'toy'})` returns this. */
export function createToyGrader(): Grader {
  return {
    info: { ...TOY_GRADER_INFO },
    grade: async (input) => gradeToy(input),
  };
}

/**
 * Answers a rubric-judge prompt (problem, marking scheme, fenced proof) with the judge XML, so the
 * grader can stand in for a judge model behind an OpenAI-compatible endpoint. Text that is not a
 * judge prompt for an Olympiad-lite problem gets a reply without a score (a grader failure downstream).
 */
export function respondAsToyJudge(prompt: string): string {
  const problemPart = /# Problem\n([\s\S]*?)\n# /.exec(prompt)?.[1] ?? prompt;
  const fenced = /^(\S+) BEGIN\n([\s\S]*?)\n?\1 END$/m.exec(prompt);
  const r = checkProof(problemPart, fenced ? fenced[2] : prompt);
  if (!r.ok) return `<assessment>cannot grade: ${escapeXml(r.error)}</assessment>\n<errors></errors>`;
  return renderJudgeXml(r.verdict);
}
