// Checks an Olympiad-lite proof against its problem: every parsed line is verified (arithmetic,
// operation, input value, identity), then the rubric's checkpoints, deductions, caps and zero-credit
// items are applied. Pure and deterministic; the input is the statement and the proof text.
import { type ProofLine, parseProof } from './proof-lines.ts';
import {
  CAP_MISSING_CASE,
  CAP_WRONG_CONCLUSION,
  ZERO_FALSE_CARRY,
  caseGroups,
  chainSegments,
} from './rubric.ts';
import {
  type CasesSpec,
  type ChainSpec,
  LETTERS,
  type RoadsSpec,
  applyOp,
  caseComputation,
  chainValues,
  factorOffsets,
  formatSet,
  mod,
  parseSet,
  consecutiveForm,
  parseStatement,
  polyImage,
  polyResidues,
  readsLeftToRight,
  samePolynomial,
} from './spec.ts';

export interface CheckpointResult {
  id: string;
  awarded: number;
  points: number;
  group?: string;
}

export interface Verdict {
  score: number;
  checkpoints: CheckpointResult[];
  /** Root-cause errors found in the proof, in plain words. */
  errors: string[];
  falseClaims: number;
  unjustified: number;
  cap?: { condition: string; maxScore: number };
  zeroCredit?: string;
}

export type CheckResult = { ok: true; verdict: Verdict } | { ok: false; error: string };

interface Tally {
  errors: string[];
  falseClaims: number;
  unjustified: number;
  zero?: string;
  cap?: { condition: string; maxScore: number };
}

export function checkProof(statement: string, proof: string): CheckResult {
  const parsed = parseStatement(statement);
  if (!parsed) return { ok: false, error: 'not an Olympiad-lite statement' };
  const lines = parseProof(proof);
  const t: Tally = { errors: [], falseClaims: 0, unjustified: 0 };
  const { spec } = parsed;
  let checkpoints: CheckpointResult[];
  if (spec.family === 'chain') {
    const truth = chainValues(spec);
    if (String(truth[spec.ops.length]) !== parsed.claim)
      return { ok: false, error: 'the chain statement is false' };
    checkpoints = checkChain(spec, truth, lines, t);
  } else if (spec.family === 'cases') {
    if (formatSet(polyImage(spec.poly, spec.mod)) !== parsed.claim)
      return { ok: false, error: 'the case statement is false' };
    checkpoints = checkCases(spec, lines, t);
  } else {
    if (polyImage(spec.poly, spec.divisor).some((v) => v !== 0))
      return { ok: false, error: 'the divisibility statement is false' };
    checkpoints = checkRoads(spec, lines, t);
  }
  return { ok: true, verdict: finish(checkpoints, t) };
}

function finish(checkpoints: CheckpointResult[], t: Tally): Verdict {
  const byGroup = new Map<string, number>();
  let ungrouped = 0;
  for (const c of checkpoints) {
    if (c.group === undefined) ungrouped += c.awarded;
    else byGroup.set(c.group, (byGroup.get(c.group) ?? 0) + c.awarded);
  }
  const earned = ungrouped + Math.max(0, ...byGroup.values());
  const deducted = Math.min(2, t.falseClaims) + t.unjustified;
  let score = Math.max(0, earned - deducted);
  if (t.cap) score = Math.min(score, t.cap.maxScore);
  if (t.zero) score = 0;
  return {
    score,
    checkpoints,
    errors: t.errors,
    falseClaims: t.falseClaims,
    unjustified: t.unjustified,
    ...(t.cap ? { cap: t.cap } : {}),
    ...(t.zero ? { zeroCredit: t.zero } : {}),
  };
}

function falseClaim(t: Tally, msg: string): void {
  t.falseClaims++;
  t.errors.push(msg);
}

function checkChain(spec: ChainSpec, truth: number[], lines: ProofLine[], t: Tally): CheckpointResult[] {
  const L = spec.ops.length;
  const verified = new Array<boolean>(L + 1).fill(false);
  const result = truth[L];
  let concluded = false;
  for (const line of lines) {
    if (line.kind === 'step') {
      const i = line.index;
      if (i < 1 || i > L) continue;
      const name = LETTERS[i - 1];
      const want = spec.ops[i - 1];
      const exact = line.op === '+' ? line.a + line.k : line.a * line.k;
      if (line.c >= spec.mod || mod(exact, spec.mod) !== line.c) {
        falseClaim(t, `Step ${name}: ${line.a}${line.op}${line.k} is not ${line.c} mod ${spec.mod}.`);
      } else if (line.op !== want.op || line.k !== want.k) {
        falseClaim(
          t,
          `Step ${name} applies ${line.op}${line.k}, but the problem's step ${name} is ${want.op}${want.k}.`,
        );
      } else if (line.a !== truth[i - 1]) {
        t.errors.push(`Step ${name} starts from ${line.a}, but the value before it is ${truth[i - 1]}.`);
      } else verified[i] = true;
    } else if (line.kind === 'step-claim' && line.index >= 1 && line.index <= L) {
      t.unjustified++;
      t.errors.push(`Step ${LETTERS[line.index - 1]} asserts a value without computing it.`);
    } else if (line.kind === 'given' && line.index <= L) {
      // A carried run of values (the reasoning cache's summary of earlier turns) counts as established
      // when every value in it is right, from step a on: each value is checked against the truth like
      // a written step, and a single false value zeroes the proof, so guessing a run costs more than
      // it can earn (all k values right by chance: 1 in m^k).
      const bad = line.values.findIndex((v, i) => v !== truth[i + 1]);
      if (bad >= 0) {
        t.zero = ZERO_FALSE_CARRY;
        t.errors.push(`The carried value after step ${LETTERS[bad]} is false.`);
      } else for (let i = 1; i <= line.index; i++) verified[i] = true;
    } else if (line.kind === 'conclusion') {
      const m = /^The result is (\d+)$/.exec(line.text);
      if (!m) continue;
      if (Number(m[1]) === result) concluded = true;
      else {
        t.cap = { condition: CAP_WRONG_CONCLUSION, maxScore: 3 };
        t.errors.push(`The conclusion claims ${m[1]}, but the result to prove is ${result}.`);
      }
    }
  }
  const ends = chainSegments(L);
  const per = 6 / ends.length;
  const out: CheckpointResult[] = ends.map((end, j) => {
    const from = j === 0 ? 1 : ends[j - 1] + 1;
    let all = true;
    for (let s = from; s <= end; s++) all &&= verified[s];
    return { id: `seg-${j + 1}`, awarded: all ? per : 0, points: per };
  });
  const conclusionOk = concluded && verified[L];
  if (concluded && !conclusionOk)
    t.errors.push('The conclusion does not follow: the last step is not established.');
  if (!concluded && !t.cap) t.errors.push('No correct conclusion.');
  out.push({ id: 'conclusion', awarded: conclusionOk ? 1 : 0, points: 1 });
  return out;
}

/**
 * Verifies case lines for modulus m; returns which residues are established. A computed case is
 * established when it applies the statement's operations with n = r (see caseComputation) and every
 * residue follows from the one before it; each residue that does not is a false claim. A case that
 * only states its value establishes it where `stated` is 'accepted' (the two-roads family, where
 * every case gives 0) and is an unjustified assertion where it is 'unjustified' (case analysis).
 */
function checkCaseLines(
  poly: string,
  m: number,
  lines: ProofLine[],
  t: Tally,
  stated: 'accepted' | 'unjustified',
): boolean[] {
  const covered = new Array<boolean>(m).fill(false);
  const residues = polyResidues(poly, m);
  for (const line of lines) {
    if (line.kind === 'case-computed') {
      if (line.r >= m) continue;
      // The statement's own reading, which must mean the polynomial (a two-roads polynomial such as
      // n*n+3*n+2 does not: read from left to right it is ((n*n+3)*n+2)).
      const want = readsLeftToRight(poly) ? caseComputation(poly, line.r, m) : null;
      const follows =
        want !== null &&
        want.start === line.start &&
        want.ops.length === line.ops.length &&
        want.ops.every((o, i) => o.op === line.ops[i].op && o.k === line.ops[i].k);
      if (!follows) {
        falseClaim(t, `Case ${line.r} does not compute ${poly} at n = ${line.r}.`);
        continue;
      }
      let prev = mod(line.start, m);
      let ok = true;
      for (const { op, k, v } of line.ops) {
        const next = applyOp(prev, op, k, m);
        if (v !== next) {
          falseClaim(t, `Case ${line.r}: ${prev}${op}${k} is ${next} mod ${m}, not ${v}.`);
          ok = false;
        }
        prev = v;
      }
      if (ok) covered[line.r] = true;
    } else if (line.kind === 'case') {
      if (line.r >= m) continue;
      if (stated === 'unjustified') {
        t.unjustified++;
        t.errors.push(`Case ${line.r} states a value without computing it.`);
        continue;
      }
      const want = residues[line.r];
      if (line.v !== want)
        falseClaim(t, `Case ${line.r}: ${poly} at n = ${line.r} is ${want} mod ${m}, not ${line.v}.`);
      else covered[line.r] = true;
    } else if (line.kind === 'case-claim' && line.r < m) {
      t.unjustified++;
      t.errors.push(`Case ${line.r} asserts a value without computing it.`);
    }
  }
  return covered;
}

function caseCheckpoints(m: number, covered: boolean[], group?: string): CheckpointResult[] {
  return caseGroups(m).map((rs, j) => ({
    id: j === 0 ? 'cases-lo' : 'cases-hi',
    awarded: rs.every((r) => covered[r]) ? 3 : 0,
    points: 3,
    ...(group ? { group } : {}),
  }));
}

function missing(covered: boolean[]): number[] {
  return covered.flatMap((c, r) => (c ? [] : [r]));
}

function checkCases(spec: CasesSpec, lines: ProofLine[], t: Tally): CheckpointResult[] {
  const covered = checkCaseLines(spec.poly, spec.mod, lines, t, 'unjustified');
  const image = polyImage(spec.poly, spec.mod);
  let concluded = false;
  for (const line of lines) {
    if (line.kind !== 'conclusion') continue;
    const m = /^Every case gives (.+)$/.exec(line.text);
    const set = m ? parseSet(m[1]) : null;
    if (!set) continue;
    if (set.join(',') === image.join(',')) concluded = true;
    else {
      t.cap = { condition: CAP_WRONG_CONCLUSION, maxScore: 3 };
      t.errors.push(`The conclusion lists ${m?.[1]}, but the values are ${formatSet(image)}.`);
    }
  }
  const gaps = missing(covered);
  if (gaps.length) {
    t.cap = t.cap ?? { condition: CAP_MISSING_CASE, maxScore: 3 };
    t.errors.push(`Residues not established: ${gaps.join(', ')} (mod ${spec.mod}).`);
  }
  return [
    ...caseCheckpoints(spec.mod, covered),
    { id: 'conclusion', awarded: concluded && !gaps.length ? 1 : 0, points: 1 },
  ];
}

function checkRoads(spec: RoadsSpec, lines: ProofLine[], t: Tally): CheckpointResult[] {
  const d = spec.divisor;
  const covered = checkCaseLines(spec.poly, d, lines, t, 'accepted');
  const poly = consecutiveForm(spec.poly);
  let factorOk = false;
  let productOk = false;
  let offsets: number[] | null = null;
  for (const line of lines) {
    if (line.kind !== 'factor') continue;
    if (!samePolynomial(line.lhs, spec.poly)) continue;
    if (samePolynomial(line.rhs, spec.poly)) {
      const o = factorOffsets(line.rhs);
      if (o) {
        factorOk = true;
        offsets = o;
      }
    } else falseClaim(t, `The factorisation ${spec.poly} = ${line.rhs} is false.`);
  }
  for (const line of lines) {
    if (line.kind === 'product-claim') {
      t.unjustified++;
      t.errors.push('Divisibility of the product is asserted without an argument.');
    } else if (line.kind === 'product') {
      const consecutive = offsets !== null && offsets.every((o, i) => i === 0 || o === offsets![i - 1] + 1);
      let fact = 1;
      for (let i = 2; i <= line.run; i++) fact *= i;
      if (fact % line.divisor !== 0)
        falseClaim(t, `${line.run} consecutive integers need not be divisible by ${line.divisor}.`);
      else if (factorOk && consecutive && offsets!.length === line.run && line.divisor === d)
        productOk = true;
    }
  }
  const routeA = missing(covered).length === 0;
  const routeB = factorOk && productOk;
  let concluded = false;
  const claim = `${d} divides ${spec.poly}`;
  const bare = claim.replace(/ /g, '');
  let other: string | undefined;
  for (const line of lines) {
    if (line.kind !== 'conclusion') continue;
    if (line.text.replace(/ /g, '') === bare) concluded = true;
    else other ??= line.text;
  }
  // Another claim earns no conclusion point; the rubric has no cap for it.
  if (!concluded && other !== undefined)
    t.errors.push(`The conclusion "${other}" is not the statement (${claim}).`);
  if (!routeA && !routeB) {
    if (covered.some((c) => c)) {
      t.cap = { condition: CAP_MISSING_CASE, maxScore: 3 };
      t.errors.push(`Residues not established: ${missing(covered).join(', ')} (mod ${d}).`);
    }
    if (factorOk && !productOk)
      t.errors.push(
        `No valid argument that the product of ${poly?.run} consecutive integers is divisible by ${d}.`,
      );
    if (!covered.some((c) => c) && !factorOk) t.errors.push('Neither route is carried out.');
  }
  return [
    ...caseCheckpoints(d, covered, 'A: cases'),
    { id: 'factor', awarded: factorOk ? 3 : 0, points: 3, group: 'B: factorisation' },
    { id: 'product', awarded: productOk ? 3 : 0, points: 3, group: 'B: factorisation' },
    { id: 'conclusion', awarded: concluded && (routeA || routeB) ? 1 : 0, points: 1 },
  ];
}
