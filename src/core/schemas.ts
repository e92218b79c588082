// Registry of the core record schemas by name, for `qed schema NAME` and for validation by name.
import { z } from 'zod';
import { AttemptSchema } from './attempt.ts';
import { GradeSchema } from './grade.ts';
import { ProblemSchema } from './problem.ts';
import { RubricSchema } from './rubric.ts';
import { RunLogSchema } from './run-log.ts';

export const schemas = {
  problem: ProblemSchema,
  rubric: RubricSchema,
  attempt: AttemptSchema,
  grade: GradeSchema,
  runlog: RunLogSchema,
} as const;

export type SchemaName = keyof typeof schemas;

export function jsonSchemaOf(name: string): unknown {
  const key = name.toLowerCase().replace(/[-_]/g, '') as SchemaName;
  const schema = schemas[key];
  if (!schema) throw new Error(`unknown schema "${name}"; known: ${Object.keys(schemas).join(', ')}`);
  return z.toJSONSchema(schema, { io: 'input' });
}
