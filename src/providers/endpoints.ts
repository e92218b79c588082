// Endpoint configuration for the openai-compatible provider: a JSON or YAML file naming several
// endpoints (base URL, the NAME of the env var holding the key, models, weight, concurrency) and
// price overrides; without a file, one endpoint from OPENAI_BASE_URL / OPENAI_API_KEY.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InputError } from '../core/errors.ts';

const PriceSchema = z.strictObject({
  input: z.number().nonnegative().describe('$ per million prompt tokens'),
  output: z.number().nonnegative().describe('$ per million completion tokens'),
});

export const EndpointSchema = z.strictObject({
  name: z.string().min(1).optional(),
  baseUrl: z.url(),
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the NAME of an environment variable')
    .optional()
    .describe('name of the env var holding the key (never the key itself)'),
  models: z.array(z.string().min(1)).default([]).describe('models served; empty = any'),
  weight: z.number().positive().default(1),
  maxConcurrency: z.number().int().positive().default(64),
});
export type EndpointConfig = z.infer<typeof EndpointSchema> & { name: string };

export const ProviderConfigSchema = z.strictObject({
  endpoints: z.array(EndpointSchema).min(1),
  prices: z.record(z.string(), PriceSchema).default({}),
  defaults: z
    .strictObject({
      concurrency: z.number().int().positive().optional(),
      timeoutMs: z.number().int().positive().optional(),
      maxRetries: z.number().int().nonnegative().optional(),
      stream: z.boolean().optional(),
      cache: z.boolean().optional(),
    })
    .default({}),
});
export type ProviderConfig = Omit<z.infer<typeof ProviderConfigSchema>, 'endpoints'> & {
  endpoints: EndpointConfig[];
};

/** Reads and validates a provider config file; errors name the file and the field. */
export function loadProviderConfig(file: string): ProviderConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read provider config: ${(e as Error).message}`, { file });
  }
  let raw: unknown;
  try {
    raw = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new InputError(`not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(e as Error).message}`, {
      file,
    });
  }
  return parseProviderConfig(raw, file);
}

export function parseProviderConfig(raw: unknown, file?: string): ProviderConfig {
  const endpoints = (raw as { endpoints?: unknown[] } | null)?.endpoints;
  if (Array.isArray(endpoints)) {
    endpoints.forEach((e, i) => {
      if (e && typeof e === 'object' && ('apiKey' in e || 'api_key' in e)) {
        throw new InputError(
          'API keys are not accepted in config files: put the key in an environment variable and name it with apiKeyEnv',
          { file, field: `endpoints.${i}.apiKey` },
        );
      }
    });
  }
  const parsed = ProviderConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(issue.message, { file, field: issue.path.join('.') || undefined });
  }
  const seen = new Set<string>();
  const named = parsed.data.endpoints.map((e, i) => {
    const name = e.name ?? `endpoint-${i}`;
    if (seen.has(name))
      throw new InputError(`duplicate endpoint name "${name}"`, { file, field: `endpoints.${i}.name` });
    seen.add(name);
    return { ...e, name };
  });
  return { ...parsed.data, endpoints: named };
}

/** The single endpoint the official client's environment variables describe. */
export function endpointFromEnv(env: NodeJS.ProcessEnv = process.env): EndpointConfig {
  return {
    name: 'env',
    baseUrl: env.OPENAI_BASE_URL || 'https://api.openai.com/v1',
    apiKeyEnv: 'OPENAI_API_KEY',
    models: [],
    weight: 1,
    maxConcurrency: Number.MAX_SAFE_INTEGER,
  };
}
