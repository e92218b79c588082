// createProvider: model-spec dispatch, the scripted mock provider, and the SQLite response cache
// (hit/miss, only reproducible requests, free when hit, opt-out) over the mock HTTP server.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startMockServer } from '../server/mock-openai-server.ts';
import type { MockServer } from '../server/mock-openai-server.ts';
import { createMockProvider, createProvider } from './index.ts';
import type { GenerateRequest, Provider } from './index.ts';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function mockServer(): Promise<MockServer> {
  const s = await startMockServer();
  closers.push(() => s.close());
  return s;
}

async function httpProvider(
  s: MockServer,
  extra: { cache?: boolean; cachePath?: string } = {},
): Promise<Provider> {
  const p = await createProvider({
    model: 'gpt-4o-mini',
    env: { OPENAI_BASE_URL: s.url, OPENAI_API_KEY: 'test-key-abcdef' },
    maxRetries: 0,
    ...extra,
  });
  closers.push(async () => p.close?.());
  return p;
}

const ask = (extra: Partial<GenerateRequest> = {}): GenerateRequest => ({
  messages: [{ role: 'user', content: 'Prove that 5 is odd.' }],
  ...extra,
});

describe('createProvider', () => {
  it('answers mock specs in process, deterministically per seed, recording calls', async () => {
    const p = createMockProvider({ model: 'mock:tiny' });
    const a = await p.generate(ask({ seed: 1 }));
    const b = await p.generate(ask({ seed: 1 }));
    const c = await p.generate(ask({ seed: 2 }));
    expect(a.ok && a.text).toMatch(/QED$/);
    expect(a.ok && b.ok && a.text === b.text).toBe(true);
    expect(a.ok && c.ok && a.text !== c.text).toBe(true);
    expect(a.model).toBe('mock:tiny');
    expect(p.calls.map((x) => x.request.seed)).toEqual([1, 1, 2]);
    const cut = await p.generate(ask({ maxTokens: 2 }));
    expect(cut.ok && cut.finishReason).toBe('length');
  });

  it('scripts replies and failures for mock', async () => {
    const scripted = await createProvider({
      model: 'mock',
      respond: (c) => (c.index === 0 ? { text: 'T', reasoning: 'R' } : { error: 'boom', code: 'x' }),
    });
    expect(await scripted.generate(ask())).toMatchObject({ ok: true, text: 'T', reasoning: 'R' });
    expect(await scripted.generate(ask())).toMatchObject({ ok: false, error: 'boom', code: 'x' });
    expect(await (await createProvider({ model: 'mock:fail' })).generate(ask())).toMatchObject({ ok: false });
  });

  it('rejects an empty local spec', async () => {
    await expect(createProvider({ model: 'local:' })).rejects.toThrow(/checkpoint directory/);
  });

  it('uses OPENAI_BASE_URL for other model names and prices them', async () => {
    const s = await mockServer();
    const p = await httpProvider(s, { cache: false });
    const r = await p.generate(ask());
    expect(r.ok).toBe(true);
    expect(p.name).toBe('openai-compatible:gpt-4o-mini');
    expect(s.calls[0].model).toBe('gpt-4o-mini');
    expect(r.usage.cost).toBeCloseTo((5 * 0.15 + r.usage.completionTokens * 0.6) / 1e6, 12);
  });

  it('serves repeated seeded requests from the cache, free, and can be turned off', async () => {
    const s = await mockServer();
    const cachePath = join(mkdtempSync(join(tmpdir(), 'qed-cache-')), 'c.sqlite');
    const p = await httpProvider(s, { cachePath });
    const miss = await p.generate(ask({ seed: 7 }));
    const hit = await p.generate(ask({ seed: 7 }));
    expect(miss.ok && !miss.cached).toBe(true);
    expect(miss.usage.cost).toBeGreaterThan(0);
    expect(hit).toMatchObject({ ok: true, cached: true, text: miss.ok ? miss.text : '' });
    expect(hit.usage.cost).toBe(0);
    expect(hit.usage.completionTokens).toBe(miss.usage.completionTokens);
    expect(s.stats.requests).toBe(1);
    // A different seed or sampling parameter is a different request.
    await p.generate(ask({ seed: 8 }));
    await p.generate(ask({ seed: 7, temperature: 0.5 }));
    expect(s.stats.requests).toBe(3);
    // Unseeded sampling is never cached, or N samples would collapse into one.
    await p.generate(ask({ temperature: 1 }));
    await p.generate(ask({ temperature: 1 }));
    expect(s.stats.requests).toBe(5);
    // The cache persists across providers; --no-cache bypasses it.
    const again = await httpProvider(s, { cachePath });
    expect(await again.generate(ask({ seed: 7 }))).toMatchObject({ cached: true });
    const off = await httpProvider(s, { cachePath, cache: false });
    expect((await off.generate(ask({ seed: 7 }))).ok && s.stats.requests).toBe(6);
  });

  it('does not cache failures', async () => {
    const s = await startMockServer({ faultFor: (c) => (c.index === 0 ? 'server_error' : undefined) });
    closers.push(() => s.close());
    const cachePath = join(mkdtempSync(join(tmpdir(), 'qed-cache-')), 'c.sqlite');
    const p = await httpProvider(s, { cachePath });
    expect((await p.generate(ask({ seed: 1 }))).ok).toBe(false);
    expect((await p.generate(ask({ seed: 1 }))).ok).toBe(true);
    expect(s.stats.requests).toBe(2);
  });
});

describe('createProvider with a provider config file', () => {
  it('warns on stderr, once, when an endpoint names an unset apiKeyEnv; not for the env endpoint', async () => {
    const s = await mockServer();
    const dir = mkdtempSync(join(tmpdir(), 'qed-provider-config-'));
    const config = join(dir, 'endpoints.yaml');
    writeFileSync(config, `endpoints:\n  - name: vllm-a\n    baseUrl: ${s.url}\n    apiKeyEnv: VLLM_KEY\n`);
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const p = await createProvider({ model: 'mock-prover', config, cache: false, env: {} });
      closers.push(async () => p.close?.());
      expect((await p.generate(ask())).ok).toBe(true);
      const warned = write.mock.calls.map((c) => String(c[0]));
      expect(warned).toEqual([
        'warning: endpoint "vllm-a": environment variable VLLM_KEY is not set; sending no API key (the placeholder "EMPTY")\n',
      ]);
      write.mockClear();
      const implicit = await createProvider({
        model: 'mock-prover',
        cache: false,
        env: { OPENAI_BASE_URL: s.url },
      });
      closers.push(async () => implicit.close?.());
      expect(write).not.toHaveBeenCalled();
    } finally {
      write.mockRestore();
    }
  });
});
