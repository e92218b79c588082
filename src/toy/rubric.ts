// Rubrics for Olympiad-lite problems in the project's Rubric schema: checkpoints summing to 7 (key
// intermediate values, case groups, the two roads as alternative groups), zero-credit items, deductions
// and caps. The grader applies exactly these items by id; the text is what an LLM judge would read.
import type { Rubric } from '../core/rubric.ts';
import { LETTERS, type ToySpec, consecutiveForm } from './spec.ts';

/** Last step index (1-based) of each chain segment. */
export function chainSegments(length: number): number[] {
  const count = length <= 2 ? 2 : length >= 12 ? 6 : 3;
  return Array.from({ length: count }, (_, j) => Math.round(((j + 1) * length) / count));
}

/** Residues in the first and second case groups. */
export function caseGroups(m: number): [number[], number[]] {
  const half = Math.ceil(m / 2);
  const all = Array.from({ length: m }, (_, r) => r);
  return [all.slice(0, half), all.slice(half)];
}

export const DEDUCTION_FALSE = 'Each false arithmetic or algebraic claim: -1 (at most -2 in total)';
export const DEDUCTION_UNJUSTIFIED = 'Each value asserted without computation ("clearly ..."): -1';
export const CAP_WRONG_CONCLUSION = 'The conclusion states a value other than the one to be proved';
export const CAP_MISSING_CASE = 'Some residue class is not covered and no other complete route is given';
export const ZERO_FALSE_CARRY = 'A value carried from earlier work ("Given.") that is false';
export const CARRIED_VALUES =
  'Values carried from earlier work ("Given. A 1 B 3 ...": the value after each step from a on) count as computed when every one is right';

function range(from: number, to: number): string {
  return from === to ? `step ${LETTERS[from - 1]}` : `steps ${LETTERS[from - 1]} to ${LETTERS[to - 1]}`;
}

export function rubricFor(problemId: string, spec: ToySpec): Rubric {
  const zeroCredit = ['Restating the claim, or listing values without computing them', ZERO_FALSE_CARRY];
  const deductions = [
    { description: DEDUCTION_FALSE, points: 1 },
    { description: DEDUCTION_UNJUSTIFIED, points: 1 },
  ];
  if (spec.family === 'chain') {
    zeroCredit[0] = `Restating the claim, or listing values without computing them. Exception: ${CARRIED_VALUES}`;
    const ends = chainSegments(spec.ops.length);
    const per = 6 / ends.length;
    return {
      problemId,
      total: 7,
      checkpoints: [
        ...ends.map((end, j) => ({
          id: `seg-${j + 1}`,
          points: per,
          description: `Computes ${range(j === 0 ? 1 : ends[j - 1] + 1, end)} correctly mod ${spec.mod}`,
        })),
        { id: 'conclusion', points: 1, description: 'Concludes the stated result from the last step' },
      ],
      zeroCredit,
      deductions,
      caps: [{ condition: CAP_WRONG_CONCLUSION, maxScore: 3 }],
    };
  }
  const m = spec.family === 'cases' ? spec.mod : spec.divisor;
  const [lo, hi] = caseGroups(m);
  const group = spec.family === 'roads' ? 'A: cases' : undefined;
  const cases = [
    {
      id: 'cases-lo',
      points: 3,
      description: `Cases n = ${lo[0]} to ${lo[lo.length - 1]} mod ${m} computed correctly`,
      ...(group ? { group } : {}),
    },
    {
      id: 'cases-hi',
      points: 3,
      description: `Cases n = ${hi[0]} to ${hi[hi.length - 1]} mod ${m} computed correctly`,
      ...(group ? { group } : {}),
    },
  ];
  const conclusion = {
    id: 'conclusion',
    points: 1,
    description: 'Concludes the statement from a complete route',
  };
  if (spec.family === 'cases') {
    return {
      problemId,
      total: 7,
      checkpoints: [...cases, conclusion],
      zeroCredit,
      deductions,
      caps: [
        { condition: CAP_MISSING_CASE, maxScore: 3 },
        { condition: CAP_WRONG_CONCLUSION, maxScore: 3 },
      ],
    };
  }
  const poly = consecutiveForm(spec.poly);
  return {
    problemId,
    total: 7,
    checkpoints: [
      ...cases,
      {
        id: 'factor',
        points: 3,
        description: `Factorises ${spec.poly} = ${poly?.factor ?? '?'} (a correct identity)`,
        group: 'B: factorisation',
      },
      {
        id: 'product',
        points: 3,
        description: `Argues that a product of ${poly?.run ?? '?'} consecutive integers is divisible by ${spec.divisor}`,
        group: 'B: factorisation',
      },
      conclusion,
    ],
    zeroCredit,
    deductions,
    caps: [{ condition: CAP_MISSING_CASE, maxScore: 3 }],
  };
}
