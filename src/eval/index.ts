// Public surface of evaluation: the runner, the run-log writer, and the metrics.
export { runEval, type RunEvalOptions, type RunEvalResult } from './run-eval.ts';
export {
  writeRunLog,
  ATTEMPTS_FILE,
  GRADES_FILE,
  RUN_LOG_FILE,
  type WriteRunLogOptions,
} from './run-log-writer.ts';
export {
  MetricsAccumulator,
  bootstrapCi,
  passAtK,
  type EvalMetrics,
  type GroupMetrics,
  type Interval,
  type SampleMeta,
} from './metrics.ts';
export {
  AnswerAccumulator,
  subcategoryKey,
  type AnswerCounts,
  type AnswerGroupMetrics,
  type AnswerMetrics,
} from './answer-metrics.ts';
export { scanLines, scanRecords, LineReader, type LineRef } from '../core/jsonl-scan.ts';
