// The user prompt `qed generate` sends: a template file with a `{{problem}}` slot (default: the QED-Nano
// wrapper in prompts/generate/proof.md). The template's id and content hash go into the run record,
// so runs made with different prompts are never mixed on --resume.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../core/errors.ts';

export const DEFAULT_PROMPT_FILE = fileURLToPath(new URL('../../prompts/generate/proof.md', import.meta.url));

export interface PromptTemplate {
  /** e.g. "generate/proof". */
  id: string;
  /** First 12 hex digits of the SHA-256 of the template text. */
  hash: string;
  text: string;
}

export function loadPromptTemplate(file: string = DEFAULT_PROMPT_FILE): PromptTemplate {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trimEnd();
  } catch (e) {
    throw new InputError(`cannot read prompt template: ${(e as Error).message}`, { file });
  }
  if (!text.includes('{{problem}}')) throw new InputError('template has no {{problem}} slot', { file });
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
  const id = file === DEFAULT_PROMPT_FILE ? 'generate/proof' : basename(file).replace(/\.[^.]+$/, '');
  return { id, hash, text };
}

/** Fills the slot in one pass so braces inside the statement are never expanded. */
export function renderPrompt(template: PromptTemplate, statement: string): string {
  return template.text.replace(/\{\{problem\}\}/g, () => statement);
}
