// verl layout: Parquet. RL rows follow verl's RLHFDataset convention — `data_source`, `prompt` (chat
// list), `ability`, `reward_model {style, ground_truth}`, `extra_info {index, split, problem_id}` —
// with the whole problem (statement, rubric, reference) as JSON in `ground_truth`, which verl passes to
// `compute_score`. SFT rows carry `messages` (multi-turn SFT) plus flat `prompt`/`response` strings.
import type { Problem } from '../core/problem.ts';
import type { PromptTemplate } from '../generate/prompt.ts';
import { renderPrompt } from '../generate/prompt.ts';
import { problemJson } from './records.ts';
import type { SftExample } from './records.ts';

export const VERL_ABILITY = 'math-proof';

export function verlRlRows(
  problems: Problem[],
  template: PromptTemplate,
  split: string,
  dataSource: string,
): Array<Record<string, unknown>> {
  return problems.map((p, index) => ({
    data_source: dataSource,
    prompt: [{ role: 'user', content: renderPrompt(template, p.statement) }],
    ability: VERL_ABILITY,
    reward_model: { style: 'model', ground_truth: problemJson(p) },
    extra_info: { index, split, problem_id: p.id },
  }));
}

export function verlSftRows(examples: SftExample[], split: string): Array<Record<string, unknown>> {
  return examples.map((e, index) => {
    const last = e.messages.length - 1;
    return {
      messages: e.messages,
      prompt: e.messages
        .slice(0, last)
        .map((m) => m.content)
        .join('\n\n'),
      response: e.messages[last].content,
      extra_info: { index, split, problem_id: e.problemId, score: e.score },
    };
  });
}
