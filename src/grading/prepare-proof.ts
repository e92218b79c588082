// Proof preparation before a judge sees a proof: drop reasoning before the last </think>, strip
// self-assessment (score claims, "Self Evaluation" sections, notes to the grader) and neutralise
// grading tags, then fence it with a random per-call delimiter so nothing inside can close the fence.
import { randomBytes } from 'node:crypto';

/**
 * What to do when the text has no `</think>`:
 * - `keep` (default): the model did not think out loud (or its server split reasoning off), so the
 *   whole text is the proof — unless it opens with `<think>`, which means it was cut off mid-reasoning
 *   and the proof is empty.
 * - `empty`: the original QED-Nano rule, no `</think>` → empty proof (use it to reproduce its numbers).
 */
export type MissingThinkPolicy = 'keep' | 'empty';

export interface PrepareProofOptions {
  missingThink?: MissingThinkPolicy;
  /** Strip score claims and self-evaluation sections (default true). */
  stripSelfAssessment?: boolean;
}

export interface PreparedProof {
  text: string;
  /** closed: text after the last </think>; unclosed: <think> never closed; none: no tag at all. */
  think: 'closed' | 'unclosed' | 'none';
  reasoningDropped: boolean;
  /** Removed sentences and sections, for the record. */
  stripped: string[];
}

// "Self Evaluation …" headings open a self-assessment section whatever follows them; "Final
// evaluation" / "Confidence assessment" only when they stand alone, so "Final evaluation of the sum" stays.
const SELF_SECTION =
  /^\s*(?:#{1,6}\s*|\*\*|__)?\s*(?:self[-\s]?(?:evaluation|assessment|grading|check|review|score)\b.*|(?:final\s+(?:evaluation|assessment|self[-\s]?check)|(?:confidence|grade|score)\s+(?:assessment|estimate|report)|verification\s+of\s+(?:the\s+)?score)\s*[:.*_#]*\s*)$/i;
const HEADING = /^\s*(?:#{1,6}\s+\S|\*\*[^*]+\*\*\s*$)/;

const SENTENCE_CLAIMS: RegExp[] = [
  // "I am confident this proof is complete", "I'm certain the solution is correct"
  /\bI(?:['’]m| am)\s+(?:very\s+|fully\s+|completely\s+|absolutely\s+)?(?:confident|certain|sure)\b/i,
  // "Score: 7", "Final grade = 7/7", "Points: 7 out of 7"
  /^\W*(?:final\s+|self[-\s]?)?(?:score|grade|points?|marks?|rating)\s*[:=]\s*\**\s*[0-7]\b/i,
  // "(7/7)", "deserves 7 out of 7", "worth full marks"
  /\b(?:score|grade|points?|marks?|award|deserv\w*|worth|rating|earn\w*|give|assign|grant)\b[^.]{0,60}?(?:\b[0-7]\s*(?:\/|out\s+of)\s*7\b|full\s+(?:marks|credit|points|score))/i,
  /(?:\b[0-7]\s*(?:\/|out\s+of)\s*7\b|full\s+(?:marks|credit|points|score))[^.]{0,40}?\b(?:score|grade|points?|marks?|deserv\w*|award\w*|earn\w*)\b/i,
  /^\W*\(?\s*[0-7]\s*\/\s*7\s*\)?\W*$/,
  // instructions to the grader
  /\b(?:ignore|disregard|override|forget|bypass)\b[^.]{0,60}?\b(?:instructions?|rubric|marking|scheme|guidelines?|previous|above|rules?|criteria)\b/i,
  /\b(?:award|give|assign|grant|output|return|print|respond\s+with)\b[^.]{0,40}?(?:\b[0-7]\s*(?:\/|out\s+of)\s*7\b|\bfull\s+(?:marks|credit|points|score)|\b(?:maximum|max|perfect|top)\s+(?:score|marks|points|grade)|\b[0-7]\s*(?:points?|marks?)\b(?!\s+(?:to|on|in|at|of|for|among|between|from)\b))/i,
  /\b(?:note|message|instructions?|attention|hint)\s+(?:to|for)\s+(?:the\s+)?(?:grader|judge|evaluator|marker|examiner|assistant|AI|model)\b/i,
  /\b(?:grader|judge|evaluator|marker|examiner)s?\s*(?::|,|must|should|shall|will|please)/i,
  /\b(?:system|developer)\s*(?:prompt|message|override|note)\b/i,
];

const TAG = /<(\/?)\s*(score|points|assessment|errors)\b/gi;

/** Reasoning removal and self-assessment stripping; fencing is `fenceProof`. */
export function prepareProof(text: string, options: PrepareProofOptions = {}): PreparedProof {
  const policy = options.missingThink ?? 'keep';
  let body = text.replace(/\r\n?/g, '\n');
  let think: PreparedProof['think'] = 'none';
  let reasoningDropped = false;
  const close = body.lastIndexOf('</think>');
  if (close >= 0) {
    think = 'closed';
    body = body.slice(close + '</think>'.length);
    reasoningDropped = true;
  } else if (/^\s*<think>/i.test(body)) {
    think = 'unclosed';
    body = '';
    reasoningDropped = true;
  } else if (policy === 'empty') {
    body = '';
  }
  // stray opening tags left after the last close carry no proof
  body = body.replace(/<\/?think>/gi, '');
  const stripped: string[] = [];
  if (options.stripSelfAssessment !== false) body = stripSelfAssessment(body, stripped);
  body = body.replace(TAG, (_m, slash: string, name: string) => `&lt;${slash}${name}`);
  return { text: body.trim(), think, reasoningDropped, stripped };
}

function stripSelfAssessment(text: string, stripped: string[]): string {
  const out: string[] = [];
  let inSection = false;
  for (const line of text.split('\n')) {
    if (SELF_SECTION.test(line)) {
      inSection = true;
      stripped.push(line.trim());
      continue;
    }
    if (inSection) {
      if (HEADING.test(line) && !SELF_SECTION.test(line)) inSection = false;
      else {
        if (line.trim()) stripped.push(line.trim());
        continue;
      }
    }
    const kept = splitSentences(line).filter((s) => {
      const claim = SENTENCE_CLAIMS.some((re) => re.test(s));
      if (claim) stripped.push(s.trim());
      return !claim;
    });
    if (kept.length > 0 || line.trim() === '') out.push(kept.join(''));
  }
  return out.join('\n');
}

/** Splits a line after sentence ends, keeping the separators with the sentences. */
function splitSentences(line: string): string[] {
  return line.split(/(?<=[.!?])(?=\s+[A-Z(*"'[<])/);
}

/** A fresh delimiter that does not occur in the text (128 random bits: a proof cannot guess it). */
export function makeFence(text: string): string {
  for (;;) {
    const fence = `=====PROOF-${randomBytes(16).toString('hex')}=====`;
    if (!text.includes(fence)) return fence;
  }
}
