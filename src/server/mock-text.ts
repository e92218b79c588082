// Deterministic proof-like replies for the mock provider and the mock HTTP server: the same prompt and
// seed always give the same text, different prompts or seeds give different texts, and every reply
// ends in "QED" so throughput checks can assert on it. Token counts are whitespace word counts.
import { deriveSeed, Rng } from '../core/rng.ts';

const OPENINGS = [
  'We argue by induction on n.',
  'Suppose, for contradiction, that the claim fails.',
  'Consider the quantity in question modulo a suitable prime.',
  'We first reduce the statement to a simpler inequality.',
  'Let us fix notation and examine small cases first.',
];
const STEPS = [
  'The base case holds by direct computation.',
  'By the inductive hypothesis the previous term satisfies the bound.',
  'Adding the two estimates gives the required inequality.',
  'The two cases are symmetric, so it suffices to treat the first.',
  'Each term is non-negative, hence the sum is at least its largest term.',
  'Reducing modulo the prime leaves only the residues listed above.',
  'This contradicts the minimality of the chosen counterexample.',
  'Equality holds exactly when all the variables coincide.',
];

/** A short proof-like text determined by (prompt, seed), ending in "QED". */
export function mockProofText(prompt: string, seed = 0): string {
  const rng = new Rng(deriveSeed(seed, prompt));
  const steps = Array.from({ length: rng.int(2, 4) }, () => rng.pick(STEPS));
  return `${rng.pick(OPENINGS)} ${steps.join(' ')} This completes the proof. QED`;
}

export function countWords(text: string): number {
  const t = text.trim();
  return t === '' ? 0 : t.split(/\s+/).length;
}
