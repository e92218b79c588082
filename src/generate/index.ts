// Public surface of generation: the `qed generate` runner and its prompt template.
export { ATTEMPTS_FILE, FAILED_FILE, RUN_FILE, runGenerate } from './run-generate.ts';
export { countAttempts, moveFailedAttempts } from './attempts-file.ts';
export type { GenerateRunOptions, GenerateSummary } from './run-generate.ts';
export { DEFAULT_PROMPT_FILE, loadPromptTemplate, renderPrompt } from './prompt.ts';
export type { PromptTemplate } from './prompt.ts';
