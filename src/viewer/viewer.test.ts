// Browser tests of `qed view` in real headless Chromium (playwright-core, system chromium) over a
// synthetic 10k-attempt run: load time, navigation, filters, KaTeX, hostile HTML shown as text,
// and the server's guards (loopback Host only, no path escape, CSP).
import { existsSync, mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_PROOF, writeSyntheticRun } from '../report/synthetic-run.ts';
import { startViewer } from './server.ts';
import type { Viewer } from './server.ts';

// Names that exist in the page: the callbacks handed to page.evaluate/waitForFunction run in Chromium.
declare const document: {
  querySelector(selector: string): { textContent: string | null } | null;
  getElementById(id: string): { dataset: Record<string, string | undefined> } | null;
};
declare const location: { hash: string };
declare const window: { __pwned?: number };
declare function getComputedStyle(node: unknown): { fontFamily: string };

const CHROMIUM = process.env.QED_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser)
  console.warn(
    `viewer browser tests skipped: no Chromium at ${CHROMIUM} (run scripts/install-system-deps.sh)`,
  );

function rawGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((ok, fail) => {
    const req = request(url, { headers }, (res) => {
      res.resume();
      ok({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.on('error', fail);
    req.end();
  });
}

describe.skipIf(!hasBrowser)('qed view in headless Chromium', () => {
  let viewer: Viewer;
  let browser: Browser;
  let page: Page;
  let loadMs = 0;
  const foreignRequests: string[] = [];
  const pageErrors: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'qed-view-'));
  const { runLog } = writeSyntheticRun({ dir, problems: 625, samplesPerProblem: 16, hostile: true, seed: 5 });

  beforeAll(async () => {
    const t0 = performance.now();
    viewer = await startViewer({ dir, port: 0 });
    loadMs = performance.now() - t0;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (r) => {
      if (!r.url().startsWith(viewer.url)) foreignRequests.push(r.url());
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('dialog', (d) => {
      pageErrors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
  });

  afterAll(async () => {
    await browser?.close();
    await viewer?.close();
  });

  /** Opens a view and waits until the app shows it (the page keeps the last view until then). */
  async function open(hash: string): Promise<void> {
    await page.goto(`${viewer.url}${hash}`);
    await page.waitForFunction((h) => document.getElementById('app')?.dataset.route === h, hash);
  }

  it('serves a 10k-attempt run and shows the first page of problems quickly', async () => {
    expect(viewer.index.rows).toHaveLength(10_000);
    expect(loadMs).toBeLessThan(10_000);
    const t0 = performance.now();
    await page.goto(viewer.url);
    await page.waitForSelector('[data-testid=problem-row]');
    const pageMs = performance.now() - t0;
    expect(pageMs).toBeLessThan(5_000);
    console.log(`viewer: run loaded in ${loadMs.toFixed(0)} ms, first page shown in ${pageMs.toFixed(0)} ms`);
    expect(await page.locator('[data-testid=problem-row]').count()).toBe(50);
    expect(await page.textContent('[data-testid=page-info]')).toBe('1–50 of 625');
    expect(await page.textContent('#run-metrics')).toContain('10000 samples');
    await page.click('text=next →');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=page-info]')?.textContent === '51–100 of 625',
    );
  });

  it('filters problems by category and score, and samples by status', async () => {
    await open('#/');
    await page.selectOption('select[data-filter=category]', 'Geometry');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid=page-info]')?.textContent?.endsWith('of 156'),
    );
    const cats = await page.$$eval('[data-testid=problem-row] td:nth-child(2)', (tds) =>
      tds.map((t) => t.textContent),
    );
    expect(new Set(cats)).toEqual(new Set(['Geometry']));
    await page.fill('input[data-filter=minScore]', '5.5');
    await page.press('input[data-filter=minScore]', 'Enter');
    await page.waitForFunction(() => location.hash.includes('minScore=5.5'));
    await page.waitForFunction(
      () => !document.querySelector('[data-testid=page-info]')?.textContent?.endsWith('of 156'),
    );
    const means = await page.$$eval('[data-testid=problem-row] td:nth-child(4)', (tds) =>
      tds.map((t) => Number(t.textContent)),
    );
    expect(means.length).toBeGreaterThan(0);
    expect(means.every((m) => m >= 5.5)).toBe(true);

    const graderErrors = runLog.samples.filter((s) => s.grade?.score === null).length;
    await open('#/samples?status=grader-error');
    expect(await page.textContent('[data-testid=page-info]')).toMatch(new RegExp(` of ${graderErrors}$`));
    const statuses = await page.$$eval('[data-testid=sample-row] td:nth-child(4)', (tds) =>
      tds.map((t) => t.textContent),
    );
    expect(new Set(statuses)).toEqual(new Set(['grader-error']));
  });

  it('navigates problem → attempt turn by turn with KaTeX math and the grading guidelines', async () => {
    await open('#/');
    await page.click('[data-testid=problem-row] >> nth=1 >> a');
    await page.waitForSelector('[data-testid=statement] .katex');
    expect(await page.textContent('[data-testid=problem-title]')).toContain('P-0002');
    expect(await page.textContent('[data-testid=guidelines]')).toContain('(Partial)');
    // KaTeX's own stylesheet and fonts are served locally and applied.
    const font = await page.$eval('[data-testid=statement] .katex', (n) => getComputedStyle(n).fontFamily);
    expect(font).toContain('KaTeX_Main');
    await page.click('[data-testid=sample-row] >> nth=0 >> a');
    await page.waitForSelector('[data-testid=turn]');
    const roles = await page.$$eval('[data-testid=turn]', (ns) => ns.map((n) => n.getAttribute('data-role')));
    expect(roles).toEqual(['reason', 'summarize', 'reason']);
    expect(await page.textContent('[data-testid=turn][data-role=summarize] h3')).toContain('RC summary');
    expect(await page.locator('[data-testid=turn][data-role=summarize] .katex').count()).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid=judge]')).toMatch(/Judge/);
    await page.click('[data-testid=next]');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid=sample-title]')?.textContent?.startsWith('P-0002#1'),
    );
  });

  it('shows the latest view when an older one answers after it (quick next / prev)', async () => {
    await page.route('**/api/sample/3', async (r) => {
      await new Promise((ok) => setTimeout(ok, 400));
      await r.continue();
    });
    try {
      await page.goto(`${viewer.url}#/sample/3`); // its data arrives last
      await open('#/sample/4');
      await new Promise((ok) => setTimeout(ok, 600)); // sample 3's answer has come and been dropped
      const { problemId, sampleIndex } = runLog.samples[4].attempt;
      expect(await page.textContent('[data-testid=sample-title]')).toContain(`${problemId}#${sampleIndex}`);
      expect(await page.evaluate(() => location.hash)).toBe('#/sample/4');
    } finally {
      await page.unroute('**/api/sample/3');
    }
  });

  it('shows <script> and onerror HTML from a model as text and runs none of it', async () => {
    await open('#/sample/0');
    const proof = await page.textContent('[data-testid=final-proof]');
    expect(proof).toContain('<script>window.__pwned = 1</script>');
    expect(proof).toContain('<img src=x onerror="window.__pwned = 2">');
    expect(HOSTILE_PROOF).toContain('onerror');
    expect(
      await page.locator('[data-testid=final-proof] img, [data-testid=final-proof] script').count(),
    ).toBe(0);
    expect(await page.textContent('[data-testid=judge]')).toContain('<b>bold?</b>');
    expect(await page.locator('[data-testid=judge] b:has-text("bold?")').count()).toBe(0);
    expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
    expect(pageErrors).toEqual([]);
    expect(foreignRequests).toEqual([]);
  });

  it('answers only loopback Host headers, keeps paths inside, and sends a CSP', async () => {
    const ok = await rawGet(`${viewer.url}api/run`);
    expect(ok.status).toBe(200);
    expect(String(ok.headers['content-security-policy'])).toContain("script-src 'self'");
    expect((await rawGet(`${viewer.url}api/run`, { host: 'evil.example:80' })).status).toBe(403);
    expect((await rawGet(`${viewer.url}katex/..%2F..%2Fpackage.json`)).status).toBe(404);
    expect((await rawGet(`${viewer.url}katex/katex.min.css`)).status).toBe(200);
  });
});
