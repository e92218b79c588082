// Answer equivalence: gold vs candidate → equivalent | different | undecided, with the reason.
// Structure comes from answer-value.ts; numbers and expressions go through mathjs (parsing and
// evaluation only): constants compared numerically, expressions at seeded random points.
import { create, all, type EvalFunction, type MathNode } from 'mathjs';
import { deriveSeed, Rng } from '../core/rng.ts';
import { parseAnswerValue, type AnswerValue, type Interval } from './answer-value.ts';
import { latexToMathjs, UnsupportedLatex } from './latex-expr.ts';
import { isNoneAnswer, normalizeAnswer, normalizeText } from './normalize.ts';

export type Verdict = 'equivalent' | 'different' | 'undecided';

export interface Equivalence {
  verdict: Verdict;
  reason: string;
}

const math = create(all, {});
// constants too large for doubles (4·3^2023) are compared again with 80-digit decimals
const big = create(all, { number: 'BigNumber', precision: 80 });
const KNOWN = new Set([
  'pi',
  'e',
  'Infinity',
  'sqrt',
  'nthRoot',
  'combinations',
  'floor',
  'ceil',
  'log',
  'log10',
  'exp',
  'sin',
  'cos',
  'tan',
  'cot',
  'sec',
  'csc',
  'asin',
  'acos',
  'atan',
  'factorial',
]);
const REL_TOL = 1e-9;

const eq = (reason: string): Equivalence => ({ verdict: 'equivalent', reason });
const diff = (reason: string): Equivalence => ({ verdict: 'different', reason });
const und = (reason: string): Equivalence => ({ verdict: 'undecided', reason });

export interface CheckOptions {
  /** Skip the identical-text shortcut (measures the structural checker on its own). */
  noShortcut?: boolean;
}

export function checkEquivalence(gold: string, candidate: string, opts: CheckOptions = {}): Equivalence {
  const g = normalizeAnswer(gold);
  const c = normalizeAnswer(candidate);
  if (!c) return diff('empty candidate');
  if (!opts.noShortcut && g.replace(/\s+/g, '') === c.replace(/\s+/g, ''))
    return eq('identical after normalisation');
  if (isNoneAnswer(g) || isNoneAnswer(c)) {
    return isNoneAnswer(g) && isNoneAnswer(c)
      ? eq('both say there is no solution')
      : diff('only one says there is no solution');
  }
  return compareValues(parseAnswerValue(g), parseAnswerValue(c), deriveSeed(g, c));
}

function combine(results: Equivalence[], what: string): Equivalence {
  const d = results.find((r) => r.verdict === 'different');
  if (d) return diff(`${what}: ${d.reason}`);
  const u = results.find((r) => r.verdict === 'undecided');
  if (u) return und(`${what}: ${u.reason}`);
  return eq(`${what}: all parts equivalent`);
}

function compareValues(a: AnswerValue, b: AnswerValue, seed: number): Equivalence {
  if (a.t === 'none' || b.t === 'none') return a.t === b.t ? eq('both empty') : diff('one side is empty');
  // a one-element list is its element
  if (a.t === 'set' && a.items.length === 1) return compareValues(a.items[0], b, seed);
  if (b.t === 'set' && b.items.length === 1) return compareValues(a, b.items[0], seed);
  if (a.t === 'text' || b.t === 'text') return compareText(a, b);
  if (a.t === 'intervals' || b.t === 'intervals') {
    const ia = asIntervals(a);
    const ib = asIntervals(b);
    if (!ia || !ib) return diff(`${a.t} vs ${b.t}`);
    return compareIntervals(ia, ib, seed);
  }
  if (a.t === 'equation' && b.t === 'equation') {
    if (a.lhs === b.lhs || (isName(a.lhs) && isName(b.lhs))) return compareValues(a.rhs, b.rhs, seed);
    return diff(`different left-hand sides ${a.lhs} vs ${b.lhs}`);
  }
  if (a.t === 'equation')
    return isDefinable(a.lhs) ? compareValues(a.rhs, b, seed) : und('equation vs value');
  if (b.t === 'equation')
    return isDefinable(b.lhs) ? compareValues(a, b.rhs, seed) : und('value vs equation');
  if (a.t === 'set' && b.t === 'set') return compareSets(a.items, b.items, seed);
  if (a.t === 'tuple' && b.t === 'tuple') return compareLists(a.items, b.items, seed, 'tuple');
  if (a.t === 'tuple' && b.t === 'set')
    return b.braces ? diff('tuple vs set') : compareLists(a.items, b.items, seed, 'tuple vs list');
  if (a.t === 'set' && b.t === 'tuple')
    return a.braces ? diff('set vs tuple') : compareLists(a.items, b.items, seed, 'list vs tuple');
  if (a.t === 'expr' && b.t === 'expr') return compareExpr(a.latex, b.latex, seed);
  return diff(`${a.t} vs ${b.t}`);
}

const isName = (s: string): boolean => /^(?:[A-Za-z]|\\[A-Za-z]+)(?:_\{?[A-Za-z0-9]+\}?)?$/.test(s);
/** `x`, `f(x)`, `P(n)`, `a_n`: a left side that only names what the right side defines. */
const isDefinable = (s: string): boolean => isName(s) || /^[A-Za-z](?:_\{?\w+\}?)?\([A-Za-z,]+\)$/.test(s);

/**
 * Words against words may differ for certain; words against mathematics never do: prose can say what
 * an expression, a set or an equation says ("all primes congruent to one mod four, together with
 * two"), and only a reader can tell.
 */
function compareText(a: AnswerValue, b: AnswerValue): Equivalence {
  const text = (v: AnswerValue): string | null => (v.t === 'text' ? v.text : v.t === 'expr' ? v.latex : null);
  const ta = text(a);
  const tb = text(b);
  const other = a.t === 'text' ? b.t : a.t;
  if (ta === null || tb === null) return und(`text vs ${other}`);
  const na = normalizeText(ta);
  const nb = normalizeText(tb);
  if (na === nb) return eq('same text after normalisation');
  if (na.split(' ').sort().join(' ') === nb.split(' ').sort().join(' '))
    return eq('same words in another order');
  if (a.t !== 'text' || b.t !== 'text') return und(`text vs ${other} in other words`);
  return a.math || b.math ? und('texts with mathematics differ in wording') : diff('different text');
}

function compareLists(a: AnswerValue[], b: AnswerValue[], seed: number, what: string): Equivalence {
  if (a.length !== b.length) return diff(`${what} lengths ${a.length} vs ${b.length}`);
  return combine(
    a.map((x, i) => compareValues(x, b[i], seed)),
    what,
  );
}

/** Unordered comparison: a perfect matching under equivalence (sets, solution lists). */
function compareSets(a: AnswerValue[], b: AnswerValue[], seed: number): Equivalence {
  if (a.length !== b.length) return diff(`set sizes ${a.length} vs ${b.length}`);
  const used = new Set<number>();
  let undecided = false;
  for (const x of a) {
    let found = -1;
    for (let j = 0; j < b.length && found < 0; j++) {
      if (used.has(j)) continue;
      const r = compareValues(x, b[j], seed);
      if (r.verdict === 'equivalent') found = j;
      else if (r.verdict === 'undecided') undecided = true;
    }
    if (found < 0)
      return undecided ? und('set element without a certain match') : diff('a set element has no match');
    used.add(found);
  }
  return eq('sets match element by element');
}

type IntervalSet = { parts: Interval[]; points: string[] };

function asIntervals(v: AnswerValue): IntervalSet | null {
  if (v.t === 'intervals') return v;
  if (v.t === 'tuple' && v.items.length === 2 && v.items.every((i) => i.t === 'expr')) {
    const [lo, hi] = v.items.map((i) => (i as { latex: string }).latex);
    const closed = v.paren === '[';
    return { parts: [{ lo, hi, loClosed: closed, hiClosed: closed }], points: [] };
  }
  if (v.t === 'set' && v.items.every((i) => i.t === 'expr'))
    return { parts: [], points: v.items.map((i) => (i as { latex: string }).latex) };
  if (v.t === 'expr') return { parts: [], points: [v.latex] };
  return null;
}

function compareIntervals(a: IntervalSet, b: IntervalSet, seed: number): Equivalence {
  if (a.parts.length !== b.parts.length || a.points.length !== b.points.length)
    return diff('different number of intervals or points');
  const end = (x: string | null, y: string | null): Equivalence =>
    x === null || y === null
      ? x === y
        ? eq('infinite')
        : diff('finite vs infinite end')
      : compareExpr(x, y, seed);
  const partResults = a.parts.map((p) => {
    const candidates = b.parts.map((q) =>
      p.loClosed !== q.loClosed || p.hiClosed !== q.hiClosed
        ? diff('open vs closed end')
        : combine([end(p.lo, q.lo), end(p.hi, q.hi)], 'interval'),
    );
    return (
      candidates.find((r) => r.verdict === 'equivalent') ??
      candidates.find((r) => r.verdict === 'undecided') ??
      diff('interval has no match')
    );
  });
  const pointResults = compareSets(
    a.points.map((latex) => ({ t: 'expr', latex })),
    b.points.map((latex) => ({ t: 'expr', latex })),
    seed,
  );
  return combine([...partResults, pointResults], 'interval set');
}

interface Compiled {
  code: EvalFunction;
  vars: string[];
  decimals: number | null;
  /** Uses floor, ceil, binomials or factorials. */
  discrete: boolean;
}

const compiledCache = new Map<string, Compiled | string>();

function compile(latex: string): Compiled | string {
  const hit = compiledCache.get(latex);
  if (hit !== undefined) return hit;
  let result: Compiled | string;
  try {
    const node: MathNode = math.parse(latexToMathjs(latex));
    const vars = new Set<string>();
    node.traverse((n, _path, parent) => {
      const name = (n as MathNode & { name?: string }).name;
      if (
        n.type === 'SymbolNode' &&
        name &&
        !KNOWN.has(name) &&
        !(parent?.type === 'FunctionNode' && (parent as MathNode & { fn?: MathNode }).fn === n)
      )
        vars.add(name);
    });
    const dec = /^-?\d*\.(\d+)$/.exec(latex.trim());
    const js = node.toString();
    result = {
      code: node.compile(),
      vars: [...vars],
      decimals: dec ? dec[1].length : null,
      discrete: /floor|ceil|combinations|!/.test(js),
    };
  } catch (e) {
    result = e instanceof UnsupportedLatex ? `unsupported LaTeX (${e.message})` : `cannot parse "${latex}"`;
  }
  if (compiledCache.size > 20000) compiledCache.clear();
  compiledCache.set(latex, result);
  return result;
}

function evaluate(c: Compiled, scope: Record<string, number>): number | null {
  try {
    const v: unknown = c.code.evaluate({ ...scope });
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

function close(x: number, y: number, decimals: number | null): boolean {
  const nearInt = (v: number): boolean => Math.abs(v - Math.round(v)) < 1e-9 * Math.max(1, Math.abs(v));
  // integers are compared exactly while doubles hold them exactly
  if (nearInt(x) && nearInt(y) && Math.abs(x) < 2 ** 52 && Math.abs(y) < 2 ** 52) {
    if (Math.round(x) === Math.round(y)) return true;
  } else if (Math.abs(x - y) <= REL_TOL * Math.max(1, Math.abs(x), Math.abs(y))) {
    return true;
  }
  // a decimal with ≥ 3 places matches the other value rounded to that many places
  return decimals !== null && decimals >= 3 && Math.abs(x - y) <= 0.5 * 10 ** -decimals * (1 + 1e-9);
}

/** Exact-ish comparison of two constants with 80-digit arithmetic; null when it cannot evaluate. */
function bigEqual(gold: string, cand: string): boolean | null {
  try {
    const x = big.evaluate(latexToMathjs(gold)) as unknown;
    const y = big.evaluate(latexToMathjs(cand)) as unknown;
    if (!big.isBigNumber(x) || !big.isBigNumber(y) || !x.isFinite() || !y.isFinite()) return null;
    const scale = big.max(big.bignumber(1), big.abs(x), big.abs(y));
    return big.smallerEq(big.abs(big.subtract(x, y)), big.multiply(scale, big.bignumber('1e-60'))) as boolean;
  } catch {
    return null;
  }
}

const MIXED = /^(-?)\s*(\d+)\s*\\frac\{(\d+)\}\{(\d+)\}$/;
/** `3\frac{1}{3}` is the mixed number 10/3, not 3·(1/3). */
function unmix(latex: string): string {
  const m = MIXED.exec(latex.trim());
  return m ? `${m[1]}\\frac{${Number(m[2]) * Number(m[4]) + Number(m[3])}}{${m[4]}}` : latex;
}

export function compareExpr(goldRaw: string, candRaw: string, seed: number): Equivalence {
  const gold = unmix(goldRaw);
  const cand = unmix(candRaw);
  if (gold.replace(/\s+/g, '') === cand.replace(/\s+/g, '')) return eq('identical');
  if (/^-?\d+$/.test(gold.trim()) && /^-?\d+$/.test(cand.trim())) {
    return BigInt(gold.trim()) === BigInt(cand.trim()) ? eq('same integer') : diff('different integers');
  }
  const g = compile(gold);
  const c = compile(cand);
  if (typeof g === 'string' || typeof c === 'string') return und(typeof g === 'string' ? g : (c as string));
  const decimals = c.decimals ?? g.decimals;
  const vars = [...new Set([...g.vars, ...c.vars])];
  if (vars.length === 0) {
    const x = evaluate(g, {});
    const y = evaluate(c, {});
    if (x === null || y === null || Math.abs(x) > 2 ** 52 || Math.abs(y) > 2 ** 52) {
      const exact = bigEqual(gold, cand);
      if (exact !== null)
        return exact
          ? eq('same value (80-digit arithmetic)')
          : diff('different values (80-digit arithmetic)');
    }
    if (x === null || y === null) return und('value is not a finite real number');
    return close(x, y, decimals) ? eq('same value') : diff(`values ${x} vs ${y}`);
  }
  // Real points first; discontinuous functions (floor, ceil, binomials, factorials) must also agree
  // at integer points, where they jump.
  const discrete = g.discrete || c.discrete;
  const rng = new Rng(seed);
  let decided: Equivalence | null = null;
  for (const integers of [false, true]) {
    let agree = 0;
    for (let k = 0; k < 24; k++) {
      const scope: Record<string, number> = {};
      for (const v of vars) scope[v] = integers ? rng.int(1, 12) : 0.05 + 3.95 * rng.next();
      const x = evaluate(g, scope);
      const y = evaluate(c, scope);
      if (x === null || y === null) continue;
      if (!close(x, y, null)) return diff(`differ at ${JSON.stringify(scope)}`);
      agree++;
    }
    if (agree >= 3) {
      decided = eq(`agree at ${agree} ${integers ? 'integer' : 'random'} points`);
      if (!discrete || integers) return decided;
    }
  }
  return decided ?? und('could not evaluate at enough points');
}
