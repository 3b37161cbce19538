// `npm test`'s last step: the extension's mocha suites (test/vscode) inside a real VS Code (code-server in
// headless Chromium), then the packaged-VSIX smoke test. Ends with "vscode: N passed, N failed" and a non-zero
// exit on any failure or on the hard timeout.
//
// Temporary files: everything the run starts (code-server, its extension host and the engines, Chromium) gets one
// run folder (scripts/testTmp.mjs) as TMPDIR, removed when the run ends, however it ends.
//
// Options: --no-vsix (skip the VSIX smoke test), --vsix-only, --no-typecheck, --keep (keep the temp dir),
// --extension-path DIR (another extension folder, e.g. a throwaway one to test this runner), --tests-path FILE
// (another extensionTestsPath module), --vsix FILE (smoke-test this package instead of running npm run package),
// --grep TEXT,
// --runner test-cli (run the suites through @vscode/test-cli's own mocha runner instead of test/vscode/index.ts,
// to check that they need nothing of ours; counts then come from mocha's spec output).
// Environment: LAYER_LENS_VSCODE_TIMEOUT (seconds for the run after the setup, default 600), LAYER_LENS_VSCODE_VERBOSE=1
// (echo the whole browser console), LAYER_LENS_TEST_* (passed to the extension host, e.g.
// LAYER_LENS_TEST_EXPECT_COMMAND=layerLens.nope makes the activation suite expect a command that does not exist).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { useRunTmp } from '../testTmp.mjs';
import { launchBrowser, newPage, screenshot, testUrl } from './browser.mjs';
import { buildTests, testOutDir } from './buildTests.mjs';
import { startCodeServer, stateDirs } from './codeServer.mjs';
import { ensureSetup, repoRoot, waitForOtherInstall } from './setup.mjs';
import { runVsixSmoke } from './vsixSmoke.mjs';

const SCREENSHOT_MARK = '[layer-lens-test] screenshot:';
const ECHO_MARK = '[layer-lens-test] ';
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

const timeoutS = Number(process.env.LAYER_LENS_VSCODE_TIMEOUT ?? 600);
const verbose = process.env.LAYER_LENS_VSCODE_VERBOSE === '1';
const extensionPath = resolve(option('--extension-path') ?? repoRoot);
const shotsDir = join(repoRoot, 'out', 'vscode-test', 'screenshots');
// Made before anything is started, so that every process inherits it; removed at exit unless --keep.
const tmp = useRunTmp({ keep: flag('--keep') });
const started = Date.now();
const cleanups = [];
const counts = { passed: 0, failed: 0 };
// The page in use, so the hard timeout can photograph what hung.
const current = { page: undefined };

const say = (line) => process.stdout.write(`${line}\n`);
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

async function cleanup() {
  while (cleanups.length) {
    try {
      await cleanups.pop()();
    } catch (err) {
      say(`  cleanup: ${err.message}`);
    }
  }
}

function finish(code) {
  say(`vscode: ${counts.passed} passed, ${counts.failed} failed`);
  process.exit(code);
}

// Hard timeout: whatever hangs (a test, code-server, the browser), the run ends, cleans up and fails. It starts
// once the setup is done: an install (minutes, or a wait for the one npm test began in the background) is not a hang.
function armHardTimeout() {
  const hardTimer = setTimeout(async () => {
    say(`\nHard timeout: the run passed ${timeoutS} s after the setup.`);
    counts.failed++;
    if (current.page) await screenshot(current.page, shotsDir, 'timeout');
    const killer = setTimeout(() => finish(1), 15_000);
    killer.unref();
    await cleanup();
    finish(1);
  }, timeoutS * 1000);
  hardTimer.unref();
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, async () => {
    await cleanup();
    process.exit(130);
  });
}

function typecheckTests() {
  const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(repoRoot, 'test', 'vscode', 'tsconfig.json'), '--noEmit'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`test/vscode does not type-check:\n${r.stdout}${r.stderr}`);
}

/** What @vscode/test-cli hands its runner.cjs: the mocha options of .vscode-test.mjs and the suite files. */
function testCliEnv() {
  const files = readdirSync(testOutDir).filter((f) => f.endsWith('.test.js')).sort().map((f) => join(testOutDir, f));
  const mochaOpts = { ui: 'tdd', timeout: 60_000, reporter: 'spec', color: false };
  const grep = option('--grep');
  if (grep) mochaOpts.grep = grep;
  return { VSCODE_TEST_OPTIONS: JSON.stringify({ mochaOpts, files, preload: [], colorDefault: false }) };
}

/** Runs the mocha suites inside code-server's extension host; returns { passed, failed, failures }. */
async function runSuites(tools, tmp) {
  const workspace = join(tmp, 'workspace');
  mkdirSync(workspace, { recursive: true });
  const dirs = stateDirs(tmp, 'suites');
  const server = await startCodeServer(tools, dirs, workspace);
  cleanups.push(server.stop);
  say(`  code-server on ${server.url} (${elapsed()})`);
  const browser = await launchBrowser(tools);
  cleanups.push(() => browser.close());
  const page = await newPage(browser);

  const resultsFile = join(tmp, 'results.json');
  const viaTestCli = option('--runner') === 'test-cli';
  const env = viaTestCli ? testCliEnv() : { LAYER_LENS_TEST_RESULTS: resultsFile };
  const testsPath = viaTestCli ? join(repoRoot, 'node_modules', '@vscode', 'test-cli', 'out', 'runner.cjs') : resolve(option('--tests-path') ?? join(testOutDir, 'index.js'));
  const specCounts = { passed: 0, failed: 0 };
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith('LAYER_LENS_TEST_')) env[k] = v;
  const grep = option('--grep');
  if (grep) env.LAYER_LENS_TEST_GREP = grep;

  let exitCode;
  let onExit;
  const exited = new Promise((res) => (onExit = res));
  await page.exposeFunction('codeAutomationExit', (code) => {
    exitCode = code;
    onExit(code);
  });
  current.page = page;
  const shots = [];
  page.on('console', (msg) => {
    const text = msg.text();
    const at = text.indexOf(SCREENSHOT_MARK);
    const spec = /%d (passing|failing)\D*(\d+)/.exec(text);
    if (spec) specCounts[spec[1] === 'passing' ? 'passed' : 'failed'] = Number(spec[2]);
    if (at >= 0) shots.push(screenshot(page, shotsDir, text.slice(at + SCREENSHOT_MARK.length).trim()));
    else if (verbose) say(`  [console.${msg.type()}] ${text}`);
    else if (text.includes(ECHO_MARK)) say(`  ${text.slice(text.indexOf(ECHO_MARK) + ECHO_MARK.length)}`);
    else if (viaTestCli && /[✔✓]|\d+\) |passing|failing/.test(text)) say(`  ${text.replace(/^%c\s*\w+\s*color: #\w+\s*/, '')}`);
  });
  page.on('pageerror', (err) => verbose && say(`  [pageerror] ${err.message}`));

  await page.goto(testUrl(server, workspace, extensionPath, testsPath, env), { timeout: 60_000 });
  say(`  workbench loaded (${elapsed()}); running suites`);
  await exited;
  await Promise.all(shots);

  let results;
  if (viaTestCli) {
    results = { ...specCounts, failures: specCounts.failed ? [{ title: 'test-cli runner', error: `${specCounts.failed} failing` }] : [] };
  } else try {
    results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  } catch {
    // No results file: the tests never ran (activation error, bad bundle). Count it as one failure.
    results = { passed: 0, failed: 1, failures: [{ title: 'extension tests did not run', error: `exit code ${exitCode}; see ${dirs.log}` }] };
  }
  if (exitCode !== 0 && results.failed === 0) {
    results.failed = 1;
    results.failures.push({ title: 'extension host test run', error: `exited with code ${exitCode}` });
  }
  if (results.failed > 0) await screenshot(page, shotsDir, 'suites-end');
  current.page = undefined;
  await browser.close();
  await server.stop();
  return results;
}

function report(label, results) {
  counts.passed += results.passed;
  counts.failed += results.failed;
  say(`  ${label}: ${results.passed} passed, ${results.failed} failed (${elapsed()})`);
  for (const f of results.failures) say(`  ✗ ${f.title}\n    ${String(f.error).split('\n').slice(0, 6).join('\n    ')}`);
}

async function main() {
  const setupStarted = Date.now();
  const tools = ensureSetup({ waitedFor: await waitForOtherInstall(), since: setupStarted });
  const how = tools.cached ? 'cached in' : tools.background ? 'installed in the background; waited' : 'installed in';
  say(`vscode tests: setup ${how} ${tools.seconds.toFixed(1)} s`);
  armHardTimeout();
  rmSync(shotsDir, { recursive: true, force: true });
  if (flag('--keep')) say(`  keeping ${tmp}`);

  if (!flag('--vsix-only')) {
    await buildTests();
    if (!flag('--no-typecheck')) typecheckTests();
    const main = JSON.parse(readFileSync(join(extensionPath, 'package.json'), 'utf8')).main ?? '';
    if (!existsSync(join(extensionPath, main))) throw new Error(`${join(extensionPath, main)} does not exist: run npm run build first.`);
    report('suites', await runSuites(tools, tmp));
  }
  const vsix = option('--vsix') && resolve(option('--vsix'));
  if (!flag('--no-vsix') && (vsix || extensionPath === resolve(repoRoot))) {
    report('vsix smoke', await runVsixSmoke(tools, tmp, { shotsDir, say, cleanups, elapsed, current, vsix }));
  }
  if (counts.failed > 0) say(`  screenshots: ${shotsDir}`);
}

try {
  await main();
  await cleanup();
  finish(counts.failed > 0 ? 1 : 0);
} catch (err) {
  say(`vscode tests could not run: ${err.stack ?? err}`);
  counts.failed++;
  await cleanup();
  finish(1);
}
