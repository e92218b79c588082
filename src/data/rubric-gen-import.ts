// Import of existing marking schemes into the structured Rubric. IMO-ProofBench grading guidelines
// (sections "(Partial)", "(Almost)", "(Incorrect)" with numbered items, graded 7/6/1/0) map to:
// one checkpoint group "complete" worth 7; each (Partial) item its own group worth 1 (credit is the
// best group, so any partial achievement gives 1, never more); each (Almost) item a cap at 6; each
// (Incorrect) item a zero-credit entry. rubricMaxPoints is 7 and the grades 7/6/1/0 are reproduced.
import type { Problem } from '../core/problem.ts';
import type { Rubric } from '../core/rubric.ts';

export interface GuidelineSections {
  partial: string[];
  almost: string[];
  incorrect: string[];
}

export function parseProofBenchGuidelines(text: string): GuidelineSections {
  const out: GuidelineSections = { partial: [], almost: [], incorrect: [] };
  let section: keyof GuidelineSections | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const header = /^\((Partial|Almost|Incorrect)\)$/i.exec(line);
    if (header) {
      section = header[1].toLowerCase() as keyof GuidelineSections;
      continue;
    }
    if (!line || !section) continue;
    const item = /^\d+[.)]\s*(.*)$/.exec(line);
    if (item) out[section].push(item[1].trim());
    else if (out[section].length) out[section][out[section].length - 1] += ` ${line}`;
    else out[section].push(line);
  }
  return out;
}

export function rubricFromProofBench(problem: Pick<Problem, 'id' | 'gradingGuidelines'>): Rubric {
  if (!problem.gradingGuidelines?.trim()) throw new Error(`${problem.id}: no grading guidelines to import`);
  const s = parseProofBenchGuidelines(problem.gradingGuidelines);
  if (s.partial.length + s.almost.length + s.incorrect.length === 0) {
    throw new Error(`${problem.id}: grading guidelines have no (Partial)/(Almost)/(Incorrect) items`);
  }
  return {
    problemId: problem.id,
    total: 7,
    checkpoints: [
      {
        id: 'complete',
        points: 7,
        description: 'A complete and rigorous proof (as in the reference solution or an equivalent one).',
        group: 'complete',
      },
      ...s.partial.map((d, i) => ({
        id: `partial-${i + 1}`,
        points: 1,
        description: d,
        group: `partial-${i + 1}`,
      })),
    ],
    zeroCredit: s.incorrect,
    deductions: [],
    caps: s.almost.map((d) => ({ condition: `almost complete: ${d}`, maxScore: 6 })),
  };
}
