// Final-answer extraction from a model's text, after dropping reasoning before the last </think>:
// the last \boxed{…} (nested braces), else the last "final answer:" / "answer:" line, else the last
// "the answer is …" phrase, else the last inline math of a "Therefore …" last line. Nothing found →
// null, which graders record as "no answer".
import { prepareProof, type MissingThinkPolicy } from '../grading/prepare-proof.ts';

export interface ExtractedAnswer {
  answer: string | null;
  method: 'boxed' | 'final-answer-line' | 'answer-phrase' | 'concluding-math' | 'none';
}

/** Contents of every `\boxed{…}` / `\fbox{…}`, braces balanced. */
export function boxedContents(text: string): string[] {
  const out: string[] = [];
  const re = /\\(?:boxed|fbox)\s*\{/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let depth = 1;
    let i = m.index + m[0].length;
    for (; i < text.length && depth > 0; i++) {
      if (text[i] === '\\' && (text[i + 1] === '{' || text[i + 1] === '}')) i++;
      else if (text[i] === '{') depth++;
      else if (text[i] === '}') depth--;
    }
    if (depth === 0) out.push(text.slice(m.index + m[0].length, i - 1).trim());
  }
  return out;
}

export function extractAnswer(
  text: string,
  opts: { missingThink?: MissingThinkPolicy } = {},
): ExtractedAnswer {
  const body = prepareProof(text, { missingThink: opts.missingThink, stripSelfAssessment: false }).text;
  const boxed = boxedContents(body).filter((b) => b.length > 0);
  if (boxed.length > 0) return { answer: boxed[boxed.length - 1], method: 'boxed' };
  const lines = body.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /^\W*(?:final\s+answer|answer)\s*\**\s*[:：]\s*\**\s*(.+)$/i.exec(lines[i].trim());
    if (m && cleanTail(m[1])) return { answer: cleanTail(m[1]), method: 'final-answer-line' };
  }
  const phrases = [...body.matchAll(/\b(?:final\s+)?answer\s+is\s*[:：]?\s*([^\n]+?)(?:\.\s|\.?$|\n)/gim)];
  const last = phrases.at(-1);
  if (last && cleanTail(last[1])) return { answer: cleanTail(last[1]), method: 'answer-phrase' };
  // last resort: the last inline math of a concluding last line ("Therefore $n = 5$.")
  const lastLine =
    lines
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1) ?? '';
  if (/^\W*(?:therefore|thus|hence|so|consequently)\b/i.test(lastLine)) {
    const math = [...lastLine.matchAll(/\$([^$]+)\$|\\\(([\s\S]+?)\\\)/g)].at(-1);
    const found = math ? (math[1] ?? math[2]).trim() : '';
    if (found) return { answer: found, method: 'concluding-math' };
  }
  return { answer: null, method: 'none' };
}

function cleanTail(s: string): string {
  return s
    .replace(/\*\*/g, '')
    .trim()
    .replace(/[.;]+$/, '')
    .trim();
}
