// The grader interface shared by LLM judges, programmatic (rule-based) graders, answer checkers and
// ensembles: given a problem and an attempt, produce a Grade. A failed grading is a Grade with
// `score: null` and `graderError`, never an exception and never a 0.
import type { Attempt } from '../core/attempt.ts';
import type { Grade, GraderInfo } from '../core/grade.ts';
import type { Problem } from '../core/problem.ts';

export interface GradeInput {
  problem: Problem;
  attempt: Attempt;
}

export interface GradeOptions {
  signal?: AbortSignal;
}

export interface Grader {
  readonly info: GraderInfo;
  grade(input: GradeInput, options?: GradeOptions): Promise<Grade>;
}
