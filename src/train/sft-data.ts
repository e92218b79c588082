// SFT records on disk: JSONL rows with `prompt` + `proof` (+ optional teacher `grade`), as `qed demo`
// and the Olympiad-lite teacher write them, or TRL-style `messages` [{role: user}, {role: assistant}],
// which covers the `sft.jsonl` (and `distill.jsonl`) that `qed distill` writes.
// Validated at the boundary; errors name file, line and field (`file:line 2, field "proof": missing
// (required)`). The record shape is chosen by its keys (`prompt` first, then `messages`) before it is
// checked, so a bad record is reported against the one shape it was meant to have.
//
// `grade` is a number 0–7, or a Grade object as distill writes it ({score, graderError?, …}; only
// `score` is read), or null / absent for an ungraded record. For `--min-grade` filtering:
// - a Grade with a numeric score counts as that score;
// - a Grade with `score: null` is a failed grading: never a score; it stays null, `--min-grade` drops
//   it (as distill's own `--min-score` does), and an unfiltered run still trains on it;
// - null or no grade means ungraded: `--min-grade` keeps it, like any record without a grade.
// A distill record with `kept: false` (dropped by distill's filters; only in distill.jsonl) is refused:
// train on sft.jsonl, which holds the kept samples only.
import { z } from 'zod';
import { readJsonlAll } from '../data/index.ts';

const GradeNumberSchema = z.number().min(0).max(7);

/** The part of a Grade (src/core/grade.ts) that SFT needs; the other fields are not checked. */
const GradeObjectSchema = z.object({
  score: z.number().min(0).max(7).nullable(),
  graderError: z.string().optional(),
});

/** A grade as a number, a Grade object or null, read as the score used for filtering. */
const GradeFieldSchema = z.unknown().transform((g, ctx): number | null | undefined => {
  if (g === undefined || g === null) return undefined;
  const schema =
    typeof g === 'number' ? GradeNumberSchema : typeof g === 'object' ? GradeObjectSchema : undefined;
  if (!schema) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a number 0–7 or a grade object with a numeric score, received ${typeof g}`,
    });
    return z.NEVER;
  }
  const parsed = schema.safeParse(g);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, code: 'custom' });
    return z.NEVER;
  }
  const value = parsed.data;
  return typeof value === 'number' ? value : value.score;
});

/** Set by distill on every record; false marks a sample its filters dropped. */
const KeptSchema = z.boolean().optional();

export const SftPromptRecordSchema = z.object({
  prompt: z.string().min(1),
  proof: z.string(),
  grade: GradeFieldSchema.optional(),
  kept: KeptSchema,
});

export const SftMessagesRecordSchema = z.object({
  messages: z
    .array(z.object({ role: z.string(), content: z.string() }))
    .min(2)
    .refine((m) => m[m.length - 1].role === 'assistant' && m[m.length - 2].role === 'user', {
      message: 'messages must end with a user turn and an assistant turn',
    }),
  grade: GradeFieldSchema.optional(),
  kept: KeptSchema,
});

type SftRecord = z.infer<typeof SftPromptRecordSchema> | z.infer<typeof SftMessagesRecordSchema>;

/**
 * One SFT record of either shape. The shape is picked by key (`prompt`, else `messages`, else the
 * prompt shape, which then reports `prompt` missing) and the record checked against it alone, so
 * issues keep their field paths instead of collapsing into a union's "Invalid input".
 */
export const SftRecordSchema = z.unknown().transform((value, ctx): SftRecord => {
  const keyed = value !== null && typeof value === 'object' && !Array.isArray(value);
  const schema =
    keyed && !('prompt' in value) && 'messages' in value ? SftMessagesRecordSchema : SftPromptRecordSchema;
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, code: 'custom' });
    return z.NEVER;
  }
  if (parsed.data.kept === false) {
    const reason = (value as { dropReason?: unknown }).dropReason;
    ctx.addIssue({
      code: 'custom',
      path: ['kept'],
      message: `false: distill dropped this sample${typeof reason === 'string' ? ` (${reason})` : ''}; train on its sft.jsonl, which holds only the kept samples`,
    });
    return z.NEVER;
  }
  return parsed.data;
});

export interface SftPair {
  prompt: string;
  proof: string;
  /** Teacher grade 0–7; null when the grading failed; absent when ungraded. */
  grade?: number | null;
}

export async function loadSftPairs(path: string): Promise<SftPair[]> {
  const rows = await readJsonlAll(path, { schema: SftRecordSchema });
  return rows.map((r) => {
    const grade = r.grade !== undefined ? { grade: r.grade } : {};
    if ('prompt' in r) return { prompt: r.prompt, proof: r.proof, ...grade };
    const m = r.messages;
    return { prompt: m[m.length - 2].content, proof: m[m.length - 1].content, ...grade };
  });
}
