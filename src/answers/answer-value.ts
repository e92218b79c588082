// Structure of a normalised answer: an expression, a tuple, a set or list, a union of intervals, an
// inequality (kept as the interval set it describes), an equation `lhs = rhs`, "no solution", or
// free text; a lone number word (`four`) is its number. Brackets decide the type: \{…\} set, (…)
// tuple, [a,b] / \infty / \cup interval.
import { numberWord } from './normalize.ts';

export interface Interval {
  lo: string | null; // null = -∞
  hi: string | null; // null = +∞
  loClosed: boolean;
  hiClosed: boolean;
}

export type AnswerValue =
  | { t: 'expr'; latex: string }
  | { t: 'text'; text: string; math: boolean }
  | { t: 'none' }
  | { t: 'tuple'; items: AnswerValue[]; paren: '(' | '[' }
  | { t: 'set'; items: AnswerValue[]; braces: boolean }
  | { t: 'intervals'; parts: Interval[]; points: string[] }
  | { t: 'equation'; lhs: string; rhs: AnswerValue };

const ENGLISH = new Set(
  'odd even all for some where if otherwise and or no none prime primes integer integers number numbers positive negative powers power of multiples multiple excluding except solution solutions exist exists exists such that any every is are form triangle isoceles isosceles only empty card taking constant constants polynomial polynomials real reals natural with not divisible by when nonnegative arbitrary any value values other than infinitely many finite infinite impossible yes true false the'.split(
    ' ',
  ),
);
const MATH_WORDS = new Set([
  'sqrt',
  'frac',
  'log',
  'ln',
  'sin',
  'cos',
  'tan',
  'exp',
  'mod',
  'gcd',
  'lcm',
  'max',
  'min',
]);

/** Top-level split on a separator, ignoring separators inside (), [], {}. */
export function splitTop(s: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && (s[i + 1] === '{' || s[i + 1] === '}')) {
      depth += s[i + 1] === '{' ? 1 : -1;
      i++;
    } else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (depth === 0 && s.startsWith(sep, i)) {
      parts.push(s.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  parts.push(s.slice(start));
  return parts.map((p) => p.trim());
}

/** Whether the whole string is one bracket pair from its first to its last character. */
function wrapped(s: string, open: string, close: string): boolean {
  if (!s.startsWith(open) || !s.endsWith(close)) return false;
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s.startsWith('\\{', i) || s.startsWith('\\}', i)) {
      depth += s[i + 1] === '{' ? 1 : -1;
      i++;
    } else if ('([{'.includes(s[i])) depth++;
    else if (')]}'.includes(s[i])) depth--;
    if (depth === 0 && i < s.length - 1) return false;
  }
  return true;
}

function hasWords(s: string): boolean {
  const words = s.replace(/\\[A-Za-z]+/g, ' ').match(/[A-Za-z]{2,}/g) ?? [];
  // number words are values: "two and three" is a list
  return words.some(
    (w) =>
      ENGLISH.has(w.toLowerCase()) ||
      (w.length >= 5 && !MATH_WORDS.has(w.toLowerCase()) && numberWord(w) === null),
  );
}

const hasNumberWord = (s: string): boolean =>
  (s.match(/[A-Za-z]+/g) ?? []).some((w) => numberWord(w) !== null);

const REL = /\\le |\\ge |<|>/;

export function parseAnswerValue(s: string): AnswerValue {
  s = s.trim();
  if (/^(?:\\emptyset|\\\{\s*\\\})$/.test(s)) return { t: 'none' };
  // "four": a number written as one word
  const word = numberWord(s);
  if (word !== null) return { t: 'expr', latex: String(word) };
  // "x = 2 or x = 3", "2 and 5": a list written with words
  const alternatives = s.split(/\s+(?:or|and)\s+|\s*,\s*(?:or|and)\s+/);
  if (alternatives.length > 1 && alternatives.every((p) => p && !hasWords(p))) {
    return { t: 'set', items: alternatives.map(parseAnswerValue), braces: false };
  }
  if (hasWords(s)) return { t: 'text', text: s, math: /[0-9\\^=<>+]|\b[a-z]\b/.test(s) || hasNumberWord(s) };
  // "x \in \{1, 2\}" names the variable; the answer is the set
  s = s.replace(/^(?:[A-Za-z]|\\[A-Za-z]+)\s*\\in\s+/, '');
  // a single top-level ± is the two values a + b and a − b (\pmod is not a ±)
  const pm = /\\pm[A-Za-z]/.test(s) ? [s] : splitTop(s, '\\pm');
  if (pm.length === 2 && pm[1] && splitTop(s, ',').length === 1) {
    const [a, b] = pm;
    return {
      t: 'set',
      items: [parseAnswerValue(`${a || ''}+${b}`), parseAnswerValue(`${a || ''}-${b}`)],
      braces: false,
    };
  }
  s = s.replace(/(\d)\{,\}(\d)/g, '$1$2');
  if (/^-?\d{1,3}(?:,\d{3})+$/.test(s)) s = s.replace(/,/g, '');
  if (splitTop(s, '\\cup').length > 1) return unionOf(splitTop(s, '\\cup'));
  const items = splitTop(s, ',');
  if (items.length > 1 && items.every((x) => x !== '')) {
    return { t: 'set', items: items.map(parseAnswerValue), braces: false };
  }
  if (wrapped(s, '\\{', '\\}')) {
    const inner = s.slice(2, -2).trim();
    return { t: 'set', items: inner ? splitTop(inner, ',').map(parseAnswerValue) : [], braces: true };
  }
  const interval = parseInterval(s);
  if (interval) return { t: 'intervals', parts: [interval], points: [] };
  if ((wrapped(s, '(', ')') || wrapped(s, '[', ']')) && splitTop(s.slice(1, -1), ',').length > 1) {
    return {
      t: 'tuple',
      items: splitTop(s.slice(1, -1), ',').map(parseAnswerValue),
      paren: s[0] as '(' | '[',
    };
  }
  if (REL.test(s)) {
    const rel = parseInequality(s);
    if (rel) return rel;
    return { t: 'text', text: s, math: true };
  }
  const sides = splitTop(s, '=');
  if (sides.length === 2 && sides[0] && sides[1]) {
    return { t: 'equation', lhs: sides[0].replace(/\s+/g, ''), rhs: parseAnswerValue(sides[1]) };
  }
  if (sides.length > 2) return { t: 'text', text: s, math: true };
  return { t: 'expr', latex: s };
}

function unionOf(parts: string[]): AnswerValue {
  const out: { t: 'intervals'; parts: Interval[]; points: string[] } = {
    t: 'intervals',
    parts: [],
    points: [],
  };
  for (const p of parts) {
    const v = parseAnswerValue(p);
    if (v.t === 'intervals') {
      out.parts.push(...v.parts);
      out.points.push(...v.points);
    } else if (v.t === 'set' && v.items.every((i) => i.t === 'expr')) {
      out.points.push(...v.items.map((i) => (i as { latex: string }).latex));
    } else if (v.t === 'tuple' && v.items.length === 2 && v.paren === '(') {
      out.parts.push(openInterval(v.items));
    } else if (v.t === 'expr') {
      out.points.push(v.latex);
    } else {
      return { t: 'text', text: parts.join(' \\cup '), math: true };
    }
  }
  return out;
}

function openInterval(items: AnswerValue[]): Interval {
  const [a, b] = items.map((i) => (i.t === 'expr' ? i.latex : ''));
  return { lo: a, hi: b, loClosed: false, hiClosed: false };
}

const INF = /^\+?\\infty$|^\+?\\infinity$/;
const NEG_INF = /^-\s*\\infty$/;

/** `[a,b]`, `(a,b]`, `[a,\infty)`, `(-\infty,b)`; a plain `(a,b)` is left to the tuple rule. */
export function parseInterval(s: string): Interval | null {
  const m = /^([[(])(.*)([\])])$/.exec(s);
  if (!m) return null;
  const ends = splitTop(m[2], ',');
  if (ends.length !== 2) return null;
  const hasInf = ends.some((e) => INF.test(e) || NEG_INF.test(e));
  if (m[1] === '(' && m[3] === ')' && !hasInf) return null;
  if (m[1] === '[' && m[3] === ']' && !hasInf && !wrapped(s, '[', ']')) return null;
  const [lo, hi] = ends;
  return {
    lo: NEG_INF.test(lo) ? null : lo,
    hi: INF.test(hi) ? null : hi,
    loClosed: m[1] === '[' && !NEG_INF.test(lo),
    hiClosed: m[3] === ']' && !INF.test(hi),
  };
}

/** `x \ge a`, `a < x \le b`, `x > a` … → the interval set of the variable. */
function parseInequality(s: string): AnswerValue | null {
  const tokens = s.split(/(\\le |\\ge |<|>)/).map((t) => t.trim());
  if (tokens.length !== 3 && tokens.length !== 5) return null;
  const isVar = (t: string): boolean => /^(?:[A-Za-z]|\\[A-Za-z]+)(?:_\{?[A-Za-z0-9]+\}?)?$/.test(t);
  const op = (o: string): { less: boolean; strict: boolean } => ({
    less: o === '<' || o === '\\le',
    strict: o === '<' || o === '>',
  });
  if (tokens.length === 3) {
    const [a, o, b] = tokens;
    const { less, strict } = op(o);
    if (isVar(a)) {
      return {
        t: 'intervals',
        points: [],
        parts: [
          less
            ? { lo: null, hi: b, loClosed: false, hiClosed: !strict }
            : { lo: b, hi: null, loClosed: !strict, hiClosed: false },
        ],
      };
    }
    if (isVar(b)) {
      return {
        t: 'intervals',
        points: [],
        parts: [
          less
            ? { lo: a, hi: null, loClosed: !strict, hiClosed: false }
            : { lo: null, hi: a, loClosed: false, hiClosed: !strict },
        ],
      };
    }
    return null;
  }
  const [a, o1, x, o2, b] = tokens;
  const r1 = op(o1);
  const r2 = op(o2);
  if (!isVar(x) || r1.less !== r2.less) return null;
  return r1.less
    ? { t: 'intervals', points: [], parts: [{ lo: a, hi: b, loClosed: !r1.strict, hiClosed: !r2.strict }] }
    : { t: 'intervals', points: [], parts: [{ lo: b, hi: a, loClosed: !r2.strict, hiClosed: !r1.strict }] };
}
