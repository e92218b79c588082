// Scaffold prompt templates: Markdown files in prompts/scaffolds/ with `{{name}}` slots. Files are
// read once and cached; filling a template checks that every slot is given and every given value used.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PROMPT_DIR = fileURLToPath(new URL('../../prompts/scaffolds/', import.meta.url));
const cache = new Map<string, string>();

export function promptTemplate(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(`${PROMPT_DIR}${name}.md`, 'utf8').trimEnd();
    cache.set(name, text);
  }
  return text;
}

/** Fills `{{slot}}` placeholders in one pass, so values that contain braces are never re-expanded. */
export function fillPrompt(name: string, values: Record<string, string | number>): string {
  const template = promptTemplate(name);
  const unused = new Set(Object.keys(values));
  const filled = template.replace(/\{\{(\w+)\}\}/g, (_, slot: string) => {
    if (!(slot in values)) throw new Error(`prompt ${name}: no value for {{${slot}}}`);
    unused.delete(slot);
    return String(values[slot]);
  });
  if (unused.size) throw new Error(`prompt ${name}: unused values ${[...unused].join(', ')}`);
  return filled;
}

/** Numbered candidate blocks shared by the aggregation and selection prompts. */
export function formatCandidates(proofs: readonly string[]): string {
  return proofs.map((p, i) => `CANDIDATE ${i + 1}\n${p}`).join('\n\n');
}
