// Public surface of answer benchmarks: final-answer extraction, LaTeX answer equivalence
// (equivalent | different | undecided) and the answer grader behind `{scheme: 'answer'}`.
export { extractAnswer, boxedContents, type ExtractedAnswer } from './extract.ts';
export { checkEquivalence, compareExpr, type Equivalence, type Verdict } from './equivalence.ts';
export { normalizeAnswer, normalizeText, isNoneAnswer } from './normalize.ts';
export {
  parseAnswerValue,
  splitTop,
  parseInterval,
  type AnswerValue,
  type Interval,
} from './answer-value.ts';
export { latexToMathjs, UnsupportedLatex } from './latex-expr.ts';
export {
  createAnswerGrader,
  answerOutcome,
  NO_ANSWER,
  type AnswerGraderOptions,
  type AnswerOutcome,
} from './answer-grader.ts';
