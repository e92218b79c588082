// LaTeX math → a mathjs expression string with explicit multiplication, for answers that are
// expressions: fractions, roots, powers, binomials, floors, logs, π, e, Greek and subscripted names.
// Adjacent letters are a product of one-letter variables (`pq`, `XZ`), unless the run of letters is
// a word: a function name written without a backslash (`sin x`, `ln 2`, `pi`) is read as that
// function; any other word (`four`, `mod`, `\text{two}`) is not mathematics this converter knows.
// Anything outside that subset throws `UnsupportedLatex`, which the checker reports as undecided.
import { NUMBER_WORDS } from './normalize.ts';

export class UnsupportedLatex extends Error {}

const FUNCS: Record<string, string> = {
  log: 'log',
  ln: 'log',
  lg: 'log10',
  exp: 'exp',
  sin: 'sin',
  cos: 'cos',
  tan: 'tan',
  cot: 'cot',
  sec: 'sec',
  csc: 'csc',
  arcsin: 'asin',
  arccos: 'acos',
  arctan: 'atan',
};
const GREEK = new Set(
  'alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Sigma Phi Psi Omega'.split(
    ' ',
  ),
);
const SKIP = new Set([
  ',',
  ';',
  ':',
  '!',
  ' ',
  'quad',
  'qquad',
  'left',
  'right',
  'big',
  'Big',
  'bigg',
  'Bigg',
  'displaystyle',
  'limits',
]);
const WRAPPERS = new Set([
  'text',
  'mathrm',
  'mathbf',
  'mathit',
  'textbf',
  'operatorname',
  'mbox',
  'boldsymbol',
]);
/** Wrappers whose contents are prose: more than one letter in a row there is a word. */
const TEXT_WRAPPERS = new Set(['text', 'textbf', 'mbox']);
/**
 * Short runs of letters that are words or operator names rather than products of variables. Runs of
 * four or more letters with a lower-case one are always words; two-letter runs that are also common
 * products (`an`, `at`, `in` …) stay products.
 */
const SHORT_WORDS = new Set([
  ...Object.keys(NUMBER_WORDS).filter((w) => w.length <= 3),
  ...'mod gcd lcm max min sum det deg dim sgn arg lim inf sup ker and or if is of no not for all any the are but nor per via yes'.split(
    ' ',
  ),
]);

/** Whether a run of two or more letters is a word rather than a product of one-letter variables. */
function isWord(run: string): boolean {
  if (SHORT_WORDS.has(run.toLowerCase())) return true;
  // all capitals (`ABCD`) are point names; a longer run with a small letter is a word
  return run.length >= 4 && /[a-z]/.test(run);
}

type Kind = 'atom' | 'op' | 'open';

/** Converts LaTeX (no $ delimiters) to a mathjs expression string. */
export function latexToMathjs(latex: string): string {
  return new Converter(latex).run();
}

class Converter {
  private i = 0;
  constructor(private readonly s: string) {}

  run(): string {
    const out = this.seq(null);
    if (this.i < this.s.length) throw new UnsupportedLatex(`unexpected "${this.s[this.i]}"`);
    if (!out.trim()) throw new UnsupportedLatex('empty expression');
    return out;
  }

  /** Converts up to the closing delimiter `end` (consumed) or the end of input. */
  private seq(end: string | null): string {
    let out = '';
    let last: Kind = 'open';
    const push = (text: string, kind: Kind, startsAtom: boolean): void => {
      if (startsAtom && last === 'atom') out += '*';
      out += text;
      last = kind;
    };
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (end !== null && this.s.startsWith(end, this.i)) {
        this.i += end.length;
        return out;
      }
      if (/\s/.test(c)) {
        this.i++;
      } else if (/[0-9.]/.test(c)) {
        const m = /^(?:\d+(?:\.\d*)?|\.\d+)/.exec(this.s.slice(this.i));
        if (!m) throw new UnsupportedLatex('bad number');
        this.i += m[0].length;
        push(m[0], 'atom', true);
      } else if (/[A-Za-z]/.test(c)) {
        const run = /^[A-Za-z]+/.exec(this.s.slice(this.i))![0];
        if (run.length > 1 && (Object.hasOwn(FUNCS, run) || run === 'pi')) {
          this.i += run.length;
          this.named(run, push);
          continue;
        }
        if (run.length > 1 && isWord(run)) throw new UnsupportedLatex(`"${run}" is a word`);
        this.i++;
        push(c + this.subscript(), 'atom', true);
      } else if (c === '\\') {
        this.command(push);
      } else if (c === '{') {
        this.i++;
        push(`(${this.seq('}')})`, 'atom', true);
      } else if (c === '(' || c === '[') {
        this.i++;
        push(`(${this.seq(c === '(' ? ')' : ']')})`, 'atom', true);
      } else if (c === '^') {
        this.i++;
        const exp = this.argument();
        if (exp === null) continue; // ^\circ: degrees carry no value
        out += `^(${exp})`;
        last = 'atom';
      } else if ('+-*/'.includes(c)) {
        this.i++;
        push(c, 'op', false);
      } else if (c === '!') {
        this.i++;
        if (this.s[this.i] === '!') throw new UnsupportedLatex('double factorial');
        out += '!';
        last = 'atom';
      } else if (c === "'" || c === '|') {
        throw new UnsupportedLatex(`"${c}" is not supported`);
      } else {
        throw new UnsupportedLatex(`unexpected "${c}"`);
      }
    }
    if (end !== null) throw new UnsupportedLatex(`missing "${end}"`);
    return out;
  }

  private command(push: (text: string, kind: Kind, startsAtom: boolean) => void): void {
    const m = /^\\([A-Za-z]+|.)/.exec(this.s.slice(this.i));
    if (!m) throw new UnsupportedLatex('bad command');
    this.i += m[0].length;
    this.named(m[1], push);
  }

  /** A command by name (without its backslash), its arguments read from the input. */
  private named(name: string, push: (text: string, kind: Kind, startsAtom: boolean) => void): void {
    if (SKIP.has(name)) return;
    if (name === 'frac' || name === 'dfrac' || name === 'tfrac') {
      const a = this.argument();
      const b = this.argument();
      push(`((${a})/(${b}))`, 'atom', true);
    } else if (name === 'sqrt') {
      let index: string | null = null;
      if (this.s[this.i] === '[') {
        this.i++;
        index = this.seq(']');
      }
      const a = this.argument();
      push(index === null ? `sqrt(${a})` : `nthRoot(${a}, ${index})`, 'atom', true);
    } else if (name === 'binom' || name === 'dbinom' || name === 'tbinom') {
      const a = this.argument();
      const b = this.argument();
      push(`combinations(${a}, ${b})`, 'atom', true);
    } else if (name === 'cdot' || name === 'times' || name === 'ast') {
      push('*', 'op', false);
    } else if (name === 'div') {
      push('/', 'op', false);
    } else if (name === 'pi') {
      push('pi', 'atom', true);
    } else if (name === 'infty') {
      push('Infinity', 'atom', true);
    } else if (name === 'lfloor' || name === 'lceil') {
      const inner = this.seq(name === 'lfloor' ? '\\rfloor' : '\\rceil');
      push(`${name === 'lfloor' ? 'floor' : 'ceil'}(${inner})`, 'atom', true);
    } else if (GREEK.has(name)) {
      push(name + this.subscript(), 'atom', true);
    } else if (WRAPPERS.has(name)) {
      if (TEXT_WRAPPERS.has(name) && /^\s*\{[^{}]*[A-Za-z]{2}/.test(this.s.slice(this.i)))
        throw new UnsupportedLatex(`\\${name} holds words`);
      const operator = /^\s*\{\s*([A-Za-z]+)\s*\}/.exec(this.s.slice(this.i));
      if (name === 'operatorname' && operator && Object.hasOwn(FUNCS, operator[1])) {
        this.i += operator[0].length;
        this.named(operator[1], push);
        return;
      }
      push(`(${this.argument()})`, 'atom', true);
    } else if (Object.hasOwn(FUNCS, name)) {
      let base: string | null = null;
      if (this.s[this.i] === '_') {
        this.i++;
        base = this.argument();
      }
      let power: string | null = null;
      if (this.s[this.i] === '^') {
        this.i++;
        power = this.argument();
      }
      const arg = this.functionArgument();
      const call = base !== null ? `log(${arg}, ${base})` : `${FUNCS[name]}(${arg})`;
      push(power !== null ? `(${call})^(${power})` : call, 'atom', true);
    } else {
      throw new UnsupportedLatex(`\\${name} is not supported`);
    }
  }

  /** A `{group}`, a command like \pi, or a single character; null for ^\circ. */
  private argument(): string | null {
    while (this.s[this.i] === ' ') this.i++;
    const c = this.s[this.i];
    if (c === undefined) throw new UnsupportedLatex('missing argument');
    if (c === '{') {
      this.i++;
      const inner = this.s.slice(this.i);
      if (/^\s*\\circ\s*\}/.test(inner)) {
        this.i += inner.indexOf('}') + 1;
        return null;
      }
      return this.seq('}');
    }
    if (c === '\\') {
      if (this.s.startsWith('\\circ', this.i)) {
        this.i += 5;
        return null;
      }
      let text = '';
      this.command((t) => (text += t));
      return text;
    }
    this.i++;
    if (/[A-Za-z0-9]/.test(c)) return c;
    throw new UnsupportedLatex(`bad argument "${c}"`);
  }

  /** The argument of \log, \sin …: a parenthesised or braced group, or one factor with its power. */
  private functionArgument(): string {
    while (this.s[this.i] === ' ') this.i++;
    const c = this.s[this.i];
    if (c === '(' || c === '{' || c === '[') {
      this.i++;
      return this.seq(c === '(' ? ')' : c === '{' ? '}' : ']');
    }
    const sub = new Converter(this.s.slice(this.i));
    // one factor: a number or a letter (with subscript) or a command, then an optional ^power
    let text = sub.argument() ?? '';
    text += sub.subscript();
    if (sub.s[sub.i] === '^') {
      sub.i++;
      text = `(${text})^(${sub.argument()})`;
    }
    this.i += sub.i;
    return text;
  }

  private subscript(): string {
    if (this.s[this.i] !== '_') return '';
    this.i++;
    const c = this.s[this.i];
    let raw: string;
    if (c === '{') {
      const close = this.s.indexOf('}', this.i);
      if (close < 0) throw new UnsupportedLatex('missing "}"');
      raw = this.s.slice(this.i + 1, close);
      this.i = close + 1;
    } else {
      raw = c ?? '';
      this.i++;
    }
    const clean = raw.replace(/[^A-Za-z0-9]/g, '');
    if (!clean) throw new UnsupportedLatex('bad subscript');
    return `_${clean}`;
  }
}
