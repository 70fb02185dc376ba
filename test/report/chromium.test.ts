/**
 * A real headless Chromium (a system one if installed, else the one inside the @sparticuz/chromium
 * npm package; never a download) opens a generated report over file://: no console errors, the
 * radar is visible, hostile answers show as text and run nothing. Saves test-artifacts/report.png.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBrowser, type BrowserLaunch } from '../../src/report/browser.ts';
import { writeRunReport } from '../../src/report/index.ts';
import { writeRunFixture } from '../helpers/run-fixture.ts';

const HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
const ARTIFACTS = path.resolve(import.meta.dirname, '..', '..', 'test-artifacts');

/**
 * The page's document, typed just enough for these checks (the project compiles without the DOM lib).
 * Page functions must be self-contained (Playwright serialises them) and passed as functions: the
 * report's CSP forbids string eval.
 */
interface MiniDocument {
  querySelectorAll(sel: string): { length: number };
  getElementById(id: string): { textContent: string | null } | null;
}
type PageGlobal = { document: MiniDocument; __pwned?: unknown };

let tmp: string;
let report: string;
let browser: BrowserLaunch;

beforeAll(async () => {
  browser = await findBrowser();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vlmbench-chromium-'));
  const fx = await writeRunFixture({
    dir: path.join(tmp, 'run-xss'), models: ['tiny-gguf', 'tiny-onnx'],
    suites: ['scienceqa', 'ocr', 'pope', 'conversation', 'latency'], samplesPerSuite: 30, imagesPerSuite: 3,
    mutate: (r) => (r.sampleId === 'scienceqa-0'
      ? { ...r, output: `answer ${HOSTILE}`, reference: HOSTILE, input: { text: `question ${HOSTILE}`, images: [`${HOSTILE}.jpg`] } }
      : r),
  });
  report = await writeRunReport(fx.dir);
}, 60_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('report in headless Chromium', () => {
  it('renders without errors, shows the radar, and treats hostile text as text', async () => {
    const { chromium } = await import('playwright-core');
    const instance = await chromium.launch({
      executablePath: browser.executablePath, headless: true, args: browser.args,
      ...(browser.env ? { env: { ...process.env, ...browser.env } as Record<string, string> } : {}),
    });
    const context = await instance.newContext();
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
      page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
      page.on('request', (req) => { if (!req.url().startsWith('file:') && !req.url().startsWith('data:')) problems.push(`request: ${req.url()}`); });
      await page.setViewportSize({ width: 1280, height: 1000 });
      await page.goto(`${pathToFileURL(report).href}#samples`); // the link opens the collapsed sample browser
      await page.waitForSelector('html[data-samples-ready]');

      // the measured radar is on screen with its axes
      const radar = page.locator('#chart-radar-measured svg');
      await expect(radar.isVisible()).resolves.toBe(true);
      const box = await radar.boundingBox();
      expect(box!.width).toBeGreaterThan(300);
      expect(box!.height).toBeGreaterThan(300);
      await expect(page.locator('#chart-radar-measured text', { hasText: 'SQA-IMG' }).count()).resolves.toBeGreaterThan(0);

      // filter to the hostile sample: it shows as literal text, and nothing ran
      await page.fill('#f-text', 'window.__pwned');
      await page.waitForFunction(() => (globalThis as unknown as PageGlobal).document.querySelectorAll('#samples-body tr').length === 2);
      const cells = await page.locator('#samples-body tr').first().locator('td').allInnerTexts();
      expect(cells.join('\n')).toContain(`answer ${HOSTILE}`);
      expect(cells.join('\n')).toContain(HOSTILE);
      await expect(page.locator('#samples-body img[src="x"]').count()).resolves.toBe(0);
      expect(await page.evaluate(() => typeof (globalThis as unknown as PageGlobal).__pwned)).toBe('undefined');

      // filters work on the full set: model × verdict
      await page.fill('#f-text', '');
      await page.selectOption('#f-model', { label: 'tiny-onnx' });
      await page.selectOption('#f-verdict', { label: 'error' });
      await page.waitForFunction(() => /^\d+ of/.test((globalThis as unknown as PageGlobal).document.getElementById('samples-count')?.textContent ?? ''));
      const count = await page.locator('#samples-count').innerText();
      expect(Number(count.split(' ')[0])).toBeGreaterThan(0);
      await page.selectOption('#f-verdict', { label: 'all' });

      await mkdir(ARTIFACTS, { recursive: true });
      await page.locator('#overview').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ARTIFACTS, 'report.png'), fullPage: false });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
      await instance.close();
    }
  }, 90_000);
});
