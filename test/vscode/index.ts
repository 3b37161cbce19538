// The mocha bootstrap that VS Code's extension host calls (`extensionTestsPath`), as under @vscode/test-electron.
// It runs every *.test.js beside it and, for scripts/vscodeTest/run.mjs, writes the counts to the JSON file named
// by LAYER_LENS_TEST_RESULTS (the runner cannot read mocha's objects across the browser/server boundary).
// Lines starting with SCREENSHOT_MARK ask the runner (which watches the page console) for a screenshot.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export const SCREENSHOT_MARK = '[layer-lens-test] screenshot:';
/** Lines the runner echoes to its own output (the browser console carries much else). */
export const ECHO_MARK = '[layer-lens-test] ';

/** The WebGPU engine suite sets VK_ICD_FILENAMES, LD_LIBRARY_PATH, XDG_RUNTIME_DIR and layerLens.nodePath. */
const RUN_LAST = ['webgpuEngine.test.js'];

interface Failure {
  title: string;
  error: string;
}

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    color: false,
    // Base prints nothing: the console here is the browser's, so results are echoed as marked lines below.
    reporter: Mocha.reporters.Base,
    timeout: 60_000,
    grep: process.env.LAYER_LENS_TEST_GREP || undefined,
  });
  // Suites that change the extension host's environment and the engine's Node run last, whatever their names, so
  // that a restore that misses something cannot change what the other suites see.
  const files = readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  for (const f of [...files.filter((f) => !RUN_LAST.includes(f)), ...RUN_LAST.filter((f) => files.includes(f))]) mocha.addFile(join(__dirname, f));

  // After a failed test, leave the window as it was for a moment so the runner's screenshot shows it.
  mocha.suite.afterEach(async function () {
    const t = this.currentTest;
    if (t?.state !== 'failed' || !process.env.LAYER_LENS_TEST_RESULTS) return;
    console.log(`${SCREENSHOT_MARK}${t.fullTitle()}`);
    await new Promise((r) => setTimeout(r, 1500));
  });

  return new Promise((resolve, reject) => {
    const failures: Failure[] = [];
    let passed = 0;
    const runner = mocha.run((failed) => {
      const file = process.env.LAYER_LENS_TEST_RESULTS;
      if (file) writeFileSync(file, JSON.stringify({ passed, failed: failures.length, failures }, null, 2));
      if (failed > 0) reject(new Error(`${failed} tests failed.`));
      else resolve();
    });
    runner.on('pass', (test) => {
      passed++;
      console.log(`${ECHO_MARK}  ✔ ${test.fullTitle()} (${test.duration ?? 0} ms)`);
    });
    runner.on('fail', (test: Mocha.Runnable, err: Error) => {
      failures.push({ title: test.fullTitle(), error: err?.stack ?? String(err) });
      console.log(`${ECHO_MARK}  ✗ ${test.fullTitle()}: ${String(err?.message ?? err).split('\n')[0]}`);
      // A failed hook skips its tests, so afterEach never sees it: ask for the screenshot here.
      if (test instanceof Mocha.Hook && process.env.LAYER_LENS_TEST_RESULTS) console.log(`${SCREENSHOT_MARK}${test.fullTitle()}`);
    });
  });
}
