// A panel's real webview code in headless Chromium with a fake host (webview/src/lib/fakeHost.ts) installed by
// setHost() before the panel's module runs: the panel is bundled from its sources with esbuild as the product's
// build does, so what runs is what VS Code would load, minus acquireVsCodeApi. Messages go in through the fake
// host and come back out of it, typed arrays packed as across the real boundary.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { packBinary, unpackBinary } from '../../../src/shared/protocol/binaryCodec';
import { repoRoot } from '../../helpers/paths';

const CHROMIUM = '/usr/bin/chromium';

export interface Posted {
  type: string;
  [k: string]: unknown;
}

/** The page's globals as these callbacks see them (the Node tsconfig has no DOM types). */
interface PageGlobals {
  fakeHost: { posted: unknown[]; send(msg: unknown): void };
}

export interface PanelPage {
  page: Page;
  /** Uncaught errors in the page so far. */
  errors: string[];
  /** Sends a host message (typed arrays allowed: packed here, unpacked by the panel's bridge). */
  send(msg: unknown): Promise<void>;
  /** What the panel posted, unpacked as the real host unpacks it. */
  posted(): Promise<Posted[]>;
  /** Waits until the panel posted a message `match` accepts, and returns it. */
  waitForPosted(match: (p: Posted) => boolean, what: string): Promise<Posted>;
  close(): Promise<void>;
}

/** Bundles `panel` (a file name under webview/src/panels, without .ts) behind the fake host: script and CSS. */
async function bundle(panel: string): Promise<{ js: string; css: string }> {
  const entry = `
    import { setHost } from './webview/src/lib/hostBridge';
    import { createFakeHost } from './webview/src/lib/fakeHost';
    const fake = createFakeHost();
    window.fakeHost = fake;
    setHost(fake);
    // After setHost: static imports would run the panel before the fake is installed.
    import('./webview/src/panels/${panel}');`;
  const out = await esbuild.build({
    stdin: { contents: entry, resolveDir: repoRoot, sourcefile: `${panel}FakeHost.ts`, loader: 'ts' },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    write: false,
    outdir: join(repoRoot, 'out/webviewBridgeTest'),
    logLevel: 'silent',
  });
  const js = out.outputFiles.find((f) => f.path.endsWith('.js'))?.text ?? '';
  const css = out.outputFiles.find((f) => f.path.endsWith('.css'))?.text ?? '';
  return { js, css };
}

let browser: Browser | undefined;

export async function openPanel(panel: string): Promise<PanelPage> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium), as scripts/runUnitTests.mjs does when run as root`);
  }
  const { js, css } = await bundle(panel);
  browser ??= await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const page = await (await browser.newContext({ viewport: { width: 1000, height: 700 } })).newPage();
  page.setDefaultTimeout(8000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // No acquireVsCodeApi on this page: a panel that still reached for it would throw (and land in `errors`).
  await page.setContent(`<!DOCTYPE html><html><head><style>${css}</style></head><body><div id="app"></div></body></html>`);
  await page.addScriptTag({ content: js });
  await page.waitForFunction('window.fakeHost && window.fakeHost.posted.length > 0');
  const posted = async (): Promise<Posted[]> =>
    unpackBinary(await page.evaluate(() => (globalThis as unknown as PageGlobals).fakeHost.posted)) as Posted[];
  return {
    page,
    errors,
    send: (msg) => page.evaluate((m) => (globalThis as unknown as PageGlobals).fakeHost.send(m), packBinary(msg)),
    posted,
    waitForPosted: async (match, what) => {
      const deadline = Date.now() + 8000;
      for (;;) {
        const found = (await posted()).find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`the panel never posted ${what}; it posted: ${(await posted()).map((p) => p.type).join(', ')}`);
        await page.waitForTimeout(50);
      }
    },
    close: () => page.context().close(),
  };
}

export async function closeBrowser(): Promise<void> {
  await browser?.close();
  browser = undefined;
}

/** The RGBA of pixel (x, y) of a posted snapshot. */
export function pixel(snap: Posted, x: number, y: number): number[] {
  const rgba = snap.rgba as Uint8Array;
  const i = (y * (snap.width as number) + x) * 4;
  return Array.from(rgba.subarray(i, i + 4));
}
