// Public surface of grading: the grader factory, LLM judges and ensembles, proof preparation,
// judge-reply parsing, templates, the attempt-grading runner, meta-evaluation and the mock judge.
export type { Grader, GradeInput, GradeOptions } from './types.ts';
export {
  createGrader,
  type GraderSpec,
  type JudgeSpec,
  type ProgrammaticSpec,
  type AnswerSpec,
} from './create-grader.ts';
export { createLlmJudge, type LlmJudgeOptions } from './llm-judge.ts';
export { createEnsembleGrader, mean, median, std, type Aggregate, type EnsembleOptions } from './ensemble.ts';
export {
  prepareProof,
  makeFence,
  type PrepareProofOptions,
  type PreparedProof,
  type MissingThinkPolicy,
} from './prepare-proof.ts';
export {
  parseJudgement,
  parseErrorList,
  tagContents,
  type JudgeScheme,
  type ParsedJudgement,
} from './parse-judge.ts';
export {
  loadTemplate,
  renderTemplate,
  renderRubric,
  DEFAULT_TEMPLATES,
  TEMPLATE_DIR,
  type JudgeTemplate,
} from './templates.ts';
export {
  gradeAttempts,
  summarizeGrades,
  formatSummary,
  GRADES_FILE,
  GRADE_SOURCES_FILE,
  SUMMARY_FILE,
  type GradeAttemptsOptions,
  type GradeSummary,
} from './grade-run.ts';
export {
  readMetaEvalFile,
  gradeMetaEvalRows,
  metaEvalMetrics,
  formatMetaEvalMarkdown,
  pearson,
  ranks,
  MetaEvalRowSchema,
  type MetaEvalRow,
  type MetaEvalMetrics,
} from './meta-eval.ts';
export {
  createMockJudge,
  createMockJudgeOrProver,
  isJudgePrompt,
  honestMockScore,
  splitFence,
  type MockJudgeOptions,
  type MockJudgeStats,
} from './mock-judge.ts';
