// Olympiad-lite problem specs: the three families (chain, cases, roads), their statements in a fixed
// grammar, and the parser that recovers a spec from a statement so the grader needs nothing but the
// problem text. Truth (every intermediate value) is computed here from the spec.

export type Op = { op: '+' | '*'; k: number };

export interface ChainSpec {
  family: 'chain';
  start: number;
  ops: Op[];
  mod: number;
}

export interface CasesSpec {
  family: 'cases';
  poly: string;
  mod: number;
}

export interface RoadsSpec {
  family: 'roads';
  poly: string;
  divisor: number;
}

export type ToySpec = ChainSpec | CasesSpec | RoadsSpec;
export type Family = ToySpec['family'];

/** A product of consecutive integers: expanded as the statements write it, and factorised. */
export interface ConsecutiveProduct {
  text: string;
  /** The factorisation, e.g. (n-1)*n*(n+1). */
  factor: string;
  /** Number of consecutive integers in the factorisation. */
  run: number;
}

/** Offsets of the consecutive products the two-roads family draws from: (n+s)(n+s+1)… for s in this range. */
export const ROAD_SHIFTS = { min: -9, max: 9 } as const;

/** Renders coefficients [c0, c1, c2, …] (c_d for n^d) as the statements write them: "2*n*n-n+3". */
export function polyText(coeffs: readonly number[]): string {
  let out = '';
  for (let d = coeffs.length - 1; d >= 0; d--) {
    const c = coeffs[d];
    if (c === 0) continue;
    const mono = Array.from({ length: d }, () => 'n').join('*');
    const abs = Math.abs(c);
    const body = d === 0 ? String(abs) : abs === 1 ? mono : `${abs}*${mono}`;
    out += c < 0 ? `-${body}` : out ? `+${body}` : body;
  }
  return out || '0';
}

/**
 * Renders coefficients [c0, c1, …] (non-negative, leading one positive) in Horner's form, as the
 * case-analysis statements write them: [3, 1, 2] → "(2*n+1)*n+3", [3, 0, 2] → "2*n*n+3". Read from
 * left to right, one operation at a time, the text evaluates to the polynomial: that is how a case
 * computes it (see caseComputation).
 */
export function hornerText(coeffs: readonly number[]): string {
  const d = coeffs.length - 1;
  if (d < 1 || coeffs[d] <= 0 || coeffs.some((c) => c < 0 || !Number.isInteger(c)))
    throw new Error(`Horner's form needs a degree ≥ 1 and non-negative integer coefficients: ${coeffs}`);
  let out = coeffs[d] === 1 ? 'n' : `${coeffs[d]}*n`;
  for (let i = d - 1; i >= 1; i--) out = coeffs[i] === 0 ? `${out}*n` : `(${out}+${coeffs[i]})*n`;
  return coeffs[0] === 0 ? out : `${out}+${coeffs[0]}`;
}

/** One operation of a computed case: the operand it applies and the residue it leads to. */
export interface CaseOp {
  op: '+' | '*';
  k: number;
  v: number;
}

/**
 * The computation a case line writes for poly at n = r, mod m: the statement's expression with n
 * replaced by r, read from left to right one operation at a time (parentheses only group what is
 * already read first), each result reduced mod m. Null when the expression has anything but numbers,
 * n, + and * (a minus sign, say), which this house style does not compute.
 */
export function caseComputation(poly: string, r: number, m: number): { start: number; ops: CaseOp[] } | null {
  const tokens =
    substitute(poly, r)
      .replace(/[()\s]/g, '')
      .match(/\d+|[+*]|./g) ?? [];
  if (tokens.length % 2 === 0 || !/^\d+$/.test(tokens[0] ?? '')) return null;
  const start = Number(tokens[0]);
  const ops: CaseOp[] = [];
  let v = mod(start, m);
  for (let i = 1; i < tokens.length; i += 2) {
    const op = tokens[i];
    if ((op !== '+' && op !== '*') || !/^\d+$/.test(tokens[i + 1])) return null;
    const k = Number(tokens[i + 1]);
    v = applyOp(v, op, k, m);
    ops.push({ op, k, v });
  }
  return { start, ops };
}

/**
 * Whether the expression, read from left to right one operation at a time (as a case computes it),
 * gives its value: true of Horner's form, false of "n*n+3*n" (which would read as (n*n+3)*n).
 */
export function readsLeftToRight(poly: string): boolean {
  let out = leftToRightMemo.get(poly);
  if (out === undefined) {
    out = true;
    for (let n = 0; n <= 6 && out; n++) {
      // A modulus far above any value here, so the reading is compared exactly.
      const work = caseComputation(poly, n, 2 ** 31);
      const value = evalExpr(substitute(poly, n));
      out = work !== null && value !== null && (work.ops.at(-1)?.v ?? work.start) === value;
    }
    if (leftToRightMemo.size > 10_000) leftToRightMemo.clear();
    leftToRightMemo.set(poly, out);
  }
  return out;
}

const leftToRightMemo = new Map<string, boolean>();

function factorText(offsets: readonly number[]): string {
  return offsets.map((o) => (o === 0 ? 'n' : `(n${o > 0 ? '+' : '-'}${Math.abs(o)})`)).join('*');
}

/** The product (n+s)(n+s+1)…(n+s+run-1), expanded, with its factorisation. */
export function consecutiveProduct(s: number, run: number): ConsecutiveProduct {
  let coeffs = [1];
  const offsets: number[] = [];
  for (let i = 0; i < run; i++) {
    const o = s + i;
    offsets.push(o);
    const next = new Array<number>(coeffs.length + 1).fill(0);
    coeffs.forEach((c, d) => {
      next[d] += c * o;
      next[d + 1] += c;
    });
    coeffs = next;
  }
  return { text: polyText(coeffs), factor: factorText(offsets), run };
}

const formMemo = new Map<string, ConsecutiveProduct | undefined>();

/** The consecutive-product form of a polynomial (two or three factors, shifts in a wide range), if it has one. */
export function consecutiveForm(text: string): ConsecutiveProduct | undefined {
  if (formMemo.has(text)) return formMemo.get(text);
  let found: ConsecutiveProduct | undefined;
  for (const run of [2, 3]) {
    for (let s = -12; s <= 12 && !found; s++) {
      const p = consecutiveProduct(s, run);
      if (samePolynomial(p.factor, text)) found = p;
    }
  }
  if (formMemo.size > 10_000) formMemo.clear();
  formMemo.set(text, found);
  return found;
}

/** Whether text is a polynomial in n the grammar accepts (digits, n, +, -, *, parentheses). */
export function isPoly(text: string): boolean {
  return /^[n0-9*+\-()]+$/.test(text) && evalExpr(substitute(text, 2)) !== null;
}

export const LETTERS = 'abcdefghijklmnopqrstuvwx';
export const MAX_CHAIN = LETTERS.length;

export function mod(a: number, m: number): number {
  return ((a % m) + m) % m;
}

/** One step of the house style's arithmetic: v + k or v · k, reduced mod m. */
export function applyOp(v: number, op: '+' | '*', k: number, m: number): number {
  return mod(op === '+' ? v + k : v * k, m);
}

/** Values after each step of a chain: values[0] = start, values[i] = after op i (1-based). */
export function chainValues(spec: ChainSpec): number[] {
  const out = [mod(spec.start, spec.mod)];
  for (const { op, k } of spec.ops) {
    const prev = out[out.length - 1];
    out.push(applyOp(prev, op, k, spec.mod));
  }
  return out;
}

const residueMemo = new Map<string, number[]>();

/** poly(r) mod m for r = 0..m-1 (memoised: graders ask for the same few tables over and over). */
export function polyResidues(poly: string, m: number): number[] {
  const key = `${poly}|${m}`;
  let out = residueMemo.get(key);
  if (!out) {
    out = Array.from({ length: m }, (_, r) => mod(evalExpr(substitute(poly, r)) ?? 0, m));
    if (residueMemo.size > 10_000) residueMemo.clear();
    residueMemo.set(key, out);
  }
  return out;
}

/** Sorted set of residues a polynomial takes mod m. */
export function polyImage(poly: string, m: number): number[] {
  return [...new Set(polyResidues(poly, m))].sort((a, b) => a - b);
}

/** Replaces the variable n by a number literal. */
export function substitute(poly: string, n: number): string {
  return poly.replace(/n/g, String(n));
}

/** "0", "0 or 2", "0, 1 or 4". */
export function formatSet(values: readonly number[]): string {
  if (values.length === 1) return String(values[0]);
  return `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

export function parseSet(text: string): number[] | null {
  const parts = text.split(/,\s*|\s+or\s+/).map((s) => s.trim());
  if (!parts.every((p) => /^\d+$/.test(p))) return null;
  return [...new Set(parts.map(Number))].sort((a, b) => a - b);
}

export function formatOps(ops: readonly Op[]): string {
  return ops.map((o, i) => `${LETTERS[i]}${o.op}${o.k}`).join(' ');
}

export function statementOf(spec: ToySpec): string {
  switch (spec.family) {
    case 'chain': {
      const result = chainValues(spec)[spec.ops.length];
      return `Start with ${spec.start}. Apply ${formatOps(spec.ops)} in turn, mod ${spec.mod}. Prove that the result is ${result}.`;
    }
    case 'cases':
      return `Prove that ${spec.poly} mod ${spec.mod} is always ${formatSet(polyImage(spec.poly, spec.mod))}.`;
    case 'roads':
      return `Prove that ${spec.divisor} divides ${spec.poly} for every integer n.`;
  }
}

const CHAIN_RE =
  /Start with (\d+)\. Apply ((?:[a-x][+*]\d+ ?)+) in turn, mod (\d+)\. Prove that the result is (\d+)\./;
const CASES_RE = /Prove that ([n0-9*+\-()]+) mod (\d+) is always ([0-9, or]+)\./;
const ROADS_RE = /Prove that (\d+) divides ([n0-9*+\-()]+) for every integer n\./;

export interface ParsedStatement {
  spec: ToySpec;
  /** The claimed result (chain) or set (cases), as written in the statement. */
  claim: string;
}

/** Recovers the spec from a statement (anywhere in the text); null when it is not an Olympiad-lite problem. */
export function parseStatement(text: string): ParsedStatement | null {
  let m = CHAIN_RE.exec(text);
  if (m) {
    const ops: Op[] = [];
    for (const [i, tok] of m[2].trim().split(/\s+/).entries()) {
      const t = /^([a-x])([+*])(\d+)$/.exec(tok);
      if (!t || t[1] !== LETTERS[i]) return null;
      ops.push({ op: t[2] as '+' | '*', k: Number(t[3]) });
    }
    const spec: ChainSpec = { family: 'chain', start: Number(m[1]), ops, mod: Number(m[3]) };
    if (spec.mod < 2) return null;
    return { spec, claim: m[4] };
  }
  m = CASES_RE.exec(text);
  // A case computes the statement's expression from left to right, so the expression must mean that
  // (Horner's form): "3*n*n+2" does, "n*n+3*n" does not.
  if (m && isPoly(m[1]) && readsLeftToRight(m[1])) {
    const spec: CasesSpec = { family: 'cases', poly: m[1], mod: Number(m[2]) };
    if (spec.mod < 2) return null;
    return { spec, claim: m[3] };
  }
  m = ROADS_RE.exec(text);
  if (m && consecutiveForm(m[2])) {
    return { spec: { family: 'roads', poly: m[2], divisor: Number(m[1]) }, claim: m[1] };
  }
  return null;
}

/**
 * Evaluates an integer expression over + - * and parentheses (no variables). Null when malformed.
 * Used to check every arithmetic claim a proof makes.
 */
export function evalExpr(src: string): number | null {
  let i = 0;
  const s = src.replace(/\s+/g, '');
  const peek = () => s[i];
  function atom(): number | null {
    if (peek() === '(') {
      i++;
      const v = sum();
      if (v === null || peek() !== ')') return null;
      i++;
      return v;
    }
    if (peek() === '-') {
      i++;
      const v = atom();
      return v === null ? null : -v;
    }
    const start = i;
    while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    return i > start ? Number(s.slice(start, i)) : null;
  }
  function product(): number | null {
    let v = atom();
    while (v !== null && peek() === '*') {
      i++;
      const r = atom();
      v = r === null ? null : v * r;
    }
    return v;
  }
  function sum(): number | null {
    let v = product();
    while (v !== null && (peek() === '+' || peek() === '-')) {
      const plus = s[i++] === '+';
      const r = product();
      v = r === null ? null : plus ? v + r : v - r;
    }
    return v;
  }
  const v = sum();
  return v !== null && i === s.length && Number.isSafeInteger(v) ? v : null;
}

/** Whether two expressions in n agree on a range of integers (a sound check for these low degrees). */
export function samePolynomial(a: string, b: string): boolean {
  for (let n = -4; n <= 5; n++) {
    const x = evalExpr(substitute(a, n));
    const y = evalExpr(substitute(b, n));
    if (x === null || y === null || x !== y) return false;
  }
  return true;
}

/** Offsets c of the factors (n+c) when `expr` is a product of such factors, else null. */
export function factorOffsets(expr: string): number[] | null {
  const parts = splitTopLevelProduct(expr.replace(/\s+/g, ''));
  if (!parts) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (p === 'n') out.push(0);
    else {
      const m = /^\(n([+-]\d+)\)$/.exec(p);
      if (!m) return null;
      out.push(Number(m[1]));
    }
  }
  return out.sort((a, b) => a - b);
}

function splitTopLevelProduct(s: string): string[] | null {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') depth--;
    else if (s[i] === '*' && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
    if (depth < 0) return null;
  }
  parts.push(s.slice(start));
  return depth === 0 && parts.every((p) => p.length > 0) ? parts : null;
}
