// TRL layout: JSONL that `datasets.load_dataset("json", …)` reads and TRL trainers take as-is.
// SFT: conversational `messages` (SFTTrainer), or `prompt` + `completion` chat lists. RL (GRPOTrainer):
// `prompt` as a chat list plus `problem_id` and `problem_json` columns, which TRL hands to reward
// functions as keyword arguments (our Python adapter sends them to the reward server).
import type { Problem } from '../core/problem.ts';
import type { PromptTemplate } from '../generate/prompt.ts';
import { renderPrompt } from '../generate/prompt.ts';
import { problemJson } from './records.ts';
import type { SftExample } from './records.ts';

export type TrlSftStyle = 'messages' | 'prompt-completion';

export function trlSftRows(examples: SftExample[], style: TrlSftStyle): Array<Record<string, unknown>> {
  return examples.map((e) => {
    if (style === 'messages') return { messages: e.messages, problem_id: e.problemId, score: e.score };
    const last = e.messages.length - 1;
    if (e.messages[last].role !== 'assistant')
      throw new Error(`${e.id}: last message is not the assistant's`);
    return {
      prompt: e.messages.slice(0, last),
      completion: [e.messages[last]],
      problem_id: e.problemId,
      score: e.score,
    };
  });
}

export function trlRlRows(problems: Problem[], template: PromptTemplate): Array<Record<string, unknown>> {
  return problems.map((p) => ({
    prompt: [{ role: 'user', content: renderPrompt(template, p.statement) }],
    problem_id: p.id,
    problem_json: problemJson(p),
  }));
}
