// PipelineRL layout (the QED-Nano fork): JSONL of samples `{dataset, task, answer, schema, id, …}` as
// its math-domain loader reads custom datasets from `datasets/custom/<name>.jsonl`: the statement is the
// `task`, the marking scheme text is the `schema` its LLM grader reads, `answer` is empty for proofs.
import type { Problem } from '../core/problem.ts';
import { renderRubric } from '../grading/templates.ts';

/** Marking-scheme text: the structured rubric when present, else the free-text guidelines. */
export function schemaText(p: Problem): string {
  if (p.rubric) return renderRubric(p.rubric);
  return p.gradingGuidelines ?? '';
}

export function pipelineRlRows(problems: Problem[], name: string): Array<Record<string, unknown>> {
  return problems.map((p, id) => ({
    dataset: name,
    task: p.statement,
    answer: '',
    schema: schemaText(p),
    id,
    problem_id: p.id,
    reference_solution: p.referenceSolution ?? '',
    source: p.source ?? '',
  }));
}
