// One chat-completions call through the official client, streamed or not, turned into a Reply with
// text, reasoning, finish reason and token usage. Shape problems the client lets through (no choices,
// no content and nothing in its place, a stream that ends without a finish_reason) are raised as
// ResponseShapeError for the retry logic.
import type OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import { ResponseShapeError } from './retry.ts';
import type { FinishReason, GenerateRequest } from './types.ts';

export interface Reply {
  text: string;
  reasoning?: string;
  finishReason: FinishReason;
  model: string;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
}

export type ChatClient = Pick<OpenAI, 'chat'>;

/** Newer OpenAI reasoning models reject `max_tokens`; servers such as vLLM accept either name. */
function maxTokensField(model: string): string {
  return /^(openai\/)?(o\d|gpt-5)/.test(model) ? 'max_completion_tokens' : 'max_tokens';
}

export function requestBody(model: string, r: GenerateRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { model, messages: r.messages };
  if (r.maxTokens !== undefined) body[maxTokensField(model)] = r.maxTokens;
  if (r.temperature !== undefined) body.temperature = r.temperature;
  if (r.topP !== undefined) body.top_p = r.topP;
  if (r.stop?.length) body.stop = r.stop;
  if (r.seed !== undefined) body.seed = r.seed;
  return { ...body, ...r.extra };
}

function finishOf(reason: string | null | undefined): FinishReason {
  return reason === 'stop' || reason === 'length' || reason === 'content_filter'
    ? reason
    : reason === 'tool_calls' || reason === 'function_call'
      ? 'stop'
      : 'unknown';
}

/** reasoning_content (vLLM, DeepSeek, SGLang) or reasoning (OpenRouter, newer vLLM). */
function reasoningField(o: object | undefined): string | undefined {
  const r = o as { reasoning_content?: unknown; reasoning?: unknown } | undefined;
  const v = r?.reasoning_content ?? r?.reasoning;
  return typeof v === 'string' ? v : undefined;
}

function noContentMessage(toolCall: boolean, refusal: boolean, completionTokens: number): string {
  const why = toolCall
    ? 'a tool call'
    : refusal
      ? 'a refusal'
      : completionTokens > 0
        ? `${completionTokens} completion tokens`
        : '';
  return `no content in the reply${why ? ` (${why})` : ''}`;
}

function usageFields(u: ChatCompletion['usage'] | null | undefined) {
  return {
    promptTokens: u?.prompt_tokens ?? 0,
    completionTokens: u?.completion_tokens ?? 0,
    reasoningTokens: u?.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}

export async function callOnce(
  client: ChatClient,
  body: Record<string, unknown>,
  signal: AbortSignal,
): Promise<Reply> {
  const params = { ...body, stream: false } as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
  const res = (await client.chat.completions.create(params, { signal })) as ChatCompletion | null;
  if (!res || typeof res !== 'object')
    throw new ResponseShapeError('malformed', 'response is not a JSON object');
  const choice = Array.isArray(res.choices) ? res.choices[0] : undefined;
  if (!choice || typeof choice.message !== 'object' || choice.message === null) {
    throw new ResponseShapeError('malformed', 'response has no choices[0].message');
  }
  const reasoning = reasoningField(choice.message);
  const content = choice.message.content;
  const m = choice.message as { tool_calls?: unknown; function_call?: unknown; refusal?: unknown };
  const toolCall = Boolean(m.tool_calls || m.function_call);
  const refusal = typeof m.refusal === 'string' && m.refusal !== '';
  // A reply with no content and nothing we read in its place (a tool call, a refusal, reasoning under
  // a field we do not know) is no answer at all: taken as an empty one it would be graded as a real
  // failure. An empty string on its own is a genuine empty answer; a filtered reply keeps its finish
  // reason so it shows up as filtered.
  if (
    !content &&
    !reasoning &&
    choice.finish_reason !== 'content_filter' &&
    (typeof content !== 'string' || toolCall || refusal)
  ) {
    throw new ResponseShapeError(
      'malformed',
      noContentMessage(toolCall, refusal, res.usage?.completion_tokens ?? 0),
    );
  }
  return {
    text: content ?? '',
    ...(reasoning !== undefined ? { reasoning } : {}),
    finishReason: finishOf(choice.finish_reason),
    model: typeof res.model === 'string' ? res.model : '',
    ...usageFields(res.usage),
  };
}

export async function callStreaming(
  client: ChatClient,
  body: Record<string, unknown>,
  signal: AbortSignal,
): Promise<Reply> {
  const params = {
    ...body,
    stream: true,
    stream_options: { include_usage: true },
  } as unknown as OpenAI.Chat.ChatCompletionCreateParamsStreaming;
  const stream = await client.chat.completions.create(params, { signal });
  let text = '';
  let reasoning = '';
  let finish: string | null | undefined;
  let model = '';
  let usage: ChatCompletionChunk['usage'] | undefined;
  let sawContent = false;
  let toolCall = false;
  let refusal = false;
  for await (const chunk of stream) {
    if (chunk.model) model = chunk.model;
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (!choice) continue;
    const delta = choice.delta as
      { content?: unknown; tool_calls?: unknown; function_call?: unknown; refusal?: unknown } | undefined;
    if (typeof delta?.content === 'string') {
      sawContent = true;
      text += delta.content;
    }
    if (delta?.tool_calls || delta?.function_call) toolCall = true;
    if (typeof delta?.refusal === 'string' && delta.refusal !== '') refusal = true;
    reasoning += reasoningField(choice.delta) ?? '';
    if (choice.finish_reason) finish = choice.finish_reason;
  }
  if (!finish) throw new ResponseShapeError('truncated', 'stream ended before a finish_reason');
  // Servers open a stream with an empty content delta, so an empty answer still shows a string
  // content; tokens spent with no content, reasoning or text delta at all went somewhere we cannot read.
  const completionTokens = usage?.completion_tokens ?? 0;
  if (
    text === '' &&
    !reasoning &&
    finish !== 'content_filter' &&
    (toolCall || refusal || (!sawContent && completionTokens > 0))
  ) {
    throw new ResponseShapeError('malformed', noContentMessage(toolCall, refusal, completionTokens));
  }
  return {
    text,
    ...(reasoning ? { reasoning } : {}),
    finishReason: finishOf(finish),
    model,
    ...usageFields(usage),
  };
}
