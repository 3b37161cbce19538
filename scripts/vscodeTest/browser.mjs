// Headless Debian Chromium driven by playwright-core: opens code-server's workbench, forwards what the
// extension host prints, and takes screenshots into a git-ignored folder.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchBrowser(tools) {
  // playwright gives the browser a fresh temporary profile and runs it in its own process group.
  return chromium.launch({ executablePath: tools.chromium, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

export async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  return context.newPage();
}

/** Saves a full-page screenshot as `<dir>/<n>-<name>.png`; never throws (it is called while things go wrong). */
let shotCount = 0;
export async function screenshot(page, dir, name) {
  try {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${String(++shotCount).padStart(2, '0')}-${name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80)}.png`);
    await page.screenshot({ path: file, timeout: 10_000 });
    return file;
  } catch (err) {
    process.stdout.write(`  (screenshot ${name} failed: ${err.message.split('\n')[0]})\n`);
    return undefined;
  }
}

/** The workbench URL that makes code-server run extension tests (needs --enable-smoke-test-driver). */
export function testUrl(server, workspace, extensionPath, testsPath, env) {
  const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(extensionPath)],
    ['extensionTestsPath', remote(testsPath)],
    ['extensionEnvironment', JSON.stringify(env)],
    ['skipWelcome', 'true'],
  ];
  return `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}
