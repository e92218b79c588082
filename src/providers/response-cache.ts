// SQLite response cache for providers: successful responses keyed by a hash of the full request
// (model, messages, sampling parameters, seed, extra body fields). Only reproducible requests are
// cached (a seed is set, or temperature is 0): caching unseeded sampling would collapse N samples into one.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { Reply } from './openai-call.ts';
import type { GenerateRequest } from './types.ts';

/** What is cached is the reply exactly as the chat call returned it. */
export type CachedResponse = Reply;

export function defaultCachePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.QED_CACHE_DIR || '.qed-cache', 'responses.sqlite');
}

export function isCacheable(request: GenerateRequest): boolean {
  return request.seed !== undefined || request.temperature === 0;
}

/** Stable JSON: object keys sorted, undefined dropped, so equal requests hash equally. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

export function requestKey(model: string, request: GenerateRequest): string {
  const { messages, maxTokens, temperature, topP, stop, seed, extra } = request;
  const text = canonical({ v: 1, model, messages, maxTokens, temperature, topP, stop, seed, extra });
  return createHash('sha256').update(text).digest('hex');
}

export class ResponseCache {
  private readonly db: Database.Database;
  private readonly getStmt: Database.Statement<[string], { response: string }>;
  private readonly putStmt: Database.Statement<[string, string, number, string]>;
  hits = 0;
  misses = 0;

  constructor(readonly path: string = defaultCachePath()) {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, model TEXT NOT NULL, created_at INTEGER NOT NULL, response TEXT NOT NULL)',
    );
    this.getStmt = this.db.prepare('SELECT response FROM responses WHERE key = ?');
    this.putStmt = this.db.prepare(
      'INSERT OR REPLACE INTO responses (key, model, created_at, response) VALUES (?, ?, ?, ?)',
    );
  }

  get(key: string): CachedResponse | undefined {
    const row = this.getStmt.get(key);
    if (!row) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    return JSON.parse(row.response) as CachedResponse;
  }

  put(key: string, response: CachedResponse): void {
    this.putStmt.run(key, response.model, Date.now(), JSON.stringify(response));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
