// Safe rendering of model and dataset text for the viewer: Markdown (markdown-it with raw HTML
// off, images off, so `<script>` or `<img onerror>` in a proof shows as text) with TeX math
// ($…$, $$…$$, \(…\), \[…\]) typeset by KaTeX on the server (trust off: no \href, no \html*).
import katex from 'katex';
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false, breaks: true });
md.disable(['image']);
// Links stay clickable but never leak the viewer's address or get a handle on its window.
md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
  tokens[idx].attrSet('rel', 'noopener noreferrer nofollow');
  return self.renderToken(tokens, idx, options);
};

// Math is cut out before Markdown runs (so `_` and `*` inside TeX stay TeX) and put back after,
// via private-use placeholders that Markdown leaves alone.
const MATH =
  /\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\]|\\\(([\s\S]+?)\\\)|(?<![\\$])\$((?:\\[\s\S]|[^$\\])+?)\$/g;
const PLACEHOLDER = /\uE000(\d+)\uE001/g;

function typeset(tex: string, displayMode: boolean): string {
  return katex.renderToString(tex, {
    displayMode,
    throwOnError: false,
    trust: false,
    strict: 'ignore',
    maxSize: 20,
    maxExpand: 500,
    output: 'htmlAndMathml',
  });
}

/**
 * Cuts math out of `text`, formats the rest with `format`, and puts the typeset math back: in text,
 * as KaTeX's HTML; inside a tag (a link's title or address), as the escaped TeX source, since markup
 * cannot go into an attribute.
 */
function withMath(text: string, format: (source: string) => string): string {
  const rendered: string[] = [];
  const sources: string[] = [];
  const source = text.replace(/[\uE000\uE001]/g, '').replace(MATH, (whole, dd, db, ip, id) => {
    const display = dd ?? db;
    const tex = (display ?? ip ?? id) as string;
    // An inline $…$ never spans a blank line; that is two stray dollar signs, not math.
    if (display === undefined && /\n\s*\n/.test(tex)) return whole;
    rendered.push(typeset(tex, display !== undefined));
    sources.push(whole);
    return `\uE000${rendered.length - 1}\uE001`;
  });
  return format(source).replace(/<[^>]*>|[^<]+/g, (chunk) =>
    chunk.startsWith('<')
      ? chunk.replace(PLACEHOLDER, (_, i: string) => md.utils.escapeHtml(sources[Number(i)] ?? ''))
      : chunk.replace(PLACEHOLDER, (_, i: string) => rendered[Number(i)] ?? ''),
  );
}

/** Markdown + math → HTML that is safe to insert into the viewer page. */
export function renderMarkdown(text: string): string {
  return withMath(text, (source) => md.render(source));
}

/** Plain text (line structure kept, no Markdown) + math, e.g. IMO-ProofBench grading guidelines. */
export function renderTextWithMath(text: string): string {
  return withMath(text, (source) => `<p>${md.utils.escapeHtml(source).replace(/\n/g, '<br>')}</p>`);
}

/** Plain text (no Markdown), escaped, line breaks kept. */
export function renderPlain(text: string): string {
  return md.utils.escapeHtml(text).replace(/\n/g, '<br>');
}
