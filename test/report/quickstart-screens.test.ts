/**
 * What a new user sees: the quickstart run through the real CLI (every backend and suite, one sample
 * each), its report opened in a real headless Chromium (a system Chromium, or the one inside
 * @sparticuz/chromium, found as chromium.test.ts finds it) at 1400×900. Saves test-artifacts/quickstart-first-screen.png (and the
 * opened latency and sample sections) for people to look at.
 */
import { findBrowser, type BrowserLaunch } from '../../src/report/browser.ts';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SamplePayload } from '../../src/report/samples.ts';
import { spawnCli } from '../helpers/cli.ts';
import { REPO, tempDir } from '../helpers/run-config.ts';

const ARTIFACTS = path.resolve(import.meta.dirname, '..', '..', 'test-artifacts');
const VIEWPORT = { width: 1400, height: 900 };

/** The page's DOM, typed just enough (the project compiles without the DOM lib); functions must be self-contained. */
interface Box { left: number; right: number; top: number; bottom: number }
interface El { textContent: string | null; getBoundingClientRect(): Box; querySelectorAll(s: string): ArrayLike<El & { naturalWidth?: number }> }
interface Doc { documentElement: { scrollHeight: number; scrollWidth: number; clientWidth: number }; querySelector(s: string): El | null; querySelectorAll(s: string): ArrayLike<El & { naturalWidth?: number }> }
type G = { document: Doc };

let runDir: string;
let browser: BrowserLaunch;
let profile: string;

beforeAll(async () => {
  browser = await findBrowser();
  const out = tempDir('vlmbench-qs-screens-');
  const r = await spawnCli(['run', '--limit', '1', '--out', out, '--run-id', 'qs']).done;
  expect(r.code, r.stderr.slice(-3000)).toBe(0);
  runDir = path.join(out, 'qs');
  profile = await mkdtemp(path.join(os.tmpdir(), 'vlmbench-chromium-profile-'));
}, 240_000);

afterAll(async () => { await rm(profile, { recursive: true, force: true }); });

describe('quickstart report in Chromium at 1400×900', () => {
  it('shows pivot and radar on the first screen, no horizontal scroll, short when collapsed, a thumbnail for every image', async () => {
    const html = readFileSync(path.join(runDir, 'report.html'), 'utf8');
    const payload = JSON.parse(/<script type="application\/json" id="vlmbench-samples">([\s\S]*?)<\/script>/.exec(html)![1]!) as SamplePayload;
    const { chromium } = await import('playwright-core');
    // A system Chromium when there is one, else the one inside @sparticuz/chromium (as chromium.test.ts).
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: browser.executablePath, headless: true, viewport: VIEWPORT, args: browser.args,
      ...(browser.env ? { env: { ...process.env, ...browser.env } as Record<string, string> } : {}),
    });
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
      page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
      await page.goto(pathToFileURL(path.join(runDir, 'report.html')).href);
      await page.waitForSelector('html[data-samples-ready]');

      const first = await page.evaluate(() => {
        const d = (globalThis as unknown as G).document;
        const box = (s: string) => d.querySelector(s)?.getBoundingClientRect();
        return {
          pivot: box('table.pivot'), radar: box('#chart-radar-measured svg'), height: d.documentElement.scrollHeight,
          scrollWidth: d.documentElement.scrollWidth, clientWidth: d.documentElement.clientWidth,
        };
      });
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'quickstart-first-screen.png') });
      // both on the first screen, side by side, nothing cut off to the right
      for (const b of [first.pivot!, first.radar!]) {
        expect(b.top).toBeGreaterThan(0);
        expect(b.bottom).toBeLessThanOrEqual(VIEWPORT.height);
        expect(b.right).toBeLessThanOrEqual(VIEWPORT.width);
      }
      expect(first.radar!.left).toBeGreaterThan(first.pivot!.right);
      expect(first.scrollWidth).toBeLessThanOrEqual(first.clientWidth);
      expect(first.height).toBeLessThan(15_000);
      // the pivot: one row per quickstart model, benchmarks in the radar's order
      const heads = await page.locator('table.pivot thead th').allInnerTexts();
      expect(heads.slice(0, 13)).toEqual(['model', 'VQAv2', 'GQA', 'VizWiz', 'SQA-IMG', 'TextVQA', 'POPE', 'MME', 'MMBench', 'MMBench-CN', 'SEED-Bench', 'LLaVA-Bench', 'MM-Vet']);
      // one row per quickstart model: the five families plus the http model
      await expect(page.locator('table.pivot tbody tr:not(.pub):not(.pub-head)').count()).resolves.toBe(6);

      // records name the file the request sent, wherever the dataset keeps it (LLaVA-Bench: images/)
      const records = readFileSync(path.join(runDir, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { suite: string; input?: { files?: string[] } });
      expect(records.find((r) => r.suite === 'conversation')!.input!.files![0]).toMatch(/llava-bench[\\/]images[\\/]001\.jpg$/);
      // every sample that sent an image has a thumbnail: dataset files, and the perf suites' generated images
      const imageRows = payload.rows.filter((r) => /\n\[image: /.test(payload.strings[r[3]] ?? ''));
      // (every suite of the quickstart config sends images)
      const configSuites = [...readFileSync(path.join(REPO, 'configs', 'quickstart.yaml'), 'utf8').matchAll(/^\s+- name: (\S+)/gm)].map((m) => m[1]);
      expect(configSuites.length).toBeGreaterThan(12);
      expect(new Set(imageRows.map((r) => payload.suites[r[1]]))).toEqual(new Set(configSuites));
      expect(imageRows.filter((r) => r[8] < 0).map((r) => `${payload.suites[r[1]]} ${payload.strings[r[2]]}`)).toEqual([]);

      // the sample browser, opened by its link: LLaVA-Bench rows show the judge's two scores and review
      await page.click('nav a[href="#samples"]');
      await page.selectOption('#f-suite', { label: 'conversation' });
      // one conversation sample (--limit 1) per quickstart model
      await page.waitForFunction(() => /^6 of/.test((globalThis as unknown as G).document.querySelector('#samples-count')?.textContent ?? ''));
      const rows = page.locator('#samples-body tr');
      await expect(rows.count()).resolves.toBe(6);
      const imgs = await page.evaluate(() => Array.from((globalThis as unknown as G).document.querySelectorAll('#samples-body img')).map((i) => i.naturalWidth ?? 0));
      expect(imgs).toHaveLength(6);
      expect(imgs.every((w) => w > 0)).toBe(true);
      const cells = (await rows.first().locator('td').allInnerTexts()).join('\n');
      expect(cells).toMatch(/judge: model \d+(\.\d)? vs ref \d+/);
      expect(cells).toContain('judge review:');
      await page.locator('#samples').screenshot({ path: path.join(ARTIFACTS, 'quickstart-samples.png') });

      await page.click('nav a[href="#latency"]');
      await page.locator('#chart-throughput').scrollIntoViewIfNeeded();
      const tp = await page.locator('#chart-throughput svg').boundingBox();
      expect(tp!.width).toBeLessThanOrEqual(560);
      await page.screenshot({ path: path.join(ARTIFACTS, 'quickstart-latency.png') });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});
