// A scripted rubric writer for offline runs of `qed rubrics --model mock` and the mock server: a valid
// marking scheme (four checkpoints worth 7, zero-credit items, a deduction, a cap) whose descriptions
// quote the problem, determined by (prompt, seed). It exercises the pipeline, not rubric quality.
import { Rng, deriveSeed } from '../core/rng.ts';

const SPLITS = [
  [2, 2, 2, 1],
  [3, 2, 1, 1],
  [1, 2, 2, 2],
  [2, 3, 1, 1],
] as const;

const STEPS = [
  'sets up the key quantity of the problem',
  'proves the main lemma',
  'handles every remaining case',
  'concludes the statement from the lemma',
];

/** True for prompts of the default rubric-writing template (prompts/rubrics/). */
export function isRubricPrompt(prompt: string): boolean {
  return /Write a marking scheme for the problem below/.test(prompt);
}

/** The problem's opening words, from the template's `# Problem` section (or the prompt's start). */
function problemGist(prompt: string): string {
  const section = /# Problem\s*\n([\s\S]*?)(?:\n#|$)/.exec(prompt)?.[1] ?? prompt;
  const words = section.trim().split(/\s+/).slice(0, 8).join(' ');
  return words || 'the problem';
}

/** A marking scheme as the JSON reply a rubric-writing model gives. */
export function mockRubricReply(prompt: string, seed = 0): string {
  const rng = new Rng(deriveSeed(seed, 'mock-rubric', prompt));
  const points = rng.pick(SPLITS);
  const gist = problemGist(prompt);
  return JSON.stringify({
    checkpoints: points.map((p, i) => ({
      id: `c${i + 1}`,
      points: p,
      description: `The proof ${STEPS[i]} (${gist}).`,
    })),
    zeroCredit: ['Restating the problem or checking small cases only.'],
    deductions: [{ description: 'An arithmetic slip that does not break the argument.', points: 1 }],
    caps: [{ condition: 'Only a special case is proved.', maxScore: rng.int(2, 3) }],
  });
}
