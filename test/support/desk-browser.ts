import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startRuntime, type Runtime } from '../../cli/runtime.js';
import { loadConfig } from '../../shared/config/config.js';
import { packageRoot } from '../../shared/paths.js';
import type { TestDb } from './db.js';
import { TEST_REDIS_URL } from './env.js';
import { testLog } from './log.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/**
 * Debian's Chromium, headless. A machine without it fails these tests, never skips them: a desk change would
 * otherwise pass unseen (`.ci/run` installs it; so does `apt-get install chromium`).
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`the desk's browser tests need Chromium at ${CHROMIUM}: apt-get install chromium (.ci/run does)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** The API and desk on a free port over `testDb`, configured from `dir`, and a browser to drive them. */
export async function openDesk(
  testDb: TestDb,
  prefix: string,
  dir: string,
): Promise<{ runtime: Runtime; browser: Browser }> {
  const env = {
    DATABASE_URL: testDb.url,
    REDIS_URL: TEST_REDIS_URL,
    VIGIL_QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    PORT: '0',
  };
  const runtime = await startRuntime(loadConfig(env, dir), testLog, ['api']);
  return { runtime, browser: await launchChromium() };
}

export const PASSWORD = 'correct horse battery staple';
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1366, height: 900 };

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
export const SHOTS = join(packageRoot(), '.scratch', 'desk-shots');

export type DeskPage = Page & { cspViolations: string[] };

/**
 * A page signed in as `email`. With `axe`, the context bypasses the CSP so axe-core can be injected (the
 * desk's own CSP is checked by the other pages, which keep it).
 */
export async function signIn(
  browser: Browser,
  baseUrl: string,
  email: string,
  { path = '/', axe = false, viewport = DESKTOP } = {},
): Promise<DeskPage> {
  const context: BrowserContext = await browser.newContext({
    viewport,
    bypassCSP: axe,
    timezoneId: 'Europe/London',
    locale: 'en-GB',
  });
  const page = Object.assign(await context.newPage(), { cspViolations: [] as string[] });
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) page.cspViolations.push(m.text());
  });
  page.on('close', () => void context.close().catch(() => undefined));
  await page.goto(`${baseUrl}${path}`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector('#nav:not([hidden])');
  return page;
}

const AXE_RUN = `axe
  .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
  .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })))`;

/** Runs axe-core on the page as it is now and fails on any serious or critical violation. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ path: AXE });
  // Run in the page, where axe and document are (this project's TypeScript has no DOM types).
  const violations = await page.evaluate<{ id: string; impact: string; targets: string[] }[]>(AXE_RUN);
  expect(
    violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
    what,
  ).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}
