// Debian's chromium driven by playwright-core for the console's browser tests: one headless browser
// per test file, a fresh context (profile state, sessionStorage) per page, and where screenshots go.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type Prereqs, REPO_ROOT, prereqsFrom } from './env.js';

/** CHROMIUM_BIN, else Debian's /usr/bin/chromium. */
export function chromiumPath(): string | null {
  const env = process.env['CHROMIUM_BIN'];
  const p = env !== undefined && env !== '' ? env : '/usr/bin/chromium';
  return existsSync(p) ? p : null;
}

/** `pre` plus chromium: a missing browser fails the tests under CI=true, skips them elsewhere. */
export function withChromium(pre: Prereqs): Prereqs {
  const missing = [...pre.missing];
  if (chromiumPath() === null) missing.push('chromium (Debian package chromium) is not at /usr/bin/chromium (or CHROMIUM_BIN)');
  return prereqsFrom(missing);
}

// Offline and quiet: nothing but the pages the test opens (playwright adds its own temp profile).
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (executablePath === null) throw new Error('chromium not found');
  return await chromium.launch({ executablePath, headless: true, args: ARGS, timeout: 30_000 });
}

export interface OpenedPage {
  page: Page;
  /** Everything the browser logged, for a failure message. */
  log: string[];
  /** Script errors, CSP violations and requests to any other origin: each is a bug in the console. */
  problems: string[];
}

/** A page in a context of its own (fresh profile state and sessionStorage). */
export async function openPage(browser: Browser, url: string): Promise<OpenedPage> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  const origin = new URL(url).origin;
  const log: string[] = [];
  const problems: string[] = [];
  page.on('console', (m) => {
    log.push(`console.${m.type()}: ${m.text()}`);
    if (/Content.Security.Policy/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
  page.on('pageerror', (e) => {
    log.push(`pageerror: ${e.message}`);
    problems.push(`script error: ${e.message}`);
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(`${origin}/`)) problems.push(`request to another origin: ${r.url()}`);
  });
  page.on('requestfailed', (r) => log.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  await page.goto(url);
  return { page, log, problems };
}

/**
 * Where the screenshots go: docs/console/ with UPDATE_SCREENSHOTS=1 (then commit them), else a temp
 * dir removed by `cleanup`.
 */
export function screenshotDir(): { dir: string; cleanup: () => void } {
  if (process.env['UPDATE_SCREENSHOTS'] === '1') {
    const dir = path.join(REPO_ROOT, 'docs', 'console');
    mkdirSync(dir, { recursive: true });
    return { dir, cleanup: () => undefined };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'raftkv-console-shots-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
