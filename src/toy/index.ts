// Public surface of Olympiad-lite: generators and splits, rubric, grader (also as a judge), teacher,
// SFT set, pretraining corpus, summarizer and the tokenizer-tied turn budget.
export * from './spec.ts';
export * from './rubric.ts';
export { parseLine, parseProof, render, type ProofLine } from './proof-lines.ts';
export { checkProof, type Verdict, type CheckResult, type CheckpointResult } from './check.ts';
export {
  createToyGrader,
  gradeToy,
  renderJudgeXml,
  respondAsToyJudge,
  assessmentOf,
  TOY_GRADER_INFO,
} from './grader.ts';
export * from './teacher.ts';
export * from './generate.ts';
export * from './sft-set.ts';
export { pretrainCorpus } from './corpus.ts';
export * from './summarizer.ts';
export * from './turn-budget.ts';
