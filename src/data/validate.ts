// Validation at the edge: check one parsed record against a zod schema and turn the first failure
// into an InputError that names file, line and the field path (e.g. `turns.2.usage`).
import type { ZodType } from 'zod';
import { InputError } from '../core/errors.ts';
import type { InputLocation } from '../core/errors.ts';

export type Validated<T> = { ok: true; value: T } | { ok: false; error: InputError };

export function validateRecord<T>(schema: ZodType<T>, value: unknown, where: InputLocation): Validated<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const path = issue.path.map(String);
  const field = [where.field, ...path].filter(Boolean).join('.') || undefined;
  const reason = valueAt(value, path) === undefined ? 'missing (required)' : issue.message;
  return { ok: false, error: new InputError(reason, { ...where, field }) };
}

function valueAt(value: unknown, path: string[]): unknown {
  let cur = value;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
