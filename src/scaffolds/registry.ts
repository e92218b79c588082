// Scaffold registry by name, and option parsing (CLI strings or typed values) with clear errors.
import type { ScaffoldDef } from './types.ts';
import { bestOfN } from './best-of-n.ts';
import { generateVerifyRefine } from './generate-verify-refine.ts';
import { pure } from './pure.ts';
import { reasoningCache } from './reasoning-cache.ts';
import { rsa } from './rsa.ts';
import { selfCheck } from './self-check.ts';

export const scaffolds: Record<string, ScaffoldDef> = Object.fromEntries(
  [pure, reasoningCache, generateVerifyRefine, rsa, selfCheck, bestOfN].map((s) => [
    s.name,
    s as ScaffoldDef,
  ]),
);

export function getScaffold(name: string): ScaffoldDef {
  const s = scaffolds[name];
  if (!s) throw new Error(`unknown scaffold "${name}"; known: ${Object.keys(scaffolds).join(', ')}`);
  return s;
}

/** Validates options for a scaffold; every field has a default, so `{}` is always valid. */
export function parseScaffoldOptions(scaffold: ScaffoldDef, raw: Record<string, unknown> = {}): unknown {
  const parsed = scaffold.options.safeParse(raw);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ');
    throw new Error(`scaffold ${scaffold.name}: invalid options: ${why}`);
  }
  return parsed.data;
}

/** Parses repeated `key=value` CLI pairs into a raw options object (values stay strings; zod coerces). */
export function parseOptionPairs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`scaffold option "${pair}" is not key=value`);
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}
