// Splits a model reply into its thinking part and its answer. Servers that return reasoning
// separately are taken as-is; otherwise the text before the last `</think>` is the reasoning. A reply
// that opened `<think>` and never closed it was cut off while thinking: it has no answer.
export interface SplitReply {
  content: string;
  reasoning?: string;
}

const OPEN = '<think>';
const CLOSE = '</think>';

export function splitThinking(text: string, serverReasoning?: string): SplitReply {
  const close = text.lastIndexOf(CLOSE);
  if (close >= 0) {
    let reasoning = text.slice(0, close);
    const open = reasoning.indexOf(OPEN);
    if (open >= 0) reasoning = reasoning.slice(open + OPEN.length);
    const inline = reasoning.trim();
    const joined = [serverReasoning?.trim(), inline].filter((s) => s).join('\n\n');
    return { content: text.slice(close + CLOSE.length).trim(), reasoning: joined };
  }
  if (text.trimStart().startsWith(OPEN)) {
    const inline = text.trimStart().slice(OPEN.length).trim();
    return { content: '', reasoning: [serverReasoning?.trim(), inline].filter((s) => s).join('\n\n') };
  }
  return serverReasoning ? { content: text.trim(), reasoning: serverReasoning } : { content: text.trim() };
}

/** What a summarizer reads from a turn: its reasoning when there is one, else its answer. */
export function reasoningOf(reply: SplitReply): string {
  return reply.reasoning && reply.reasoning.trim() ? reply.reasoning : reply.content;
}
