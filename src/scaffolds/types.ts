// The scaffold interface: a test-time strategy is a plain async function over an input (problem,
// sample index, seed) and a context whose `generate` calls a model and records the call as a turn.
// The scaffold returns the final proof; `runScaffold` turns the recorded calls into an Attempt.
import type { z } from 'zod';
import type { Problem } from '../core/problem.ts';
import type { Rng } from '../core/rng.ts';
import type { ChatMessage, GenerateRequest } from '../providers/types.ts';

export interface ScaffoldInput {
  problem: Problem;
  sampleIndex: number;
  /** Seed for this (run, problem, sample); scaffolds derive every random choice from it. */
  seed: number;
}

export interface CallOptions {
  /** What the turn is for: reason, summarize, verify, refine, aggregate, select, answer … */
  role: string;
  /** Which model to use: a key of the providers map ('policy' when absent). */
  using?: string;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  extra?: GenerateRequest['extra'];
}

/** One model call's outcome, with the thinking part split from the answer. */
export interface CallResult {
  /** Post-think text: what the model answers. */
  content: string;
  /** Reasoning: the server's reasoning_content, or the text before `</think>`. */
  reasoning?: string;
  finishReason: string;
}

export type Generate = (messages: ChatMessage[], options: CallOptions) => Promise<CallResult>;

export interface ScaffoldContext {
  generate: Generate;
  /** Records a turn that no model produced (e.g. a programmatic summary), with zero usage. */
  note(role: string, content: string, model?: string): void;
  rng: Rng;
  /** Whether a provider is configured under this key (e.g. a separate summarizer). */
  has(using: string): boolean;
}

export type ScaffoldFn<O> = (input: ScaffoldInput, ctx: ScaffoldContext, options: O) => Promise<string>;

/** A scaffold in the registry: a name, its options schema (all fields defaulted) and its function. */
export interface ScaffoldDef<S extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  options: S;
  run: ScaffoldFn<z.output<S>>;
}

export function defineScaffold<S extends z.ZodType>(def: ScaffoldDef<S>): ScaffoldDef<S> {
  return def;
}
