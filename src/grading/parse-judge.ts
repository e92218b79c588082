// Parsers for judge replies. Tolerant of form (markdown, whitespace, case, text around the tags,
// judge reasoning before </think>), strict on meaning: no score, two different scores, a score out
// of range or not an integer → `{ score: null, error }`, never a guessed number.
export type JudgeScheme = 'rubric' | 'proofbench';

export interface ParsedJudgement {
  score: number | null;
  error?: string;
  assessment: string;
  errors: string[];
}

const WORDS: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
};

const ALLOWED: Record<JudgeScheme, readonly number[]> = {
  rubric: [0, 1, 2, 3, 4, 5, 6, 7],
  proofbench: [0, 1, 6, 7],
};

type Value = { kind: 'number'; value: number } | { kind: 'placeholder' } | { kind: 'bad'; raw: string };

/** Parses one judge reply for a scheme: `<score>N</score>` (rubric) or `<points>N out of 7</points>`. */
export function parseJudgement(reply: string, scheme: JudgeScheme): ParsedJudgement {
  const close = reply.lastIndexOf('</think>');
  const text = close >= 0 ? reply.slice(close + '</think>'.length) : reply;
  const tag = scheme === 'rubric' ? 'score' : 'points';
  const assessment = tagContents(text, 'assessment').at(-1)?.trim() ?? '';
  const errors = parseErrorList(tagContents(text, 'errors').at(-1) ?? '');
  const fail = (error: string): ParsedJudgement => ({ score: null, error, assessment, errors });

  let raw = tagContents(text, tag);
  if (raw.length === 0) {
    // a reply cut off right after the opening tag's value: "<score>5" at the very end
    const open = new RegExp(`<\\s*${tag}\\s*>\\s*([^<]{1,40})\\s*$`, 'i').exec(text);
    if (open) raw = [open[1]];
  }
  if (raw.length === 0) return fail(`no <${tag}> tag in the judge reply`);
  const values = raw.map(readValue);
  const bad = values.find((v) => v.kind === 'bad');
  const numbers = values.flatMap((v) => (v.kind === 'number' ? [v.value] : []));
  if (bad && bad.kind === 'bad')
    return fail(`<${tag}> holds "${bad.raw.slice(0, 40)}", not an integer score`);
  if (numbers.length === 0) return fail(`<${tag}> holds only a placeholder, no score`);
  const distinct = [...new Set(numbers)];
  if (distinct.length > 1) return fail(`contradictory scores in the judge reply: ${distinct.join(', ')}`);
  const score = distinct[0];
  if (!Number.isInteger(score)) return fail(`score ${score} is not an integer`);
  if (!ALLOWED[scheme].includes(score)) {
    return fail(`score ${score} is outside the ${scheme} scale {${ALLOWED[scheme].join(', ')}}`);
  }
  return { score, assessment, errors };
}

/** Contents of every `<name>…</name>` (case-insensitive, spaces allowed inside the brackets). */
export function tagContents(text: string, name: string): string[] {
  const re = new RegExp(`<\\s*${name}\\s*>([\\s\\S]*?)<\\s*\\/\\s*${name}\\s*>`, 'gi');
  return [...text.matchAll(re)].map((m) => m[1]);
}

function readValue(raw: string): Value {
  // markdown emphasis, code spans, LaTeX math delimiters and a trailing period are form, not meaning
  const s = raw
    .replace(/[*_`$]/g, '')
    .replace(/\\(?:text|mathbf|textbf)\{([^}]*)\}/g, '$1')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\.$/, '')
    .toLowerCase();
  if (/^(?:n|x|\?|score|points|n out of 7|x out of 7|\.\.\.|…|an integer from 0 to 7)$/.test(s)) {
    return { kind: 'placeholder' };
  }
  const m =
    /^([+-]?\d+(?:\.\d+)?|zero|one|two|three|four|five|six|seven)\s*(?:(?:\/|out of)\s*7(?:\s*points?)?|points?|pts?|marks?)?$/.exec(
      s,
    );
  if (!m) return { kind: 'bad', raw: raw.trim() };
  const token = m[1];
  const value = token in WORDS ? WORDS[token] : Number(token);
  return { kind: 'number', value };
}

/** A numbered or bulleted error list as separate items; "none" / empty → []. */
export function parseErrorList(body: string): string[] {
  const text = body.trim();
  if (!text || /^(?:none|n\/a|no errors?\.?|-|\[\])$/i.test(text)) return [];
  const items: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(?:\d+[.)]|[-*•])\s+(.*)$/.exec(line);
    if (m) items.push(m[1].trim());
    else if (line.trim() && items.length > 0) items[items.length - 1] += ` ${line.trim()}`;
    else if (line.trim()) items.push(line.trim());
  }
  return items.filter((s) => s.length > 0);
}
