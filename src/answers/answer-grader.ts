// The answer-benchmark grader ({scheme:'answer'}): extract the final answer, check it against the
// problem's shortAnswer → 7 (equivalent) or 0 (different, or no answer). An undecided check is a
// grader failure (score null), unless an LLM judge fallback is configured; its verdicts are marked.
import { attemptId } from '../core/attempt.ts';
import type { Grade, GraderInfo } from '../core/grade.ts';
import { addUsage, emptyUsage, type Usage } from '../core/usage.ts';
import { makeFence, type MissingThinkPolicy } from '../grading/prepare-proof.ts';
import { loadTemplate, renderTemplate } from '../grading/templates.ts';
import type { GradeInput, Grader } from '../grading/types.ts';
import type { Provider } from '../providers/types.ts';
import { checkEquivalence } from './equivalence.ts';
import { boxedContents, extractAnswer } from './extract.ts';

export interface AnswerGraderOptions {
  missingThink?: MissingThinkPolicy;
  /** LLM judge used only for answers the checker cannot decide. */
  judgeModel?: string;
  judgeProvider?: Provider;
  retries?: number;
}

export const NO_ANSWER = 'no answer';

export async function createAnswerGrader(opts: AnswerGraderOptions = {}): Promise<Grader> {
  let judge = opts.judgeProvider;
  if (!judge && opts.judgeModel) {
    const { createProvider } = await import('../providers/index.ts');
    judge = await createProvider({ model: opts.judgeModel, cache: false });
  }
  const template = judge ? loadTemplate('answer-v1') : undefined;
  const info: GraderInfo = {
    kind: 'answer-checker',
    scheme: 'answer',
    model: judge ? `checker+${opts.judgeModel ?? judge.name}` : 'checker',
    templateId: template?.id,
    templateHash: template?.hash,
    proofPreparation: `missing-think=${opts.missingThink ?? 'keep'}`,
  };

  async function grade({ problem, attempt }: GradeInput): Promise<Grade> {
    const base = {
      attemptId: attemptId(attempt),
      problemId: attempt.problemId,
      sampleIndex: attempt.sampleIndex,
      grader: info,
    };
    const result = (
      score: number | null,
      assessment: string,
      extra: Partial<Grade> = {},
      usage: Usage = emptyUsage(),
    ): Grade => ({
      ...base,
      score,
      assessment,
      errors: [],
      usage,
      ...extra,
    });
    if (attempt.error)
      return result(null, '', { graderError: `not graded: generation failed (${attempt.error})` });
    const gold = problem.shortAnswer?.trim();
    if (!gold) return result(null, '', { graderError: `problem ${problem.id} has no short answer` });
    const { answer, method } = extractAnswer(attempt.finalProof, { missingThink: opts.missingThink });
    if (answer === null) return result(0, NO_ANSWER, { errors: [NO_ANSWER] });
    const check = checkEquivalence(gold, answer);
    const said = `answer (${method}): ${answer}; gold: ${gold}; checker: ${check.verdict} (${check.reason})`;
    if (check.verdict === 'equivalent') return result(7, said);
    if (check.verdict === 'different') return result(0, said, { errors: ['wrong answer'] });
    if (!judge || !template) return result(null, said, { graderError: `undecided: ${check.reason}` });

    let usage = emptyUsage();
    for (let i = 0; i <= (opts.retries ?? 2); i++) {
      const fence = makeFence(answer);
      const prompt = renderTemplate(template, {
        fence,
        problem: problem.statement,
        reference: gold,
        proof: answer,
      });
      const r = await judge.generate({
        messages: [{ role: 'user', content: prompt }],
        model: opts.judgeModel,
        seed: i,
      });
      usage = addUsage(usage, r.usage);
      if (!r.ok) continue;
      const reply = r.text.includes('</think>') ? r.text.slice(r.text.lastIndexOf('</think>') + 8) : r.text;
      const verdict = boxedContents(reply).at(-1)?.toLowerCase();
      if (verdict === 'correct' || verdict === 'incorrect') {
        return result(
          verdict === 'correct' ? 7 : 0,
          `${said}; decided by LLM judge fallback: ${verdict}`,
          {},
          usage,
        );
      }
    }
    return result(
      null,
      said,
      { graderError: `undecided: ${check.reason}; LLM judge fallback gave no verdict` },
      usage,
    );
  }

  return { info, grade };
}

export type AnswerOutcome = 'correct' | 'wrong' | 'no-answer' | 'undecided' | 'failed';

/** How an answer-checker Grade came out, for accuracy / no-answer / undecided rates. */
export function answerOutcome(grade: Pick<Grade, 'score' | 'graderError' | 'assessment'>): AnswerOutcome {
  if (grade.score === null) return grade.graderError?.startsWith('undecided') ? 'undecided' : 'failed';
  if (grade.score === 7) return 'correct';
  return grade.assessment === NO_ANSWER ? 'no-answer' : 'wrong';
}
