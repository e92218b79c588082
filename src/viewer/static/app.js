// qed view, browser side: hash routes (#/ problems, #/samples, #/problem/ID, #/sample/N) over the
// server's JSON API; lists are paged server-side. Text from the run is set with textContent; only
// the server's `*Html` fields (Markdown + KaTeX rendered with raw HTML disabled) use innerHTML.
/* global document, window, location, URLSearchParams, Node, HTMLInputElement, HTMLSelectElement */

const app = document.getElementById('app');
const PAGE = 50;

async function api(path) {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${(await res.json()).error ?? ''}`);
  return res.json();
}

/** Element with attributes; string children become text nodes (never parsed as HTML). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'onclick' || k === 'onchange' || k === 'oninput') node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, String(v));
  }
  for (const c of children.flat())
    if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}

/** Replaces the page body, skipping absent (null) parts. */
function show(...parts) {
  app.replaceChildren(...parts.flat().filter((p) => p !== null && p !== undefined));
}

/** Server-rendered, already-sanitised HTML (Markdown with html off + KaTeX). */
function rendered(html, cls = 'md') {
  const div = el('div', { class: cls });
  div.innerHTML = html ?? '';
  return div;
}

const fmt = (x, d = 2) => (x === null || x === undefined ? '–' : Number(x).toFixed(d));
function scoreChip(score) {
  const cls = score === null || score === undefined ? 'snull' : `s${Math.round(score)}`;
  return el(
    'span',
    { class: `score ${cls}`, 'data-testid': 'score' },
    score === null || score === undefined ? '–' : fmt(score, Number.isInteger(score) ? 0 : 1),
  );
}
const link = (href, text, attrs = {}) => el('a', { href, ...attrs }, text);

// Each route renders once its data has arrived; a route that finishes after a newer one started (quick
// clicks on next / prev) is dropped rather than shown over it. #app's data-route names the hash shown.
let routeId = 0;

function route() {
  const id = ++routeId;
  const shown = location.hash || '#/';
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query = ''] = hash.split('?');
  const params = new URLSearchParams(query);
  const m = /^\/(problem|sample)\/(.+)$/.exec(path);
  let view;
  if (m && m[1] === 'problem') view = problemView(decodeURIComponent(m[2]), params);
  else if (m && m[1] === 'sample') view = sampleView(Number(m[2]));
  else if (path === '/samples') view = samplesView(params);
  else view = problemsView(params);
  view
    .catch((e) => [el('p', { class: 'error' }, String(e.message ?? e))])
    .then((parts) => {
      if (id !== routeId) return;
      show(parts);
      app.dataset.route = shown;
    });
}

function setParams(base, params) {
  const q = params.toString();
  location.hash = `${base}${q ? `?${q}` : ''}`;
}

function filterBar(base, params, run, { status = false, search = false } = {}) {
  const update = (key) => (ev) => {
    const next = new URLSearchParams(params);
    if (ev.target.value === '') next.delete(key);
    else next.set(key, ev.target.value);
    next.delete('page');
    setParams(base, next);
  };
  const select = (key, label, options) =>
    el(
      'label',
      {},
      label,
      el(
        'select',
        { 'data-filter': key, onchange: update(key) },
        el('option', { value: '' }, 'all'),
        ...options.map((o) => el('option', { value: o, selected: params.get(key) === o }, o)),
      ),
    );
  const number = (key, label) =>
    el(
      'label',
      {},
      label,
      el('input', {
        type: 'number',
        min: 0,
        max: 7,
        step: 0.5,
        'data-filter': key,
        value: params.get(key) ?? '',
        onchange: update(key),
      }),
    );
  return el(
    'div',
    { class: 'filters' },
    select('category', 'category', run.categories),
    number('minScore', 'min score'),
    number('maxScore', 'max score'),
    status ? select('status', 'status', ['graded', 'grader-error', 'generation-error', 'ungraded']) : null,
    search
      ? el(
          'label',
          {},
          'search',
          el('input', {
            type: 'search',
            'data-filter': 'q',
            value: params.get('q') ?? '',
            onchange: update('q'),
          }),
        )
      : null,
  );
}

function pager(base, params, page) {
  const n = Number(params.get('page') ?? 0);
  const go = (p) => () => {
    const next = new URLSearchParams(params);
    next.set('page', String(p));
    setParams(base, next);
  };
  const from = page.total ? page.offset + 1 : 0;
  return el(
    'div',
    { class: 'pager' },
    el('button', { disabled: n <= 0, onclick: go(n - 1) }, '← prev'),
    el('span', { 'data-testid': 'page-info' }, `${from}–${page.offset + page.items.length} of ${page.total}`),
    el('button', { disabled: page.offset + page.items.length >= page.total, onclick: go(n + 1) }, 'next →'),
  );
}

function apiQuery(params, extra = {}) {
  const q = new URLSearchParams();
  for (const k of ['category', 'minScore', 'maxScore', 'status', 'q'])
    if (params.get(k)) q.set(k, params.get(k));
  for (const [k, v] of Object.entries(extra)) q.set(k, String(v));
  q.set('offset', String(Number(params.get('page') ?? 0) * PAGE));
  q.set('limit', String(PAGE));
  return q.toString();
}

let runInfo;
async function run() {
  runInfo ??= await api('/api/run');
  return runInfo;
}

async function problemsView(params) {
  const [info, page] = await Promise.all([run(), api(`/api/problems?${apiQuery(params)}`)]);
  const rows = page.items.map((p) =>
    el(
      'tr',
      { 'data-testid': 'problem-row' },
      el('td', {}, link(`#/problem/${encodeURIComponent(p.id)}`, p.id)),
      el('td', {}, p.category),
      el('td', {}, p.difficulty),
      el('td', {}, scoreChip(p.mean)),
      el(
        'td',
        {},
        ...p.scores.slice(0, 16).map(scoreChip),
        p.scores.length > 16 ? ` +${p.scores.length - 16}` : '',
      ),
      el('td', {}, p.errors ? el('span', { class: 'error' }, String(p.errors)) : '0'),
      el('td', { class: 'muted' }, p.preview),
    ),
  );
  return [
    el('h2', {}, `Problems (${info.metrics.problems ?? page.total})`),
    filterBar('/', params, info, { search: true }),
    pager('/', params, page),
    el(
      'table',
      {},
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ...['problem', 'category', 'difficulty', 'mean', 'sample scores', 'errors', 'statement'].map((h) =>
            el('th', {}, h),
          ),
        ),
      ),
      el('tbody', {}, rows),
    ),
  ];
}

function samplesTable(items, showProblem = true) {
  return el(
    'table',
    {},
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ...['sample', showProblem ? 'problem' : null, 'score', 'status', 'tokens', 'turns']
          .filter(Boolean)
          .map((h) => el('th', {}, h)),
      ),
    ),
    el(
      'tbody',
      {},
      items.map((s) =>
        el(
          'tr',
          { 'data-testid': 'sample-row' },
          el('td', {}, link(`#/sample/${s.i}`, s.id)),
          showProblem
            ? el('td', {}, link(`#/problem/${encodeURIComponent(s.problemId)}`, s.problemId))
            : null,
          el('td', {}, scoreChip(s.score)),
          el('td', { class: s.status === 'graded' ? '' : 'error' }, s.status),
          el('td', {}, String(s.tokens)),
          el('td', {}, String(s.turns)),
        ),
      ),
    ),
  );
}

async function samplesView(params) {
  const [info, page] = await Promise.all([run(), api(`/api/samples?${apiQuery(params)}`)]);
  return [
    el('h2', {}, `Samples (${info.samples})`),
    filterBar('/samples', params, info, { status: true }),
    pager('/samples', params, page),
    samplesTable(page.items),
  ];
}

function problemCards(p) {
  const cards = [];
  const meta = [p.category, p.subcategory, p.difficulty, p.source]
    .filter(Boolean)
    .map((x) => el('span', { class: 'badge' }, x));
  cards.push(
    el(
      'div',
      { class: 'card', 'data-testid': 'statement' },
      el('h3', {}, 'Problem ', ...meta),
      p.statementHtml
        ? rendered(p.statementHtml)
        : el(
            'p',
            { class: 'muted' },
            'Statement not available: the run does not say where its dataset is (qed view DIR --dataset FILE).',
          ),
    ),
  );
  if (p.shortAnswer)
    cards.push(el('div', { class: 'card' }, el('h3', {}, 'Short answer'), el('code', {}, p.shortAnswer)));
  if (p.guidelinesHtml)
    cards.push(
      el(
        'details',
        { class: 'card', open: true, 'data-testid': 'guidelines' },
        el('summary', {}, 'Grading guidelines'),
        rendered(p.guidelinesHtml),
      ),
    );
  if (p.rubric) {
    cards.push(
      el(
        'details',
        { class: 'card', open: true, 'data-testid': 'rubric' },
        el('summary', {}, 'Rubric'),
        el(
          'ul',
          {},
          p.rubric.checkpoints.map((c) =>
            el(
              'li',
              {},
              el('b', {}, `${c.points} pt${c.group ? ` (path ${c.group})` : ''} `),
              rendered(c.html),
            ),
          ),
        ),
        p.rubric.zeroCreditHtml.length
          ? el('div', {}, el('b', {}, 'No credit for:'), ...p.rubric.zeroCreditHtml.map((h) => rendered(h)))
          : null,
        p.rubric.deductions.length
          ? el(
              'div',
              {},
              el('b', {}, 'Deductions:'),
              ...p.rubric.deductions.map((d) => el('div', {}, `−${d.points} `, rendered(d.html))),
            )
          : null,
        p.rubric.caps.length
          ? el(
              'div',
              {},
              el('b', {}, 'Caps:'),
              ...p.rubric.caps.map((c) => el('div', {}, `max ${c.maxScore}: `, rendered(c.html))),
            )
          : null,
      ),
    );
  }
  if (p.referenceHtml)
    cards.push(
      el('details', { class: 'card' }, el('summary', {}, 'Reference solution'), rendered(p.referenceHtml)),
    );
  return cards;
}

async function problemView(id, params) {
  const base = `/problem/${encodeURIComponent(id)}`;
  const [info, p, page] = await Promise.all([
    run(),
    api(`/api/problem/${encodeURIComponent(id)}`),
    api(`/api/samples?${apiQuery(params, { problem: id })}`),
  ]);
  return [
    el('p', {}, link('#/', '← problems')),
    el('h2', { 'data-testid': 'problem-title' }, id, ' ', scoreChip(p.summary?.mean ?? null)),
    ...problemCards(p),
    el('h3', {}, `Samples (${p.summary?.samples ?? 0})`),
    filterBar(base, params, info, { status: true }),
    pager(base, params, page),
    samplesTable(page.items, false),
  ];
}

function usageText(u) {
  if (!u) return '';
  const parts = [`${u.promptTokens} in`, `${u.completionTokens} out`];
  if (u.reasoningTokens) parts.push(`${u.reasoningTokens} reasoning`);
  if (u.cost) parts.push(`$${u.cost.toPrecision(2)}`);
  if (u.latencyMs) parts.push(`${(u.latencyMs / 1000).toFixed(1)} s`);
  return parts.join(' · ');
}

async function sampleView(i) {
  const s = await api(`/api/sample/${i}`);
  const g = s.grade;
  const turns = s.turns.map((t, k) => {
    const summary = /summar/i.test(t.role);
    return el(
      'section',
      { class: `card turn${summary ? ' summary' : ''}`, 'data-testid': 'turn', 'data-role': t.role },
      el(
        'h3',
        {},
        `Turn ${k + 1} · ${summary ? 'RC summary' : t.role}`,
        el(
          'span',
          { class: 'meta' },
          ` ${[t.model, t.finishReason, usageText(t.usage)].filter(Boolean).join(' · ')}`,
        ),
      ),
      t.reasoningHtml ? el('details', {}, el('summary', {}, 'reasoning'), rendered(t.reasoningHtml)) : null,
      rendered(t.contentHtml),
    );
  });
  const judge = g
    ? el(
        'div',
        { class: 'card', 'data-testid': 'judge' },
        el(
          'h3',
          {},
          'Judge ',
          scoreChip(g.score),
          el(
            'span',
            { class: 'meta' },
            ` ${[g.grader.kind, g.grader.scheme, g.grader.model].filter(Boolean).join(' · ')}`,
          ),
        ),
        g.graderError ? el('p', { class: 'error' }, `grader error: ${g.graderError}`) : null,
        g.samples
          ? el(
              'p',
              { class: 'muted' },
              `ensemble: ${g.samples.map((x) => fmt(x, 0)).join(', ')} (spread ${fmt(g.spread)})`,
            )
          : null,
        rendered(g.assessmentHtml),
        g.errorsHtml.length
          ? el(
              'div',
              {},
              el('b', {}, 'Errors found:'),
              el(
                'ul',
                {},
                g.errorsHtml.map((h) => el('li', {}, rendered(h))),
              ),
            )
          : null,
      )
    : el('div', { class: 'card muted' }, 'Not graded.');
  return [
    el(
      'p',
      {},
      link(`#/problem/${encodeURIComponent(s.problemId)}`, `← ${s.problemId}`),
      ' ',
      s.prev !== null ? link(`#/sample/${s.prev}`, '‹ prev', { 'data-testid': 'prev' }) : null,
      ' ',
      s.next !== null ? link(`#/sample/${s.next}`, 'next ›', { 'data-testid': 'next' }) : null,
    ),
    el('h2', { 'data-testid': 'sample-title' }, s.id, ' ', scoreChip(g ? g.score : null)),
    el('p', { class: 'muted' }, [s.model, s.scaffold, usageText(s.usage)].filter(Boolean).join(' · ')),
    s.error ? el('p', { class: 'error' }, `generation failed: ${s.error}`) : null,
    el('details', { class: 'card' }, el('summary', {}, 'Problem'), ...problemCards(s.problem)),
    ...turns,
    el(
      'div',
      { class: 'card', 'data-testid': 'final-proof' },
      el('h3', {}, 'Final proof'),
      rendered(s.finalProofHtml),
    ),
    judge,
  ];
}

async function header() {
  const info = await run();
  const m = info.metrics;
  const ci = m.ci95 ? ` [${fmt(m.ci95.low)}, ${fmt(m.ci95.high)}]` : '';
  document.getElementById('run-title').textContent =
    `${info.name} · ${info.config.model ?? '?'} · ${info.config.scaffold ?? '?'}${info.complete ? '' : ' (in progress)'}`;
  document.getElementById('run-metrics').textContent =
    `mean ${fmt(m.mean)}/7${ci} · ${m.problems ?? '?'} problems · ${info.samples} samples · grader errors ${m.graderErrors ?? 0} · generation errors ${m.generationErrors ?? 0} · problems from ${info.problemsSource}`;
}

window.addEventListener('hashchange', route);
window.addEventListener('keydown', (ev) => {
  if (ev.target instanceof HTMLInputElement || ev.target instanceof HTMLSelectElement) return;
  const target = ev.key === 'ArrowRight' ? 'next' : ev.key === 'ArrowLeft' ? 'prev' : null;
  const a = target && document.querySelector(`[data-testid="${target}"]`);
  if (a) location.hash = a.getAttribute('href');
});
header().catch(() => {});
route();
