// Continuous-batching generation engine over the tiny GPT's KV cache: requests (prompt ids, sampling
// settings, seed, stop strings) queue up, join the running batch as soon as a cache slot is free, and
// decode together one token per step. Text streams out through `onDelta`; each request resolves with its
// text, finish reason and token counts. Used by the `local:` provider and by `qed serve`.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { TextDecoder } from 'node:util';
import { Rng } from '../core/rng.ts';
import type { GPT } from '../tiny/gpt.ts';
import { KVCache, forwardSharingPrefill, type CacheItem } from '../tiny/kv-cache.ts';
import { drawToken } from '../tiny/sample.ts';
import type { Tokenizer } from '../tiny/tokenizer.ts';

export interface GenerationJob {
  promptIds: number[];
  maxNewTokens: number;
  /** 0 = greedy. */
  temperature: number;
  topP: number;
  seed: number;
  /** Generation ends when one of these token ids is sampled (it is not part of the text). */
  stopTokens: ReadonlySet<number>;
  /** Generation ends when the text contains one of these; the text is cut before it. */
  stopStrings: readonly string[];
  /** Receives text as it becomes final (never a prefix of a stop string, never half a character). */
  onDelta?: (text: string) => void;
  signal?: AbortSignal;
  /** Also return this many most likely alternatives per generated token (0–20, default 0). */
  topLogprobs?: number;
}

/** A token id with its log-probability under the model (temperature 1, before top-p). */
export interface TokenLogprob {
  token: number;
  logprob: number;
}

export interface GenerationOutcome {
  text: string;
  finishReason: 'stop' | 'length';
  promptTokens: number;
  /** Tokens sampled, including a stop token when one ended the generation. */
  completionTokens: number;
  /** Every sampled token (a final stop token included) with its log-probability. */
  tokens: TokenLogprob[];
  /** With topLogprobs: the most likely tokens at each step, best first. */
  top?: TokenLogprob[][];
}

interface Running {
  job: GenerationJob;
  slot: number;
  rng: Rng;
  pending: number[]; // tokens to feed on the next step (the prompt first, then the last sampled token)
  tokens: TokenLogprob[];
  top: TokenLogprob[][];
  decoder: TextDecoder;
  text: string;
  emitted: number;
  resolve: (o: GenerationOutcome) => void;
  reject: (e: Error) => void;
}

export interface LocalEngineOptions {
  /** Most sequences decoded together (KV-cache slots); default 8. */
  maxBatch?: number;
}

export class LocalEngine {
  readonly model: GPT;
  readonly tokenizer: Tokenizer;
  readonly maxBatch: number;
  private readonly cache: KVCache;
  private readonly free: number[];
  private readonly queue: Running[] = [];
  private readonly running: Running[] = [];
  private loop: Promise<void> | null = null;
  private closed = false;
  /** Ids a row may sample: a model vocab padded beyond the tokenizer has rows no text maps to. */
  private readonly usable: number;
  /** Scratch for drawing a token from a row of the usable vocabulary. */
  private readonly probs: Float64Array;
  private readonly order: Int32Array;
  /** Forward steps run, the largest batch seen, and prompts copied from a twin's prefill (tests, stats). */
  stats = { steps: 0, maxBatchSeen: 0, sharedPrefills: 0 };

  constructor(model: GPT, tokenizer: Tokenizer, opts: LocalEngineOptions = {}) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.maxBatch = opts.maxBatch ?? 8;
    if (!(Number.isInteger(this.maxBatch) && this.maxBatch >= 1))
      throw new Error('LocalEngine: maxBatch must be >= 1');
    this.cache = new KVCache(model, this.maxBatch);
    this.free = Array.from({ length: this.maxBatch }, (_v, i) => this.maxBatch - 1 - i);
    this.usable = Math.min(model.config.vocab, tokenizer.vocabSize);
    this.probs = new Float64Array(this.usable);
    this.order = new Int32Array(this.usable);
  }

  /** Queue a generation; rejects if the prompt does not fit the context or the job is aborted. */
  submit(job: GenerationJob): Promise<GenerationOutcome> {
    const { ctx, vocab } = this.model.config;
    if (this.closed) return Promise.reject(new Error('LocalEngine is closed'));
    if (job.promptIds.length === 0) return Promise.reject(new Error('empty prompt'));
    if (job.promptIds.length >= ctx) {
      return Promise.reject(
        new Error(`prompt has ${job.promptIds.length} tokens; the model context is ${ctx}`),
      );
    }
    if (job.promptIds.some((t) => !(Number.isInteger(t) && t >= 0 && t < vocab))) {
      return Promise.reject(new Error('prompt token out of the model vocab'));
    }
    return new Promise((resolve, reject) => {
      const r: Running = {
        job,
        slot: -1,
        rng: new Rng(job.seed),
        pending: job.promptIds,
        tokens: [],
        top: [],
        decoder: new TextDecoder('utf-8'),
        text: '',
        emitted: 0,
        resolve,
        reject,
      };
      if (job.maxNewTokens <= 0) {
        resolve({
          text: '',
          finishReason: 'length',
          promptTokens: job.promptIds.length,
          completionTokens: 0,
          tokens: [],
        });
        return;
      }
      this.queue.push(r);
      this.loop ??= this.run().finally(() => {
        this.loop = null;
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const r of this.queue.splice(0)) r.reject(new Error('LocalEngine closed'));
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.queue.length > 0 || this.running.length > 0) {
      while (this.queue.length > 0 && this.free.length > 0) {
        const r = this.queue.shift()!;
        r.slot = this.free.pop()!;
        this.cache.len[r.slot] = 0;
        this.running.push(r);
      }
      for (const r of [...this.running]) {
        if (r.job.signal?.aborted || this.closed) this.finish(r, new Error('aborted'));
      }
      if (this.running.length > 0) this.step();
      // Let HTTP handlers and new submissions in between decode steps.
      await yieldToEventLoop();
    }
  }

  private step(): void {
    const batch = [...this.running];
    const items: CacheItem[] = batch.map((r) => ({ slot: r.slot, tokens: r.pending }));
    this.stats.steps++;
    this.stats.maxBatchSeen = Math.max(this.stats.maxBatchSeen, batch.length);
    let shared: ReturnType<typeof forwardSharingPrefill>;
    try {
      // Jobs starting this step with the same prompt (avg@k sends each prompt k times) share its prefill.
      shared = forwardSharingPrefill(this.model, this.cache, items);
    } catch (e) {
      for (const r of batch) this.finish(r, e as Error);
      return;
    }
    const { logits, rows, distinct } = shared; // logits [distinct, V]
    this.stats.sharedPrefills += batch.length - distinct;
    const V = this.model.config.vocab;
    batch.forEach((r, j) => {
      const row = logits.subarray(rows[j] * V, rows[j] * V + this.usable);
      const { token, logprob } = drawToken(row, r.job.temperature, r.job.topP, r.rng, this.probs, this.order);
      r.tokens.push({ token, logprob });
      if (r.job.topLogprobs) r.top.push(topK(row, r.job.topLogprobs, logSumExp(row)));
      if (r.job.stopTokens.has(token)) return this.finish(r, 'stop');
      const bytes = this.tokenizer.vocab[token];
      r.text += r.decoder.decode(bytes, { stream: true });
      const cut = firstStop(r.text, r.job.stopStrings, r.emitted);
      if (cut >= 0) {
        r.text = r.text.slice(0, cut);
        return this.finish(r, 'stop');
      }
      if (r.tokens.length >= r.job.maxNewTokens || this.cache.len[r.slot] >= this.model.config.ctx) {
        r.text += r.decoder.decode();
        return this.finish(r, 'length');
      }
      this.emit(r, holdBack(r.text, r.job.stopStrings));
      r.pending = [token];
    });
  }

  private emit(r: Running, upTo: number): void {
    if (upTo > r.emitted) {
      r.job.onDelta?.(r.text.slice(r.emitted, upTo));
      r.emitted = upTo;
    }
  }

  private finish(r: Running, how: 'stop' | 'length' | Error): void {
    this.running.splice(this.running.indexOf(r), 1);
    this.free.push(r.slot);
    if (how instanceof Error) return r.reject(how);
    this.emit(r, r.text.length);
    r.resolve({
      text: r.text,
      finishReason: how,
      promptTokens: r.job.promptIds.length,
      completionTokens: r.tokens.length,
      tokens: r.tokens,
      ...(r.job.topLogprobs ? { top: r.top } : {}),
    });
  }
}

/** Index of the earliest stop string in text (searching only where a new match can be), or -1. */
function firstStop(text: string, stops: readonly string[], from: number): number {
  let best = -1;
  for (const s of stops) {
    if (!s) continue;
    const i = text.indexOf(s, Math.max(0, from - s.length));
    if (i >= 0 && (best < 0 || i < best)) best = i;
  }
  return best;
}

/** Length of text that is safe to emit: everything except a tail that could still grow into a stop string. */
function holdBack(text: string, stops: readonly string[]): number {
  let keep = 0;
  for (const s of stops) {
    for (let n = Math.min(s.length - 1, text.length); n > keep; n--) {
      if (text.endsWith(s.slice(0, n))) {
        keep = n;
        break;
      }
    }
  }
  return text.length - keep;
}

function logSumExp(row: Float32Array): number {
  let max = -Infinity;
  for (const v of row) if (v > max) max = v;
  let z = 0;
  for (const v of row) z += Math.exp(v - max);
  return max + Math.log(z);
}

/** The k highest logits of a row as log-probabilities, best first (ties → lower id). */
function topK(row: Float32Array, k: number, logZ: number): TokenLogprob[] {
  const best: number[] = [];
  for (let j = 0; j < row.length; j++) {
    if (best.length === k && row[j] <= row[best[k - 1]]) continue;
    let i = Math.min(best.length, k - 1);
    best[i] = j;
    while (i > 0 && row[best[i - 1]] < row[j]) {
      best[i] = best[i - 1];
      best[--i] = j;
    }
  }
  return best.map((token) => ({ token, logprob: row[token] - logZ }));
}
