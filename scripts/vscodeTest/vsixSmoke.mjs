// The packaged-VSIX smoke test: `npm run package` builds the .vsix, a fresh code-server installs it with
// --install-extension, and a person's path is replayed in the browser: the palette runs
// "Layer Lens: Visualize Kernels", the layer pick takes conv1, and the kernels panel's canvas must show pixels.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, newPage, screenshot } from './browser.mjs';
import { installExtension, startCodeServer, stateDirs } from './codeServer.mjs';
import { repoRoot } from './setup.mjs';

const COMMAND_TITLE = 'Layer Lens: Visualize Kernels';
const LAYER = 'conv1';

function fail(title, error) {
  return { passed: 0, failed: 1, failures: [{ title: `vsix smoke: ${title}`, error }] };
}

function packageVsix() {
  const r = spawnSync('npm', ['run', 'package'], { cwd: repoRoot, encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const vsix = join(repoRoot, 'out', 'layer-lens.vsix');
  if (r.status !== 0 || !existsSync(vsix)) return { error: `npm run package failed (${r.status ?? r.signal}):\n${output.slice(-3000)}` };
  return { vsix };
}

/** Stats of the largest canvas in any frame of the page (webviews are nested iframes). */
async function largestCanvas(page) {
  let best;
  for (const frame of page.frames()) {
    const stats = await frame
      .evaluate(() => {
        const canvases = [...document.querySelectorAll('canvas')].filter((c) => c.width > 0 && c.height > 0);
        if (canvases.length === 0) return undefined;
        const c = canvases.reduce((a, b) => (a.width * a.height >= b.width * b.height ? a : b));
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let opaque = 0;
        const grays = new Set();
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3] === 0) continue;
          opaque++;
          grays.add((data[i] + data[i + 1] + data[i + 2]) / 3);
        }
        return { width: c.width, height: c.height, opaque, distinct: grays.size };
      })
      .catch(() => undefined);
    if (stats && (!best || stats.opaque > best.opaque)) best = stats;
  }
  return best;
}

/** Texts of the error notifications on screen. */
async function notificationTexts(page) {
  const toasts = page.locator('.notification-toast-container .notification-list-item:has(.codicon-error) .notification-list-item-message');
  return toasts.allInnerTexts().catch(() => []);
}

async function quickInputVisible(page) {
  return page.locator('.quick-input-widget').isVisible().catch(() => false);
}

export async function runVsixSmoke(tools, tmp, { shotsDir, say, cleanups, elapsed, current, vsix }) {
  // LAYER_LENS_VSCODE_SHOTS=1: screenshots of every step, also when it passes.
  const steps = process.env.LAYER_LENS_VSCODE_SHOTS === '1';
  const packaged = vsix ? { vsix } : packageVsix();
  if (packaged.error) return fail('npm run package', packaged.error);
  say(`  packaged ${packaged.vsix} (${elapsed()})`);

  const dirs = stateDirs(tmp, 'vsix');
  try {
    installExtension(tools, dirs, packaged.vsix);
  } catch (err) {
    return fail('--install-extension', err.message);
  }
  const installed = readdirSync(dirs.extensions).filter((d) => d.startsWith('layer-lens.layer-lens-'));
  if (installed.length !== 1) return fail('--install-extension', `expected one layer-lens.layer-lens-* folder in ${dirs.extensions}, found ${readdirSync(dirs.extensions).join(', ')}`);

  const workspace = join(tmp, 'vsix-workspace');
  mkdirSync(workspace, { recursive: true });
  const server = await startCodeServer(tools, dirs, workspace);
  cleanups.push(server.stop);
  const browser = await launchBrowser(tools);
  cleanups.push(() => browser.close());
  const page = await newPage(browser);
  current.page = page;
  try {
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`, { timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // The extension does not activate at startup (nothing of it runs in a window that does not use it): the
    // palette command below activates it.
    await page.locator('.statusbar-item').first().waitFor({ timeout: 60_000 });
    await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => undefined);

    // The palette lists the extension's commands once the workbench has read the installed extensions, which on a
    // loaded machine can take longer than the window's first paint: ask again until they are there.
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Visualize Kernels' }).first();
    const listedBy = Date.now() + 90_000;
    for (;;) {
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').waitFor({ timeout: 15_000 });
      await page.keyboard.type(COMMAND_TITLE, { delay: 5 });
      if (await row.waitFor({ timeout: 10_000 }).then(() => true, () => false)) break;
      if (Date.now() > listedBy) throw new Error(`the palette never listed ${COMMAND_TITLE} (the installed extension's commands)`);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(2000);
    }
    if (steps) await screenshot(page, shotsDir, 'vsix-palette');
    await page.keyboard.press('Enter');
    if (steps) await page.waitForTimeout(2000).then(() => screenshot(page, shotsDir, 'vsix-after-enter'));

    // Then the layer pick (the sample has two conv layers), then the panel.
    const deadline = Date.now() + 90_000;
    let stats;
    let picked = false;
    while (Date.now() < deadline) {
      if (!picked && (await quickInputVisible(page))) {
        const conv1 = page.locator('.quick-input-list .monaco-list-row', { hasText: LAYER }).first();
        if (await conv1.isVisible().catch(() => false)) {
          await page.keyboard.type(LAYER);
          await page.keyboard.press('Enter');
          picked = true;
        }
      }
      stats = await largestCanvas(page);
      if (stats && stats.opaque > 1000 && stats.distinct > 8) break;
      const errors = await notificationTexts(page);
      if (errors.length > 0) {
        await screenshot(page, shotsDir, 'vsix-error-message');
        return fail('kernels panel', `the window shows: ${errors.join(' | ')}`);
      }
      await page.waitForTimeout(300);
    }
    if (!(stats && stats.opaque > 1000 && stats.distinct > 8)) {
      await screenshot(page, shotsDir, 'vsix-no-panel');
      return fail('kernels panel', `no kernels canvas with pixels appeared (largest canvas: ${JSON.stringify(stats)}; layer picked: ${picked})`);
    }
    say(`  vsix panel canvas ${stats.width}×${stats.height}, ${stats.opaque} opaque pixels, ${stats.distinct} gray levels`);
    // Activated by the command, its status bar item is there.
    await page.locator('.statusbar-item', { hasText: 'Layer Lens' }).first().waitFor({ timeout: 15_000 });
    if (steps) await screenshot(page, shotsDir, 'vsix-panel');
    return { passed: 1, failed: 0, failures: [] };
  } catch (err) {
    await screenshot(page, shotsDir, 'vsix-error');
    return fail('palette', err.stack ?? String(err));
  } finally {
    current.page = undefined;
    await browser.close();
    await server.stop();
  }
}
