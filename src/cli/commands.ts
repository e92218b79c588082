// The table of CLI commands: each names its file, which is imported only when that command runs
// (or when the full help is printed), so starting `qed` does not load every library. Add one row per
// command file; the file exports `register<Name>(program)`.
import type { Command } from 'commander';

type Register = (program: Command) => void;

export interface CommandEntry {
  name: string;
  load: () => Promise<Register>;
}

export const commands: CommandEntry[] = [
  { name: 'schema', load: async () => (await import('./schema.ts')).registerSchema },
  { name: 'data', load: async () => (await import('./data.ts')).registerData },
  { name: 'mock-server', load: async () => (await import('./mock-server.ts')).registerMockServer },
  { name: 'generate', load: async () => (await import('./generate.ts')).registerGenerate },
  { name: 'grade', load: async () => (await import('./grade.ts')).registerGrade },
  { name: 'eval', load: async () => (await import('./eval.ts')).registerEval },
  { name: 'report', load: async () => (await import('./report.ts')).registerReport },
  { name: 'view', load: async () => (await import('./view.ts')).registerView },
  { name: 'serve', load: async () => (await import('./serve.ts')).registerServe },
  { name: 'export-model', load: async () => (await import('./export-model.ts')).registerExportModel },
  { name: 'sft', load: async () => (await import('./sft.ts')).registerSft },
  { name: 'rl', load: async () => (await import('./rl.ts')).registerRl },
  { name: 'demo', load: async () => (await import('./demo.ts')).registerDemo },
  { name: 'distill', load: async () => (await import('./distill.ts')).registerDistill },
  { name: 'rubrics', load: async () => (await import('./rubrics.ts')).registerRubrics },
  { name: 'dedup', load: async () => (await import('./dedup.ts')).registerDedup },
  { name: 'decontaminate', load: async () => (await import('./decontaminate.ts')).registerDecontaminate },
  { name: 'export', load: async () => (await import('./export.ts')).registerExport },
  { name: 'reward-server', load: async () => (await import('./reward-server.ts')).registerRewardServer },
];

/** The entries to load for these arguments: only the named command when there is one, else all (help). */
export function commandsFor(argv: readonly string[]): CommandEntry[] {
  const first = argv.find((a) => !a.startsWith('-'));
  const named = commands.find((c) => c.name === first);
  return named ? [named] : commands;
}
