// Surface normalisation of an answer string before it is parsed: math delimiters, spacing commands,
// \left/\right, \dfrac, \text{} wrappers, degree signs and trailing units or punctuation go; ≤/≥ and
// their LaTeX spellings become one form. The result is still LaTeX.
const UNIT_WORDS =
  'degrees?|deg|cm|mm|km|meters?|metres?|units?|square units|sq units|seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|years?|dollars?|cents?|kg|grams?|liters?|litres?|ways|points?|moves?|steps?|coins?|people|persons?|students?';

export function normalizeAnswer(raw: string): string {
  let s = raw.trim();
  s = s.replace(/^\\boxed\{([\s\S]*)\}$/, '$1');
  s = s.replace(/\$\$|\$|\\\(|\\\)|\\\[|\\\]/g, ' ');
  s = s.replace(/\\(?:displaystyle|textstyle|left|right|big|Big|bigg|Bigg)(?![A-Za-z])/g, '');
  s = s.replace(/\\[,;:! ]|\\q?quad(?![A-Za-z])|~/g, ' ');
  s = s.replace(/\\[dt]frac/g, '\\frac').replace(/\\[dt]binom/g, '\\binom');
  s = s.replace(
    /\\(?:text|textrm|mathrm|textbf|mathbf|textit|mathit|mbox|operatorname)\s*\{([^{}]*)\}/g,
    ' $1 ',
  );
  s = s.replace(/\^\s*\{?\s*\\circ\s*\}?|°/g, '');
  s = s.replace(/\\(?:leqslant|leq|le)(?![A-Za-z])|≤|<=/g, '\\le ');
  s = s.replace(/\\(?:geqslant|geq|ge)(?![A-Za-z])|≥|>=/g, '\\ge ');
  s = s.replace(/\\(?:neq|ne)(?![A-Za-z])|≠/g, '\\ne ');
  s = s.replace(/\\lt(?![A-Za-z])/g, '<').replace(/\\gt(?![A-Za-z])/g, '>');
  s = s.replace(/\\(?:varnothing|emptyset)(?![A-Za-z])|∅/g, '\\emptyset ');
  s = s.replace(/π/g, '\\pi ').replace(/∞/g, '\\infty ').replace(/√/g, '\\sqrt');
  s = s.replace(/\\dots|\\ldots|\\cdots|…/g, '...');
  s = s.replace(/^(?:the\s+)?(?:final\s+)?answer\s*(?:is|:)\s*/i, '');
  s = s.replace(/\s+/g, ' ').trim();
  s = s.replace(/[.;]+$/, '').trim();
  // units only after a space ("12 cm", "12 \\text{ cm}"): "2m" is an expression, not two metres
  s = s.replace(new RegExp(`(?<=[0-9}])\\s+(?:${UNIT_WORDS})$`, 'i'), '').trim();
  return s;
}

/** Numbers written as words, zero to twenty. */
export const NUMBER_WORDS: Readonly<Record<string, number>> = Object.fromEntries(
  'zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty'
    .split(' ')
    .map((w, i) => [w, i]),
);

/** The number a lone number word names (`four`, `Four`), or null. */
export function numberWord(s: string): number | null {
  const w = s.trim().toLowerCase();
  return Object.hasOwn(NUMBER_WORDS, w) ? NUMBER_WORDS[w] : null;
}

/**
 * Text answers compared as words: lower case, LaTeX and punctuation gone, filler words dropped,
 * number words as digits.
 */
export function normalizeText(s: string): string {
  const words = s
    .toLowerCase()
    .replace(/\\([a-z]+)/g, ' $1 ')
    .replace(/[{}$()[\],.;:!?"'`*_^\\]/g, ' ')
    .split(/\s+/)
    .filter((w) => w && !['all', 'the', 'a', 'an', 'is', 'are', 'and', 'of', 'only', 'answer'].includes(w))
    .map((w) => String(numberWord(w) ?? w));
  return words.join(' ');
}

/** "no solution", "none", "no such n exists", ∅ … → one canonical token. */
export function isNoneAnswer(s: string): boolean {
  const t = normalizeText(s);
  return /^(?:none|emptyset|empty set|no (?:solutions?|such\b.*|\w+ exists?|answer|values?|\w+(?: \w+)?)|there (?:is |exist |exists )?no\b.*|does not exist|doesn t exist|impossible|{})$/.test(
    t,
  );
}
