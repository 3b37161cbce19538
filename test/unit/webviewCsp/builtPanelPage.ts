// Headless Chromium for the tests that open the built panels (dist/webview/<panel>.js and .css) under the HTML the
// host serves: one browser per test file, each page at a fake webview origin whose files come from dist/webview.
import { before, after } from 'node:test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureBuilt } from '../../helpers/build';
import { repoRoot } from '../../helpers/paths';

const CHROMIUM = '/usr/bin/chromium';
/** Why the browser tests are skipped (no Chromium), or false. */
export const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
export const ORIGIN = 'https://webview.test';
export const NONCE = 'dGVzdC1ub25jZS0xMjM0NQ==';

let browser: Browser | undefined;

/** Builds dist/ and starts Chromium before the file's tests, and closes it after them: call once, at the top level. */
export function useChromium(): void {
  before(async () => {
    if (skip) return;
    ensureBuilt();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  });

  after(async () => {
    await browser?.close();
  });
}

/**
 * Opens `html` at ORIGIN/index.html in a fresh context of `viewport` size, with `init` run before any page script;
 * every other ORIGIN/<file> is dist/webview/<file>.
 */
export async function openBuiltPanel(html: string, viewport: { width: number; height: number }, init: string): Promise<Page> {
  if (!browser) throw new Error('Chromium is not running: call useChromium() at the top of the test file');
  const page = await (await browser.newContext({ viewport })).newPage();
  page.setDefaultTimeout(8000);
  await page.addInitScript(init);
  await page.route(`${ORIGIN}/**`, (route) => {
    const file = new URL(route.request().url()).pathname.slice(1);
    if (file === 'index.html') return route.fulfill({ contentType: 'text/html', body: html });
    const path = join(repoRoot, 'dist/webview', file);
    if (!/^[\w.-]+$/.test(file) || !existsSync(path)) return route.fulfill({ status: 404, body: '' });
    return route.fulfill({ contentType: file.endsWith('.css') ? 'text/css' : 'text/javascript', body: readFileSync(path) });
  });
  await page.goto(`${ORIGIN}/index.html`);
  return page;
}
