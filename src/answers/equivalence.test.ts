// Table of (gold, candidate, expected verdict) pairs written for this checker, covering integers,
// rationals, decimals, radicals, π and e, expressions, sets, lists, tuples, intervals, inequalities,
// equations, text answers and units — with equivalent forms and non-equivalent look-alikes.
import { describe, expect, it } from 'vitest';
import { checkEquivalence, type Verdict } from './equivalence.ts';

const E: Verdict = 'equivalent';
const D: Verdict = 'different';
const U: Verdict = 'undecided';

const table: Array<[gold: string, candidate: string, expected: Verdict]> = [
  // integers
  ['8', '8', E],
  ['8', '$8$', E],
  ['8', '\\boxed{8}', E],
  ['8', '8.0', E],
  ['8', '08', E],
  ['8', '9', D],
  ['-768', '-768', E],
  ['-768', '768', D],
  ['4151879777', '4151879777', E],
  ['4151879777', '4151879778', D],
  ['1307674368000', '1,307,674,368,000', E],
  ['1307674368000', '1{,}307{,}674{,}368{,}000', E],
  ['847288609444', '847288609445', D],
  ['1012', '1012.', E],
  ['2026', 'The answer is 2026', E],
  ['3', '\\text{3}', E],
  ['0', '-0', E],
  ['0', '1', D],
  ['$12^{10}$', '61917364224', E],
  ['$12^{10}$', '61917364225', D],
  ['$4\\cdot3^{2023}$', '4 \\times 3^{2023}', E],
  ['$2^{16} + 1$', '65537', E],
  ['$2^{16} + 1$', '65536', D],
  // rationals
  ['\\frac{1}{2}', '0.5', E],
  ['\\frac{1}{2}', '1/2', E],
  ['\\frac{1}{2}', '\\dfrac{1}{2}', E],
  ['\\frac{1}{2}', '\\tfrac12', E],
  ['\\frac{1}{2}', '\\frac{2}{4}', E],
  ['\\frac{1}{2}', '\\frac{1}{3}', D],
  ['\\frac{1}{2}', '2', D],
  ['$-\\frac{2023}{2024^2}$', '-\\frac{2023}{4096576}', E],
  ['$-\\frac{2023}{2024^2}$', '\\frac{2023}{2024^2}', D],
  ['$\\frac{685}{176302}$', '\\frac{685}{176302}', E],
  ['$\\frac{685}{176302}$', '\\frac{686}{176302}', D],
  ['$-\\frac{10}{3}$', '-3\\frac{1}{3}', E],
  ['$-\\frac{10}{3}$', '-10/3', E],
  ['$\\frac{9}{2}$', '4.5', E],
  ['$\\frac{9}{2}$', '4.6', D],
  ['$\\frac{16}{27}$', '16/27', E],
  ['$\\frac{2617}{2618}$', '\\frac{2617}{2618}', E],
  ['$\\frac{24}{25}$', '0.96', E],
  ['$\\frac{7}{2}$', '3.5', E],
  ['$\\frac{7}{2}$', '\\frac{2}{7}', D],
  // decimals with tolerance
  ['$\\frac{2}{3}$', '0.667', E],
  ['$\\frac{2}{3}$', '0.6667', E],
  ['$\\frac{2}{3}$', '0.67', D],
  ['$\\frac{2}{3}$', '0.7', D],
  ['$\\frac{1}{7}$', '0.142857', E],
  ['$\\frac{1}{7}$', '0.143', E],
  ['$\\frac{1}{7}$', '0.15', D],
  ['1.75', '\\frac{7}{4}', E],
  ['1.75', '7/4', E],
  ['1.75', '1.76', D],
  ['1.75', '1.7501', D],
  ['$\\frac{2}{3}$', '0.6666', D],
  ['$\\frac{1}{3}$', '0.333', E],
  ['6.5', '13/2', E],
  ['0.5', '\\frac{1}{2}', E],
  // radicals
  ['2\\sqrt{2}', '\\sqrt{8}', E],
  ['2\\sqrt{2}', '\\sqrt{2}', D],
  ['$\\sqrt{2}-1$', '\\frac{1}{\\sqrt{2}+1}', E],
  ['$\\sqrt{2}-1$', '1-\\sqrt{2}', D],
  ['$\\sqrt{2}+1$', '1+\\sqrt 2', E],
  ['$\\frac{5+\\sqrt{21}}{2}$', '\\frac{5}{2}+\\frac{\\sqrt{21}}{2}', E],
  ['$\\frac{5+\\sqrt{21}}{2}$', '\\frac{5-\\sqrt{21}}{2}', D],
  ['$\\frac{9\\sqrt{3}}{16}$', '\\frac{9}{16}\\sqrt{3}', E],
  ['$\\frac{9\\sqrt{3}}{16}$', '\\frac{9}{16}\\sqrt{2}', D],
  ['$\\sqrt{\\frac{3}{7}}$', '\\frac{\\sqrt{21}}{7}', E],
  ['$\\sqrt{\\frac{3}{7}}$', '\\frac{\\sqrt{3}}{7}', D],
  ['$\\frac{3\\sqrt{3}}{2\\sqrt{5}}$', '\\frac{3\\sqrt{15}}{10}', E],
  ['$2\\sqrt[3]{\\frac{196}{13}}$', '\\sqrt[3]{\\frac{1568}{13}}', E],
  ['$2\\sqrt[3]{\\frac{196}{13}}$', '\\sqrt[3]{\\frac{784}{13}}', D],
  ['$\\frac{\\sqrt{10}}{2}$', '\\sqrt{2.5}', E],
  ['$\\frac{96\\sqrt{10}}{13}$', '\\frac{96}{13}\\sqrt{10}', E],
  ['$\\frac{17458+2970\\sqrt{5}}{23769}$', '\\frac{17458+2970\\sqrt{5}}{23769}', E],
  ['$\\frac{17458+2970\\sqrt{5}}{23769}$', '\\frac{17458-2970\\sqrt{5}}{23769}', D],
  // pi and e
  ['\\pi', '3.14159', E],
  ['\\pi', '3.14', D],
  ['$\\pi(l+2)$', '\\pi l + 2\\pi', E],
  ['$\\pi(l+2)$', '\\pi l + 2', D],
  ['$\\frac{\\sqrt{510}}{3} \\pi$', '\\frac{\\pi\\sqrt{510}}{3}', E],
  ['e^2', 'e \\cdot e', E],
  ['e^2', '2e', D],
  ['$\\left\\{ (a,b):ab\\leq e^{3}\\right\\}$', '\\left\\{ (a,b):ab\\leq e^{3}\\right\\}', E],
  // expressions with variables
  ['$2-2m$', '-2m+2', E],
  ['$2-2m$', '2(1-m)', E],
  ['$2-2m$', '2-m', D],
  ['$2025^2 a(a-1)$', '2025^2(a^2-a)', E],
  ['$2025^2 a(a-1)$', '2025^2 a^2', D],
  ['$2^{u-2}$', '\\frac{2^u}{4}', E],
  ['$2^{u-2}$', '2^{u}-2', D],
  ['$\\binom{2k}{k}^2$', '\\left(\\binom{2k}{k}\\right)^2', E],
  ['$\\binom{2k}{k}^2$', '\\binom{2k}{k}', D],
  ['$r_1r_2 h^2$', 'h^2 r_2 r_1', E],
  ['$r_1r_2 h^2$', 'r_1 h^2', D],
  ['$\\frac{pq}{p+q}$', '\\frac{1}{\\frac1p+\\frac1q}', E],
  ['$\\frac{pq}{p+q}$', 'p+q', D],
  ['$\\frac{R^2+Rr}{\\sqrt{R^2-2Rr}}$', '\\frac{R(R+r)}{\\sqrt{R(R-2r)}}', E],
  ['$R-2r$', '-2r+R', E],
  ['$R-2r$', 'R-r', D],
  ['$\\left\\lfloor \\log_{2}a\\right\\rfloor +1$', '\\lfloor \\log_2 a \\rfloor + 1', E],
  ['$\\left\\lfloor \\log_{2}a\\right\\rfloor +1$', '\\lceil \\log_2 a \\rceil', D],
  ['$\\lfloor\\sqrt{n-1}\\rfloor$', '\\left\\lfloor \\sqrt{n-1} \\right\\rfloor', E],
  ['$\\frac{1}{n}4\\cos^{2}\\frac{\\pi}{2n}$', '\\frac{4\\cos^2(\\pi/(2n))}{n}', E],
  ['$\\frac{1}{n}4\\cos^{2}\\frac{\\pi}{2n}$', '\\frac{4\\cos(\\pi/(2n))}{n}', D],
  ['$(p-1)^2$', 'p^2-2p+1', E],
  ['$(p-1)^2$', 'p^2-1', D],
  ['$(n-2)2^n +1$', 'n2^n - 2^{n+1} + 1', E],
  [
    '$\\lambda^8 + 36\\lambda^7 + 210\\lambda^6 + 462\\lambda^5 + 495\\lambda^4 + 286\\lambda^3 + 91\\lambda^2 + 15\\lambda + 1$',
    '1 + 15\\lambda + 91\\lambda^2 + 286\\lambda^3 + 495\\lambda^4 + 462\\lambda^5 + 210\\lambda^6 + 36\\lambda^7 + \\lambda^8',
    E,
  ],
  [
    '$\\lambda^8 + 36\\lambda^7 + 210\\lambda^6 + 462\\lambda^5 + 495\\lambda^4 + 286\\lambda^3 + 91\\lambda^2 + 15\\lambda + 1$',
    '\\lambda^8 + 36\\lambda^7 + 210\\lambda^6 + 462\\lambda^5 + 495\\lambda^4 + 286\\lambda^3 + 91\\lambda^2 + 16\\lambda + 1',
    D,
  ],
  ['$180 - 2\\alpha$', '180^\\circ - 2\\alpha', E],
  ['$180 - 2\\alpha$', '90 - \\alpha', D],
  ['$\\frac{3}{2}(XZ-XY)$', '1.5(XZ - XY)', E],
  ['$\\frac{50}{39}A$', '\\frac{50A}{39}', E],
  ['$a^2 - a + 1$', 'a(a-1)+1', E],
  ['$(2k-1)!!$', '(2k-1)!!', E],
  ['$(2k-1)!!$', '(2k)!', U],
  ['$(n-2)!$', '(n-2)!', E],
  ['$\\frac{4}{x\\sqrt{4-x^2}}$', '4x^{-1}(4-x^2)^{-1/2}', E],
  ['$2x+y$', 'y+2x', E],
  ['$2x+y$', '2y+x', D],
  // units and degrees
  ['90', '90^\\circ', E],
  ['90', '90°', E],
  ['90', '90 degrees', E],
  ['75', '75^{\\circ}', E],
  ['75', '76^\\circ', D],
  ['12', '12 \\text{ cm}', E],
  ['100', '100 ways', E],
  ['$6\\rho$', '6\\rho', E],
  // sets and lists
  ['$-\\frac{2}{3},0,\\frac{2}{3}$', '0, \\frac{2}{3}, -\\frac{2}{3}', E],
  ['$-\\frac{2}{3},0,\\frac{2}{3}$', '\\{-\\frac23, 0, \\frac23\\}', E],
  ['$-\\frac{2}{3},0,\\frac{2}{3}$', '-\\frac{2}{3}, \\frac{2}{3}', D],
  ['2026, 2030', '2030, 2026', E],
  ['2026, 2030', '2026, 2031', D],
  ['1/2,1,2', '2, 1, \\frac12', E],
  ['1/2,1,2', '\\{0.5, 1, 2\\}', E],
  ['\\{1,2\\}', '(1,2)', D],
  ['\\{1,2\\}', '\\{2,1\\}', E],
  ['\\{1,2\\}', '\\{1,2,3\\}', D],
  ['\\{5\\}', '5', E],
  ['2, 3, 4, 6, 8, 12, 24', '24, 12, 8, 6, 4, 3, 2', E],
  ['2, 3, 4, 6, 8, 12, 24', '2, 3, 4, 6, 8, 12', D],
  ['997008, 995026, 995018', '995018, 995026, 997008', E],
  ['0,2,6', '0, 2, 6', E],
  ['0,2,6', '0, 2, 7', D],
  ['5,-3', '-3, 5', E],
  // tuples
  ['$(4, 1, 2, 5, 134, 718240)$', '(4,1,2,5,134,718240)', E],
  ['$(4, 1, 2, 5, 134, 718240)$', '(1,4,2,5,134,718240)', D],
  ['$(2, \\frac{1}{2}, \\frac{9}{4})$', '(2, 0.5, 2.25)', E],
  ['$(2, \\frac{1}{2}, \\frac{9}{4})$', '(0.5, 2, 2.25)', D],
  ['(3,2,5)', '(3, 2, 5)', E],
  ['(3,2,5)', '3, 2, 5', E],
  ['(3,2,5)', '\\{3,2,5\\}', D],
  ['(0, 0)', '(0,0)', E],
  ['(0, 0)', '(0,1)', D],
  ['(2,251,252)', '(2, 252, 251)', D],
  // intervals and inequalities
  ['x \\ge 1', '[1,\\infty)', E],
  ['x \\ge 1', '(1,\\infty)', D],
  ['x \\ge 1', 'x > 1', D],
  ['$x\\geq-\\frac{6}{5}$', '[-1.2, \\infty)', E],
  ['$x\\geq-\\frac{6}{5}$', 'x \\geq -\\frac{5}{6}', D],
  ['$(-\\infty , 0]$', 'x \\le 0', E],
  ['$(-\\infty , 0]$', '(-\\infty, 0)', D],
  ['$[-6,5]$', '-6 \\le x \\le 5', E],
  ['$[-6,5]$', '[-6, 5)', D],
  ['$0<c<1$', '(0,1)', E],
  ['$0<c<1$', '0 < c \\le 1', D],
  ['$0 < k \\le \\frac{4}{9}$', '(0, \\frac49]', E],
  ['$0 < k \\le \\frac{4}{9}$', '(0, \\frac49)', D],
  ['$(-\\infty,0)\\cup\\{\\frac{1}{2}\\}$', '(-\\infty, 0) \\cup \\{0.5\\}', E],
  ['$(-\\infty,0)\\cup\\{\\frac{1}{2}\\}$', '(-\\infty, 0)', D],
  ['$(-\\infty,-4)\\cup (-4,-\\frac{8}{3})$', '(-4, -\\frac83) \\cup (-\\infty, -4)', E],
  ['$(-\\infty,-4)\\cup (-4,-\\frac{8}{3})$', '(-\\infty, -\\frac{8}{3})', D],
  ['$(-\\infty, -3) \\cup (-3, \\infty)$', '(-\\infty,-3)\\cup(-3,+\\infty)', E],
  ['$n \\ge 2$', '[2, \\infty)', E],
  // equations
  ['f(x)=x+1', 'f(x) = 1 + x', E],
  ['f(x)=x+1', 'x+1', E],
  ['f(x)=x+1', 'f(x)=x-1', D],
  ['$P(x)=2x^{2}+c$', 'P(x) = c + 2x^2', E],
  ['$P(x)=2x^{2}+c$', 'P(x) = 2x^2', D],
  ['$g(x)=2x^{3}+c, g(x)=-2x^{3}+c$', 'g(x)=-2x^3+c, g(x)=2x^3+c', E],
  ['$g(x)=2x^{3}+c, g(x)=-2x^{3}+c$', 'g(x)=2x^3+c', D],
  ['$P(x)=-1, P(x)=x+1$', 'P(x)=x+1, P(x)=-1', E],
  ['$P(x)=-1, P(x)=x+1$', 'P(x)=x+1, P(x)=1', D],
  ['$A(x)=\\frac{1}{2}(x^2-x-4)$', 'A(x)=\\frac{x^2-x-4}{2}', E],
  ['$A(x)=\\frac{1}{2}(x^2-x-4)$', 'A(x)=x^2-x-4', D],
  ['$Q(x)=c(x-1)^2(x-4)(x+2)$', 'Q(x) = c(x+2)(x-4)(x-1)^2', E],
  ['$g(n)=n - 1$', 'n-1', E],
  ['$n=4k+3$', '4k+3', E],
  ['$n=4k+3$', 'n = 4k+1', D],
  ['$f(x) = x^2 - x$', 'f(x)=x(x-1)', E],
  ['$P(x) = x - 4$', 'P(x)=x-4', E],
  ['$3a^2 - b^2 = 3$', '3a^2 - b^2 = 3', E],
  ['$a_{ij} = i + j - 1$', 'a_{ij} = j + i - 1', E],
  // words between values, membership, ±
  ['2, 3', 'x = 2 \\text{ or } x = 3', E],
  ['2, 3', 'x=3 or x=2', E],
  ['2, 3', 'x = 2 or x = 4', D],
  ['2, 5', '2 and 5', E],
  ['\\{1, 2\\}', 'n \\in \\{1, 2\\}', E],
  ['1+\\sqrt{2}, 1-\\sqrt{2}', '1 \\pm \\sqrt{2}', E],
  ['1+\\sqrt{2}', '1 \\pm \\sqrt{2}', D],
  // text answers
  ['odd $n$', 'all odd n', E],
  ['odd $n$', 'even n', U],
  ['even $n$', 'n even', E],
  ['No positive integers', 'none', E],
  ['No positive integers', 'There are no such integers', E],
  ['no solutions', 'no solution', E],
  ['no solutions', '\\emptyset', E],
  ['no solutions', '5', D],
  ['All powers of 2', 'all powers of 2', E],
  ['All powers of 2', 'all powers of 3', U],
  ['All positive integers', 'all positive integers', E],
  ['taking the empty card', 'Taking the empty card.', E],
  ['taking the empty card', 'taking the full card', D],
  ['n is prime', 'n prime', E],
  ['Algebra', 'Geometry', D],
];

describe('answer equivalence table', () => {
  it('has at least 150 pairs', () => expect(table.length).toBeGreaterThanOrEqual(150));
  it.each(table)('%s vs %s → %s', (gold, candidate, expected) => {
    const r = checkEquivalence(gold, candidate);
    expect(r.verdict, r.reason).toBe(expected);
  });
  it('is symmetric on the table', () => {
    for (const [gold, candidate, expected] of table) {
      if (expected === 'equivalent')
        expect(checkEquivalence(candidate, gold).verdict, `${candidate} vs ${gold}`).not.toBe('different');
    }
  });
});

// Words are not products of one-letter variables: `four` is never f·o·u·r compared at random points.
// A lone number word is its number; any other prose against mathematics is left to a reader.
const words: Array<[gold: string, candidate: string, expected: Verdict]> = [
  // number words
  ['4', 'four', E],
  ['4', '\\boxed{four}', E],
  ['4', '\\text{four}', E],
  ['4', '$\\text{Four}$.', E],
  ['4', '\\mathrm{four}', E],
  ['2', 'two', E],
  ['17', 'seventeen', E],
  ['0', 'zero', E],
  ['6', '\\text{six}', E],
  ['4', 'five', D],
  ['2, 3', 'two and three', E],
  ['(2, 3)', 'two and three', E],
  ['\\{1, 2\\}', '\\{one, two\\}', E],
  ['n = 4', 'n = four', E],
  ['All powers of 2', 'all powers of two', E],
  // a number word is not a number inside an expression, nor two of them side by side
  ['4', '\\text{{four}}', U],
  ['24', 'twenty four', U],
  ['24', 'twenty-four', U],
  ['16', 'twenty-four', U],
  ['2', '2 two', U],
  ['5', 'one plus four', U],
  ['x+1', 'x plus one', U],
  // words in an answer compared with mathematics
  ['$p=2$ or $p \\equiv 1 \\pmod 4$', 'all primes congruent to one mod four, together with two', U],
  ['$p \\equiv 1 \\pmod 4$', 'one mod four', U],
  ['4', 'exactly four', U],
  ['4', 'many', U],
  ['\\infty', 'infinitely many', U],
  ['2n+1', 'odd numbers', U],
  ['2', 'lcm', U],
  ['n', 'gcd(a, b)', U],
  ['3', '\\text{one two}', U],
  // four or more letters in a row, one of them small, are a word: undecided, even for a product
  ['$abcd$', 'dcba', U],
  // function names and π without a backslash are those functions, not products
  ['\\sin x', 'sin x', E],
  ['\\sin x', 'cos x', D],
  ['\\ln 2', 'ln2', E],
  ['\\log_2 8', 'log_2 8', E],
  ['2\\pi', '2pi', E],
  ['\\operatorname{sin} x', '\\sin x', E],
  // adjacent one-letter variables stay products
  ['x+1', '1+x', E],
  ['2n+1', '2n-1', D],
  ['$xy$', 'yx', E],
  ['$pqr$', 'rqp', E],
  ['$pqr$', 'pq', D],
  ['$an+b$', 'b+na', E],
  ['$\\frac{3}{2}(XZ-XY)$', '1.5(ZX - YX)', E],
  ['$ABCD$', 'DCBA', E],
];

describe('answers written in words', () => {
  it.each(words)('%s vs %s → %s', (gold, candidate, expected) => {
    const r = checkEquivalence(gold, candidate);
    expect(r.verdict, r.reason).toBe(expected);
  });
  it('is never different the other way round where it is not different this way', () => {
    for (const [gold, candidate, expected] of words) {
      if (expected !== 'different')
        expect(checkEquivalence(candidate, gold).verdict, `${candidate} vs ${gold}`).not.toBe('different');
    }
  });
  it('"four" against 4 is not the product f·o·u·r compared at random points', () => {
    // before words were recognised this was `different (differ at {"f":…,"o":…,"u":…,"r":…})`
    const r = checkEquivalence('4', '\\boxed{four}');
    expect(r.verdict).not.toBe('different');
    expect(r.reason).not.toMatch(/differ at/);
  });
});
