// The request body of POST /v1/chat/completions as our server accepts it (zod), and the OpenAI-style error
// body it answers with. Unknown fields are ignored, as OpenAI-compatible servers commonly do; fields we
// read are checked, and a failure names the offending parameter path.
import { z } from 'zod';

const TextPart = z.object({ type: z.literal('text'), text: z.string() });

export const ChatMessageBody = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant']),
  content: z.union([z.string(), z.array(TextPart), z.null()]),
});

export const ChatCompletionBody = z.object({
  model: z.string().min(1),
  messages: z.array(ChatMessageBody).min(1),
  max_tokens: z.number().int().nonnegative().nullish(),
  max_completion_tokens: z.number().int().nonnegative().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(16)]).nullish(),
  seed: z.number().int().nullish(),
  n: z.number().int().min(1).max(16).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).max(20).nullish(),
});
export type ChatCompletionBody = z.infer<typeof ChatCompletionBody>;

/** Message content as plain text (text parts joined; null → ""). */
export function contentText(content: z.infer<typeof ChatMessageBody>['content']): string {
  if (content === null) return '';
  return typeof content === 'string' ? content : content.map((p) => p.text).join('');
}

export interface ApiError {
  status: number;
  message: string;
  type: 'invalid_request_error' | 'not_found_error' | 'server_error';
  param?: string | null;
  code?: string | null;
}

export function errorBody(e: ApiError): { error: Omit<ApiError, 'status'> } {
  return { error: { message: e.message, type: e.type, param: e.param ?? null, code: e.code ?? null } };
}

/** Parse a JSON body text; returns the typed body or the 400 to send. */
export function parseChatBody(
  text: string,
): { ok: true; body: ChatCompletionBody } | { ok: false; error: ApiError } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const message = `request body is not valid JSON: ${(e as Error).message}`;
    return {
      ok: false,
      error: { status: 400, type: 'invalid_request_error', message, code: 'invalid_json' },
    };
  }
  const r = ChatCompletionBody.safeParse(raw);
  if (r.success) return { ok: true, body: r.data };
  const issue = r.error.issues[0];
  const param = issue.path.map(String).join('.') || null;
  return {
    ok: false,
    error: {
      status: 400,
      type: 'invalid_request_error',
      message: param ? `invalid "${param}": ${issue.message}` : issue.message,
      param,
      code: 'invalid_request',
    },
  };
}
