// The comparison tables of a report as plain rows of strings, rendered by both the HTML and the
// Markdown writer so the two always show the same numbers.
import { compact, dollars, fixed, meanWithCi, pct } from './format.ts';
import { compareGroups } from './summarize.ts';
import type { RunSummary } from './summarize.ts';

export interface Table {
  header: string[];
  rows: string[][];
}

export function runsTable(runs: RunSummary[]): Table {
  return {
    header: [
      'run',
      'model',
      'scaffold',
      'grader',
      'problems',
      'samples',
      'mean /7 [95% CI]',
      'pass@1',
      'pass@n (n)',
      'grader errors',
      'generation errors',
      'tokens / problem',
      'cost',
      'cost / point',
    ],
    rows: runs.map((r) => [
      r.complete ? r.name : `${r.name} (in progress)`,
      r.model,
      r.scaffold + (r.scaffoldOptions ? ` ${r.scaffoldOptions}` : ''),
      r.grader,
      compact(r.problems),
      compact(r.samples),
      meanWithCi(r.mean, r.ciLow, r.ciHigh),
      pct(r.passAtK.find((p) => p.k === 1)?.value ?? null),
      passAtN(r),
      compact(r.graderErrors),
      compact(r.generationErrors),
      compact(r.tokensPerProblem),
      dollars(r.costTotal),
      dollars(r.costPerPoint),
    ]),
  };
}

function passAtN(r: RunSummary): string {
  const last = r.passAtK[r.passAtK.length - 1];
  return last && last.k > 1 ? `${pct(last.value)} (${last.k})` : '–';
}

/** One row per group (category or difficulty), one column per run: mean /7 (problems). */
export function groupTable(runs: RunSummary[], key: 'byCategory' | 'byDifficulty', title: string): Table {
  const groups = [...new Set(runs.flatMap((r) => r[key].map((g) => g.group)))].sort(compareGroups);
  return {
    header: [title, ...runs.map((r) => r.label)],
    rows: groups.map((g) => [
      g,
      ...runs.map((r) => {
        const s = r[key].find((x) => x.group === g);
        return s ? `${fixed(s.mean)} (${s.problems ?? '?'})` : '–';
      }),
    ]),
  };
}
