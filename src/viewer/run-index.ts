// RunIndex: what the viewer's JSON API serves, built once from a loaded run: per-problem score
// summaries, a compact row per sample for filtering and paging, and on-demand rendered details
// (Markdown + KaTeX to safe HTML) for one problem or one attempt, so a 10k-sample run stays fast.
import { attemptId } from '../core/attempt.ts';
import type { Problem } from '../core/problem.ts';
import type { LoadedRun } from '../report/load-run.ts';
import { renderMarkdown, renderTextWithMath } from './render.ts';

export interface SampleRow {
  i: number;
  id: string;
  problemId: string;
  sampleIndex: number;
  category: string;
  score: number | null;
  status: 'graded' | 'grader-error' | 'generation-error' | 'ungraded';
  tokens: number;
  turns: number;
}

export interface ProblemRow {
  id: string;
  category: string;
  difficulty: string;
  samples: number;
  graded: number;
  mean: number | null;
  scores: Array<number | null>;
  errors: number;
  preview: string;
}

export interface Filters {
  category?: string;
  minScore?: number;
  maxScore?: number;
  status?: string;
  problem?: string;
  q?: string;
}

export interface Page<T> {
  total: number;
  offset: number;
  limit: number;
  items: T[];
}

const NONE = '(none)';

export class RunIndex {
  readonly rows: SampleRow[];
  readonly problems: ProblemRow[];
  private readonly byProblem = new Map<string, number[]>();

  constructor(readonly run: LoadedRun) {
    this.rows = run.samples.map((s, i) => {
      const a = s.attempt;
      const status: SampleRow['status'] =
        a.error !== undefined
          ? 'generation-error'
          : !s.grade
            ? 'ungraded'
            : s.grade.score === null
              ? 'grader-error'
              : 'graded';
      const list = this.byProblem.get(a.problemId) ?? [];
      list.push(i);
      this.byProblem.set(a.problemId, list);
      return {
        i,
        id: attemptId(a),
        problemId: a.problemId,
        sampleIndex: a.sampleIndex,
        category: run.problems.get(a.problemId)?.category ?? NONE,
        score: s.grade?.score ?? null,
        status,
        tokens: a.usage.promptTokens + a.usage.completionTokens,
        turns: a.turns.length,
      };
    });
    this.problems = [...this.byProblem].map(([id, idx]) => {
      const p = run.problems.get(id);
      const scores = idx.map((i) => this.rows[i].score);
      const graded = scores.filter((x): x is number => x !== null);
      return {
        id,
        category: p?.category ?? NONE,
        difficulty: p?.difficulty ?? NONE,
        samples: idx.length,
        graded: graded.length,
        mean: graded.length ? graded.reduce((a, b) => a + b, 0) / graded.length : null,
        scores,
        errors: idx.filter((i) => this.rows[i].status !== 'graded').length,
        preview: (p?.statement ?? '').slice(0, 160),
      };
    });
  }

  summary() {
    const m = this.run.metrics;
    const pick = (k: string) => m[k] ?? null;
    return {
      name: this.run.name,
      dir: this.run.dir,
      complete: this.run.complete,
      createdAt: this.run.createdAt ?? null,
      finishedAt: this.run.finishedAt ?? null,
      config: this.run.config,
      metrics: {
        mean: pick('mean'),
        ci95: pick('ci95'),
        passAtK: pick('passAtK'),
        problems: pick('problems'),
        samples: pick('samples'),
        graded: pick('graded'),
        graderErrors: pick('graderErrors'),
        generationErrors: pick('generationErrors'),
        tokens: pick('tokens'),
        cost: pick('cost'),
        byCategory: pick('byCategory'),
      },
      problemsSource: this.run.problemsSource,
      samples: this.rows.length,
      categories: [...new Set(this.problems.map((p) => p.category))].sort(),
    };
  }

  listProblems(f: Filters, offset: number, limit: number): Page<ProblemRow> {
    const q = f.q?.toLowerCase();
    const items = this.problems.filter(
      (p) =>
        (!f.category || p.category === f.category) &&
        inRange(p.mean, f) &&
        (!q || p.id.toLowerCase().includes(q) || p.preview.toLowerCase().includes(q)),
    );
    return page(items, offset, limit);
  }

  listSamples(f: Filters, offset: number, limit: number): Page<SampleRow> {
    const source = f.problem ? (this.byProblem.get(f.problem) ?? []).map((i) => this.rows[i]) : this.rows;
    const items = source.filter(
      (r) =>
        (!f.category || r.category === f.category) &&
        (!f.status || r.status === f.status) &&
        (f.minScore === undefined && f.maxScore === undefined ? true : inRange(r.score, f)),
    );
    return page(items, offset, limit);
  }

  problemDetail(id: string) {
    const p = this.run.problems.get(id);
    if (!p && !this.byProblem.has(id)) return undefined;
    return { ...renderProblem(id, p), summary: this.problems.find((x) => x.id === id) ?? null };
  }

  sampleDetail(i: number) {
    const s = this.run.samples[i];
    if (!s) return undefined;
    const a = s.attempt;
    const g = s.grade;
    return {
      i,
      id: attemptId(a),
      problemId: a.problemId,
      sampleIndex: a.sampleIndex,
      model: a.model ?? null,
      scaffold: a.scaffold,
      usage: a.usage,
      cost: a.cost,
      error: a.error ?? null,
      finalProofHtml: renderMarkdown(a.finalProof),
      turns: a.turns.map((t) => ({
        role: t.role,
        model: t.model ?? null,
        finishReason: t.finishReason ?? null,
        usage: t.usage,
        contentHtml: renderMarkdown(t.content),
        reasoningHtml: t.reasoning ? renderMarkdown(t.reasoning) : null,
      })),
      grade: g
        ? {
            score: g.score,
            graderError: g.graderError ?? null,
            assessmentHtml: renderMarkdown(g.assessment),
            errorsHtml: g.errors.map(renderMarkdown),
            grader: g.grader,
            samples: g.samples ?? null,
            spread: g.spread ?? null,
            usage: g.usage,
          }
        : null,
      problem: renderProblem(a.problemId, this.run.problems.get(a.problemId)),
      prev: i > 0 ? i - 1 : null,
      next: i + 1 < this.run.samples.length ? i + 1 : null,
    };
  }
}

function renderProblem(id: string, p: Problem | undefined) {
  return {
    id,
    known: p !== undefined,
    category: p?.category ?? null,
    subcategory: p?.subcategory ?? null,
    difficulty: p?.difficulty ?? null,
    source: p?.source ?? null,
    shortAnswer: p?.shortAnswer ?? null,
    statementHtml: p ? renderMarkdown(p.statement) : null,
    referenceHtml: p?.referenceSolution ? renderMarkdown(p.referenceSolution) : null,
    guidelinesHtml: p?.gradingGuidelines ? renderTextWithMath(p.gradingGuidelines) : null,
    rubric: p?.rubric
      ? {
          checkpoints: p.rubric.checkpoints.map((c) => ({
            id: c.id,
            points: c.points,
            group: c.group ?? null,
            html: renderMarkdown(c.description),
          })),
          zeroCreditHtml: p.rubric.zeroCredit.map(renderMarkdown),
          deductions: p.rubric.deductions.map((d) => ({
            points: d.points,
            html: renderMarkdown(d.description),
          })),
          caps: p.rubric.caps.map((c) => ({ maxScore: c.maxScore, html: renderMarkdown(c.condition) })),
        }
      : null,
  };
}

function inRange(x: number | null, f: Filters): boolean {
  if (f.minScore === undefined && f.maxScore === undefined) return true;
  if (x === null) return false;
  return (f.minScore === undefined || x >= f.minScore) && (f.maxScore === undefined || x <= f.maxScore);
}

function page<T>(items: T[], offset: number, limit: number): Page<T> {
  return { total: items.length, offset, limit, items: items.slice(offset, offset + limit) };
}
