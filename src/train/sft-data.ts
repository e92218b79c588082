// SFT records on disk: JSONL rows with `prompt` + `proof` (+ optional teacher `grade`), as `qed demo`
// and the Olympiad-lite teacher write them, or TRL-style `messages` [{role: user}, {role: assistant}].
// Validated at the boundary; errors name file, line and field.
import { z } from 'zod';
import { readJsonlAll } from '../data/index.ts';

export const SftRecordSchema = z.union([
  z.object({ prompt: z.string().min(1), proof: z.string(), grade: z.number().min(0).max(7).optional() }),
  z.object({
    messages: z
      .array(z.object({ role: z.string(), content: z.string() }))
      .min(2)
      .refine((m) => m[m.length - 1].role === 'assistant' && m[m.length - 2].role === 'user', {
        message: 'messages must end with a user turn and an assistant turn',
      }),
    grade: z.number().min(0).max(7).optional(),
  }),
]);

export interface SftPair {
  prompt: string;
  proof: string;
  grade?: number;
}

export async function loadSftPairs(path: string): Promise<SftPair[]> {
  const rows = await readJsonlAll(path, { schema: SftRecordSchema });
  return rows.map((r) => {
    if ('prompt' in r)
      return { prompt: r.prompt, proof: r.proof, ...(r.grade !== undefined ? { grade: r.grade } : {}) };
    const m = r.messages;
    return {
      prompt: m[m.length - 2].content,
      proof: m[m.length - 1].content,
      ...(r.grade !== undefined ? { grade: r.grade } : {}),
    };
  });
}
