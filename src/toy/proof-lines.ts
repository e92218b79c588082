// The house style's line grammar: each proof line is parsed on its own into a typed claim, so the
// grader can check every claim and ignore everything else (garbage, truncated lines). Repeated or
// reordered lines are judged on their content; nothing here depends on line order.
import { type CaseOp, LETTERS } from './spec.ts';

export type ProofLine =
  | { kind: 'step'; index: number; a: number; op: '+' | '*'; k: number; c: number }
  | { kind: 'step-claim'; index: number; value: number }
  /** Values after steps a, b, …, carried from earlier work (index = the last step carried). */
  | { kind: 'given'; index: number; values: number[] }
  /** A case that states its value without the computation (the two-roads family's case road). */
  | { kind: 'case'; r: number; v: number }
  /** A computed case: `Case 2. 2*2 ≡ 4+1 ≡ 0*2 ≡ 0+3 ≡ 3.`, one operation at a time from `start`. */
  | { kind: 'case-computed'; r: number; start: number; ops: CaseOp[] }
  | { kind: 'case-claim'; r: number }
  | { kind: 'factor'; lhs: string; rhs: string }
  | { kind: 'product'; run: number; divisor: number }
  | { kind: 'product-claim'; divisor: number }
  | { kind: 'conclusion'; text: string };

const STEP = /^Step ([a-x])\. (\d+) ?([+*]) ?(\d+) ?≡ ?(\d+)\.?$/;
const STEP_CLAIM = /^Step ([a-x])\. Clearly the value is (\d+)\.?$/;
const GIVEN = /^Given\. ((?:[A-X] \d+ )*[A-X] \d+)\.?$/;
const CASE = /^Case (\d+) gives (\d+)\.?$/;
const CASE_COMPUTED = /^Case (\d+)\. (\d+)((?: ?[+*] ?\d+ ?≡ ?\d+)+)\.?$/;
const CASE_OP = /([+*]) ?(\d+) ?≡ ?(\d+)/g;
const CASE_CLAIM = /^Case (\d+) is clear\.?$/;
const FACTOR = /^Factor\. ([n0-9*+\-() ]+?) = ([n0-9*+\-() ]+?)\.?$/;
const PRODUCT = /^Product\. These are (\d+) consecutive integers, so the product is divisible by (\d+)\.?$/;
const PRODUCT_CLAIM = /^Product\. Clearly the product is divisible by (\d+)\.?$/;
const CONCLUSION = /^Conclusion\. (.+?)\.?(?: QED)?$/;

/** Parses one line; null for anything outside the grammar (it earns nothing and costs nothing). */
export function parseLine(raw: string): ProofLine | null {
  const line = raw.trim().replace(/\s+/g, ' ');
  if (line.length < 6) return null;
  let m: RegExpExecArray | null;
  switch (line[0]) {
    case 'S':
      if ((m = STEP.exec(line)))
        return {
          kind: 'step',
          index: LETTERS.indexOf(m[1]) + 1,
          a: Number(m[2]),
          op: m[3] as '+' | '*',
          k: Number(m[4]),
          c: Number(m[5]),
        };
      if ((m = STEP_CLAIM.exec(line)))
        return { kind: 'step-claim', index: LETTERS.indexOf(m[1]) + 1, value: Number(m[2]) };
      return null;
    case 'G':
      if ((m = GIVEN.exec(line))) {
        const parts = m[1].split(' ');
        const values: number[] = [];
        for (let i = 0; i < parts.length; i += 2) {
          // The run must name the steps A, B, C, … in order: anything else carries nothing checkable.
          if (parts[i] !== LETTERS[i / 2].toUpperCase()) return null;
          values.push(Number(parts[i + 1]));
        }
        return { kind: 'given', index: values.length, values };
      }
      return null;
    case 'C':
      if ((m = CASE.exec(line))) return { kind: 'case', r: Number(m[1]), v: Number(m[2]) };
      if ((m = CASE_COMPUTED.exec(line))) {
        const ops = [...m[3].matchAll(CASE_OP)].map((o) => ({
          op: o[1] as '+' | '*',
          k: Number(o[2]),
          v: Number(o[3]),
        }));
        return { kind: 'case-computed', r: Number(m[1]), start: Number(m[2]), ops };
      }
      if ((m = CASE_CLAIM.exec(line))) return { kind: 'case-claim', r: Number(m[1]) };
      if ((m = CONCLUSION.exec(line))) return { kind: 'conclusion', text: m[1].replace(/\.$/, '') };
      return null;
    case 'F':
      if ((m = FACTOR.exec(line)))
        return { kind: 'factor', lhs: m[1].replace(/ /g, ''), rhs: m[2].replace(/ /g, '') };
      return null;
    case 'P':
      if ((m = PRODUCT.exec(line))) return { kind: 'product', run: Number(m[1]), divisor: Number(m[2]) };
      if ((m = PRODUCT_CLAIM.exec(line))) return { kind: 'product-claim', divisor: Number(m[1]) };
      return null;
    default:
      return null;
  }
}

export function parseProof(text: string): ProofLine[] {
  const out: ProofLine[] = [];
  for (const raw of text.split('\n')) {
    const p = parseLine(raw);
    if (p) out.push(p);
  }
  return out;
}

/** Renders lines in the house style (the teacher and the tests use these). */
export const render = {
  step: (index: number, a: number, op: string, k: number, c: number) =>
    `Step ${LETTERS[index - 1]}. ${a}${op}${k} ≡ ${c}.`,
  stepClaim: (index: number, value: number) => `Step ${LETTERS[index - 1]}. Clearly the value is ${value}.`,
  /** values[i] is the value after step i+1; the list always starts at step a. */
  given: (values: readonly number[]) => `Given. ${carried(values)}.`,
  case: (r: number, v: number) => `Case ${r} gives ${v}.`,
  caseComputed: (r: number, start: number, ops: readonly CaseOp[]) =>
    `Case ${r}. ${start}${ops.map((o) => `${o.op}${o.k} ≡ ${o.v}`).join('')}.`,
  caseClaim: (r: number) => `Case ${r} is clear.`,
  factor: (lhs: string, rhs: string) => `Factor. ${lhs} = ${rhs}.`,
  product: (run: number, d: number) =>
    `Product. These are ${run} consecutive integers, so the product is divisible by ${d}.`,
  productClaim: (d: number) => `Product. Clearly the product is divisible by ${d}.`,
  conclusion: (text: string) => `Conclusion. ${text}. QED`,
};

/**
 * "A 1 B 3 C 3 D 4": the values after steps a, b, c, d of a chain, each named by its step in capitals.
 * Named values let a reader (or a small model copying a summary) find each one by its name; capitals
 * keep those names apart from the lower-case step letters of the statement and the proof lines.
 */
export function carried(values: readonly number[]): string {
  if (values.length === 0) throw new Error('nothing to carry');
  return values.map((v, i) => `${LETTERS[i].toUpperCase()} ${v}`).join(' ');
}
