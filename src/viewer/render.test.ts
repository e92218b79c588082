// renderMarkdown: model text is never HTML; math is typeset; Markdown still works.
import { describe, expect, it } from 'vitest';
import { renderMarkdown, renderTextWithMath } from './render.ts';

describe('renderMarkdown', () => {
  const cases: Array<{ name: string; input: string; has: RegExp[]; not?: RegExp[] }> = [
    {
      name: 'script tag is text',
      input: 'a <script>alert(1)</script> b',
      has: [/&lt;script&gt;alert\(1\)&lt;\/script&gt;/],
      not: [/<script/],
    },
    {
      name: 'img onerror is text',
      input: '<img src=x onerror="alert(1)">',
      has: [/&lt;img src=x onerror=/],
      not: [/<img/],
    },
    {
      name: 'markdown image is not loaded',
      input: '![x](http://example.com/a.png)',
      has: [/rel="noopener noreferrer nofollow"/],
      not: [/<img/],
    },
    {
      name: 'javascript: link dropped',
      input: '[click](javascript:alert(1))',
      has: [/\[click\]/],
      not: [/href="javascript/],
    },
    {
      name: 'inline math',
      input: 'so $x_1^2 \\ge 0$ holds',
      has: [/class="katex"/, /<annotation encoding="application\/x-tex">x_1\^2 \\ge 0<\/annotation>/],
    },
    { name: 'display math $$', input: '$$\\sum_{k=1}^n k$$', has: [/class="katex-display"/] },
    { name: 'display math \\[ \\]', input: '\\[ a_b \\]', has: [/class="katex-display"/] },
    { name: 'inline \\( \\)', input: '\\( a*b*c \\)', has: [/class="katex"/], not: [/<em>/] },
    {
      name: 'underscores in math are not emphasis',
      input: '$a_1 + b_1$ and $c_2$',
      has: [/katex/],
      not: [/<em>/],
    },
    {
      name: 'markdown emphasis and lists',
      input: '**bold**\n\n- one\n- two',
      has: [/<strong>bold<\/strong>/, /<li>one<\/li>/],
    },
    {
      name: 'trust off: \\href is not a link',
      input: '$\\href{javascript:alert(1)}{x}$',
      has: [/katex/],
      not: [/href="javascript/],
    },
    { name: 'bad TeX does not throw', input: '$\\frac{1}{$ ok', has: [/ok/] },
    { name: 'HTML inside math is escaped', input: '$<script>x</script>$', has: [/katex/], not: [/<script>/] },
    {
      name: 'dollars across a blank line are not math',
      input: 'costs $5\n\nand $6',
      has: [/\$5/, /\$6/],
      not: [/katex/],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const html = renderMarkdown(c.input);
      for (const re of c.has) expect(html).toMatch(re);
      for (const re of c.not ?? []) expect(html).not.toMatch(re);
    });
  }
});

describe('renderTextWithMath', () => {
  it('keeps the line structure of plain-text guidelines, escapes HTML and typesets math', () => {
    const html = renderTextWithMath('(Partial)\n 1. Uses $a_1$.\n(Almost)\n 1. <b>x</b>');
    expect(html).toContain('(Partial)<br> 1. Uses <span class="katex">');
    expect(html).toContain('<br>(Almost)<br> 1. &lt;b&gt;x&lt;/b&gt;');
    expect(html).not.toMatch(/<ol|<li/);
  });

  it('puts math inside a link title back as escaped TeX, never as markup in the attribute', () => {
    const html = renderMarkdown('[x](http://a "t $\\text{a}<b>$ u") and $y$');
    expect(html).toContain('title="t $\\text{a}&lt;b&gt;$ u"');
    expect(html).not.toMatch(/title="[^"]*<span/);
    expect(html).toContain('and <span class="katex">');
  });
});
