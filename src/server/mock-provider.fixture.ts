// Test fixture: the in-repo mock OpenAI server with a provider pointed at it over HTTP, started before a
// test file's tests and closed after them. For tests of code that talks to a judge or prover model.
import { afterAll, beforeAll } from 'vitest';
import { createProvider } from '../providers/index.ts';
import type { Provider } from '../providers/types.ts';
import { type MockServer, type MockServerOptions, startMockServer } from './mock-openai-server.ts';

export interface ServedProvider {
  /** The provider (set once the file's beforeAll has run). */
  readonly provider: Provider;
  readonly server: MockServer;
}

/** Registers beforeAll/afterAll hooks; read `.provider` inside tests. No cache, no retries. */
export function mockServedProvider(model: string, opts: MockServerOptions): ServedProvider {
  let server: MockServer | undefined;
  let provider: Provider | undefined;
  beforeAll(async () => {
    server = await startMockServer(opts);
    provider = await createProvider({
      model,
      cache: false,
      maxRetries: 0,
      env: { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'test-key' },
    });
  });
  afterAll(async () => {
    await provider?.close?.();
    await server?.close();
  });
  const ready = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('mockServedProvider: used before beforeAll ran');
    return v;
  };
  return {
    get provider() {
      return ready(provider);
    },
    get server() {
      return ready(server);
    },
  };
}
