// RunLog: one versioned JSON document per evaluation run (config, environment, per-sample records,
// aggregate metrics). While a run is in progress its records are appended to JSONL files instead.
import { z } from 'zod';
import { AttemptSchema } from './attempt.ts';
import { GradeSchema } from './grade.ts';

export const RUN_LOG_SCHEMA_VERSION = 1;

export const RunSampleSchema = z.object({
  attempt: AttemptSchema,
  grade: GradeSchema.nullable().describe('null when the attempt was never graded'),
});

export const RunLogSchema = z.object({
  schemaVersion: z.literal(RUN_LOG_SCHEMA_VERSION),
  kind: z.string().default('eval'),
  createdAt: z.string(),
  finishedAt: z.string().optional(),
  config: z.record(z.string(), z.unknown()),
  environment: z.object({
    qedVersion: z.string(),
    node: z.string(),
    platform: z.string(),
    gitCommit: z.string().nullable(),
  }),
  samples: z.array(RunSampleSchema),
  metrics: z.record(z.string(), z.unknown()),
});
export type RunLog = z.infer<typeof RunLogSchema>;
export type RunSample = z.infer<typeof RunSampleSchema>;
