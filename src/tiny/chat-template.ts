// ChatML chat template: messages → the prompt string with <|im_start|>/<|im_end|> markers, and the same
// template as a Jinja string for HF tokenizer_config.json so `apply_chat_template` in Python yields the
// same text (and, through the tokenizer, the same ids).

export interface TemplateMessage {
  role: string;
  content: string;
}

export const IM_START = '<|im_start|>';
export const IM_END = '<|im_end|>';
export const END_OF_TEXT = '<|endoftext|>';

export interface ChatTemplateOptions {
  /** Append the opening of an assistant turn so the model continues as the assistant. */
  addGenerationPrompt?: boolean;
}

/** Render messages as ChatML text. */
export function applyChatTemplate(
  messages: readonly TemplateMessage[],
  opts: ChatTemplateOptions = {},
): string {
  let s = '';
  for (const m of messages) s += `${IM_START}${m.role}\n${m.content}${IM_END}\n`;
  if (opts.addGenerationPrompt) s += `${IM_START}assistant\n`;
  return s;
}

/** The Jinja equivalent of applyChatTemplate (HF `chat_template`). */
export const CHAT_TEMPLATE_JINJA =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}" +
  "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
