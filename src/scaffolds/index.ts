// Public surface of the scaffolds: the interface, the registry, the runner of one attempt, and
// the reply parsers the scaffolds use.
export * from './types.ts';
export { scaffolds, getScaffold, parseScaffoldOptions, parseOptionPairs } from './registry.ts';
export { runScaffold, type ProviderMap, type RunScaffoldOptions } from './run-scaffold.ts';
export { splitThinking, reasoningOf } from './think.ts';
export { fillPrompt, promptTemplate } from './prompts.ts';
export { solve, solveMany } from './solve.ts';
export { reasoningCacheOptions, type SummarizeFn, type SummarizeInput } from './reasoning-cache.ts';
export { parseIssues } from './generate-verify-refine.ts';
export { parseVerdict } from './self-check.ts';
export { parseBest } from './best-of-n.ts';
