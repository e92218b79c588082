// Judge prompt templates: versioned text files under prompts/grading/, loaded once, identified by
// id (file name without .txt) and the sha256 of their bytes so every Grade names the exact prompt.
// Rendering is one pass over `{{name}}` slots: text substituted in (a proof) is never re-expanded.
import { InputError } from '../core/errors.ts';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Rubric } from '../core/rubric.ts';

export interface JudgeTemplate {
  id: string;
  hash: string;
  text: string;
  path: string;
}

export const TEMPLATE_DIR = fileURLToPath(new URL('../../prompts/grading/', import.meta.url));

/** Default template per scheme. */
export const DEFAULT_TEMPLATES = { rubric: 'rubric-v1', proofbench: 'proofbench-v1' } as const;

const cache = new Map<string, JudgeTemplate>();

/** Loads `prompts/grading/<id>.txt`, or any file when `idOrPath` ends in .txt. */
export function loadTemplate(idOrPath: string): JudgeTemplate {
  const hit = cache.get(idOrPath);
  if (hit) return hit;
  const isPath = idOrPath.endsWith('.txt');
  const path = isPath ? idOrPath : `${TEMPLATE_DIR}${idOrPath}.txt`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`judge template ${idOrPath}: cannot read ${path} (${(e as Error).message})`);
  }
  checkSlots(idOrPath, text);
  const id = isPath ? (path.split('/').pop() ?? path).replace(/\.txt$/, '') : idOrPath;
  const hash = createHash('sha256').update(text).digest('hex');
  const template = { id, hash, text, path };
  cache.set(idOrPath, template);
  return template;
}

/** The slots a judge fills; a template must show the judge the problem and the proof. */
export const JUDGE_SLOTS = ['problem', 'proof', 'fence', 'scheme', 'reference', 'reference_section'] as const;
const REQUIRED_SLOTS = ['problem', 'proof'];

/** Refuses a template with an unknown slot or without {{problem}} and {{proof}}, before any judge call. */
function checkSlots(name: string, text: string): void {
  const used = new Set([...text.matchAll(/\{\{([a-z_]+)\}\}/g)].map((m) => m[1]));
  const unknown = [...used].filter((s) => !(JUDGE_SLOTS as readonly string[]).includes(s));
  if (unknown.length)
    throw new InputError(
      `judge template ${name}: unknown slot ${unknown.map((s) => `{{${s}}}`).join(', ')} (slots: ${JUDGE_SLOTS.map((s) => `{{${s}}}`).join(', ')})`,
    );
  const missing = REQUIRED_SLOTS.filter((s) => !used.has(s));
  if (missing.length)
    throw new InputError(
      `judge template ${name}: no ${missing.map((s) => `{{${s}}}`).join(' or ')} slot, so the judge would never see it`,
    );
}

/** Fills `{{slot}}`s in one pass; an unknown slot is a bug in the template and throws. */
export function renderTemplate(template: JudgeTemplate, slots: Record<string, string>): string {
  return template.text.replace(/\{\{([a-z_]+)\}\}/g, (_m, name: string) => {
    const value = slots[name];
    if (value === undefined) throw new Error(`judge template ${template.id}: no value for {{${name}}}`);
    return value;
  });
}

/** A structured rubric as the judge reads it: checkpoints (chains as alternatives), zero credit, deductions, caps. */
export function renderRubric(rubric: Rubric): string {
  const lines: string[] = ['Checkpoints (total 7 points):'];
  const groups = new Map<string, Rubric['checkpoints']>();
  for (const c of rubric.checkpoints) {
    if (c.group === undefined) lines.push(`- [${c.id}] (${c.points} pt) ${c.description}`);
    else groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  }
  if (groups.size > 0) {
    lines.push('Alternative chains (award the single best chain, never the sum of chains):');
    for (const [group, items] of groups) {
      lines.push(`Chain ${group}:`);
      for (const c of items) lines.push(`  - [${c.id}] (${c.points} pt) ${c.description}`);
    }
  }
  if (rubric.zeroCredit.length > 0) {
    lines.push('Zero credit for:');
    for (const z of rubric.zeroCredit) lines.push(`- ${z}`);
  }
  if (rubric.deductions.length > 0) {
    lines.push('Deductions:');
    for (const d of rubric.deductions) lines.push(`- −${d.points}: ${d.description}`);
  }
  if (rubric.caps.length > 0) {
    lines.push('Caps:');
    for (const c of rubric.caps) lines.push(`- at most ${c.maxScore}/7 if ${c.condition}`);
  }
  return lines.join('\n');
}
