// HTML escaping for text that reaches a page (run names, model names, anything from a model).
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * Escaping for untrusted text in a Markdown table cell or heading: `&`, `<`, `>` become HTML entities
 * so no raw HTML reaches renderers that pass it through; `|` is backslash-escaped so it cannot split
 * a table cell (backslashes first, so an escape cannot be cancelled); backticks so no code span shows
 * the entities literally; `](` so no inline link or image is formed; line breaks become spaces.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/[&<>]/g, (c) => ENTITIES[c])
    .replace(/[|`]/g, (c) => `\\${c}`)
    .replace(/\]\(/g, '\\](')
    .replace(/\r\n|[\r\n\u2028\u2029]/g, ' ');
}
