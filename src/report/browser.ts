import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Which headless Chromium opens reports in the browser test (and what `doctor` reports): a system
 * Chromium when one is installed, otherwise the one inside the `@sparticuz/chromium` npm package
 * (a dev dependency: `npm ci` is enough, no apt step and no download at run time).
 */
export interface BrowserLaunch {
  executablePath: string;
  args: string[];
  /** Environment for the browser process (the packaged Chromium reads its bundled fonts through it). */
  env?: Record<string, string>;
  source: 'system' | '@sparticuz/chromium';
}

const SYSTEM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Flags a system Chromium gets: headless, no network side traffic, no sandbox (containers run as root). */
const SYSTEM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * @sparticuz/chromium's recommended flags loosen web security for scraping (same-origin policy off,
 * insecure content allowed); the report test checks that hostile text stays inert, so those stay on.
 */
const LOOSENING = new Set(['--disable-web-security', '--allow-running-insecure-content', '--disable-site-isolation-trials']);

export const PACKAGED = '@sparticuz/chromium';

/** VLMBENCH_CHROMIUM: a browser executable to use, or `@sparticuz/chromium` to skip the system one. */
export function systemChromium(): string | undefined {
  const fromEnv = process.env.VLMBENCH_CHROMIUM;
  if (fromEnv === PACKAGED) return undefined;
  if (fromEnv) return fromEnv;
  return SYSTEM_CANDIDATES.find((p) => existsSync(p));
}

export async function findBrowser(): Promise<BrowserLaunch> {
  const system = systemChromium();
  if (system !== undefined) return { executablePath: system, args: SYSTEM_ARGS, source: 'system' };
  let chromium: typeof import('@sparticuz/chromium').default;
  try {
    chromium = (await import('@sparticuz/chromium')).default;
  } catch (err) {
    throw new Error(`no Chromium: none of ${SYSTEM_CANDIDATES.join(', ')} exists and @sparticuz/chromium (a dev dependency) is not installed: run npm ci`, { cause: err });
  }
  // No WebGL: the report draws SVG, and this skips unpacking SwiftShader.
  chromium.setGraphicsMode = false;
  // Unpacks the brotli archives into the temp dir once (chromium, fonts); later calls reuse them.
  const executablePath = await chromium.executablePath();
  return {
    executablePath,
    args: [...chromium.args.filter((a) => !LOOSENING.has(a)), '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    // The package's fonts (Open Sans) and fonts.conf land in <tmp>/fonts: the same text rendering on any host.
    env: { FONTCONFIG_PATH: path.join(os.tmpdir(), 'fonts') },
    source: '@sparticuz/chromium',
  };
}
