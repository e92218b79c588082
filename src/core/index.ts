// Public surface of the core: record schemas, usage accounting, errors, seeds, progress, run files.
export * from './attempt.ts';
export * from './environment.ts';
export * from './errors.ts';
export * from './grade.ts';
export * from './hash.ts';
export * from './problem.ts';
export * from './progress.ts';
export * from './record-log.ts';
export * from './rng.ts';
export * from './rubric.ts';
export * from './run-dir.ts';
export * from './run-log.ts';
export * from './schemas.ts';
export * from './usage.ts';
