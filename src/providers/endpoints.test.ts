// Provider config files: JSON and YAML, defaults, errors that name the file and field, and keys
// refused in files (only env var names are accepted).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { endpointFromEnv, loadProviderConfig } from './endpoints.ts';

const dir = mkdtempSync(join(tmpdir(), 'qed-endpoints-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('provider config', () => {
  it('reads YAML with defaults filled in', () => {
    const cfg = loadProviderConfig(
      file(
        'a.yaml',
        `endpoints:\n  - name: gpu-a\n    baseUrl: http://10.0.0.1:8000/v1\n    models: [qed]\n    weight: 2\n  - baseUrl: https://api.openai.com/v1\n    apiKeyEnv: OPENAI_API_KEY\nprices:\n  qed: {input: 0.1, output: 0.2}\ndefaults:\n  concurrency: 32\n`,
      ),
    );
    expect(cfg.endpoints).toEqual([
      { name: 'gpu-a', baseUrl: 'http://10.0.0.1:8000/v1', models: ['qed'], weight: 2, maxConcurrency: 64 },
      {
        name: 'endpoint-1',
        baseUrl: 'https://api.openai.com/v1',
        apiKeyEnv: 'OPENAI_API_KEY',
        models: [],
        weight: 1,
        maxConcurrency: 64,
      },
    ]);
    expect(cfg.prices.qed).toEqual({ input: 0.1, output: 0.2 });
    expect(cfg.defaults.concurrency).toBe(32);
  });

  it('reads JSON', () => {
    const cfg = loadProviderConfig(
      file('b.json', JSON.stringify({ endpoints: [{ baseUrl: 'http://127.0.0.1:1/v1' }] })),
    );
    expect(cfg.endpoints[0].name).toBe('endpoint-0');
  });

  it.each([
    [
      'key.yaml',
      'endpoints:\n  - baseUrl: http://x/v1\n    apiKey: sk-secret-value\n',
      /endpoints\.0\.apiKey.*environment variable/,
    ],
    ['url.yaml', 'endpoints:\n  - baseUrl: not a url\n', /field "endpoints\.0\.baseUrl"/],
    ['extra.yaml', 'endpoints:\n  - baseUrl: http://x/v1\n    modle: [a]\n', /field "endpoints\.0"/],
    [
      'env.yaml',
      'endpoints:\n  - baseUrl: http://x/v1\n    apiKeyEnv: sk-abc-123\n',
      /apiKeyEnv.*NAME of an environment variable/,
    ],
    [
      'dup.yaml',
      'endpoints:\n  - {name: a, baseUrl: "http://x/v1"}\n  - {name: a, baseUrl: "http://y/v1"}\n',
      /duplicate endpoint name "a"/,
    ],
    ['bad.json', '{"endpoints": [', /not valid JSON/],
  ])('rejects %s with a clear error', (name, text, message) => {
    const p = file(name, text);
    expect(() => loadProviderConfig(p)).toThrow(message);
    expect(() => loadProviderConfig(p)).toThrow(p);
  });

  it('never echoes a key found in a config file', () => {
    const p = file('key2.yaml', 'endpoints:\n  - baseUrl: http://x/v1\n    apiKey: sk-do-not-print-me\n');
    expect(() => loadProviderConfig(p)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('sk-do-not-print-me') }),
    );
  });

  it('falls back to the official client env vars', () => {
    expect(endpointFromEnv({ OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' })).toMatchObject({
      baseUrl: 'http://127.0.0.1:9/v1',
      apiKeyEnv: 'OPENAI_API_KEY',
    });
    expect(endpointFromEnv({}).baseUrl).toBe('https://api.openai.com/v1');
  });
});
