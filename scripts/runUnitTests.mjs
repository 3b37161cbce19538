// Runs every test/unit/**/*.test.ts with node's test runner (TypeScript through tsx) and ends with
// the line "N passed, N failed". Pass file filters as arguments to run a subset: `npm run test:unit -- onnx`.
//
// Each file runs in its own process, as its main script (node:test runs and reports its tests in that process).
// Files that need the whole machine (see `exclusiveReason`) run one at a time first; the rest then run two at a
// time (one per core; LAYER_LENS_TEST_JOBS sets the number, 1 runs everything one after another). A file's output
// is printed in one piece when it ends, and the run ends with the slowest files' times and the total count.
//
// Temporary files: the run makes one folder under the system's temp folder (scripts/testTmp.mjs), every test process
// gets it as TMPDIR, and it is removed when the run ends, passed, failed or interrupted (Ctrl-C, SIGTERM, SIGHUP: the
// files still running are stopped with everything they started, and the run fails).
//
// --with-vscode-setup (npm test): install what the real-VS-Code runner needs (scripts/vscodeTest/setup.mjs) in the
// background at the lowest CPU priority while the unit files run; vscodeTest/run.mjs waits for it. A failing or
// interrupted unit run stops it.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism, constants } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { buildNative } from './buildNative.mjs';
import { useRunTmp } from './testTmp.mjs';
import { backgroundLog, ensureChromium, startSetupInBackground } from './vscodeTest/setup.mjs';
import { distFresh, runBuild } from './unitTestBuild.mjs';

const root = new URL('..', import.meta.url).pathname;
const withVscodeSetup = process.argv.includes('--with-vscode-setup');
const filters = process.argv.slice(2).filter((a) => a !== '--with-vscode-setup');

function collect(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return collect(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = collect(join(root, 'test/unit'))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)))
  .sort();

// With no file, node --test would discover test files of its own (the compiled VS Code suites in out/).
if (files.length === 0) {
  console.error(`no test file under test/unit matches ${filters.join(', ')}`);
  console.log('unit: 0 passed, 1 failed');
  process.exit(1);
}

// The background setup outlives this run, so it keeps the temp folder this run was given.
const outerEnv = { ...process.env };
useRunTmp();
let backgroundSetup;
const stopBackgroundSetup = () => {
  if (backgroundSetup === undefined) return;
  try {
    process.kill(-backgroundSetup.pid, 'SIGTERM');
  } catch {}
  backgroundSetup = undefined;
};

// Test processes still running; an interrupted run stops them (each leads its own process group, so whatever a test
// started goes with it) before the temp folder is removed.
const running = new Set();
let interrupted;
const killGroup = (child, signal) => {
  try {
    process.kill(-child.pid, signal);
  } catch {}
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = signal;
    const code = 128 + constants.signals[signal];
    console.log(`\n${signal}: stopping ${running.size} running test file(s)`);
    stopBackgroundSetup();
    if (running.size === 0) process.exit(code);
    for (const child of running) killGroup(child, 'SIGTERM');
    // Whatever ignores SIGTERM is killed; the run ends even if a process never closes its output.
    setTimeout(() => running.forEach((child) => killGroup(child, 'SIGKILL')), 5000);
    setTimeout(() => process.exit(code), 10_000);
  });
}

// The native-kernel tests load dist/layer_lens_kernels.node: build it when missing or stale (a no-op after
// `npm run build`), so `npm run test:unit` alone tests the current C++ too.
const native = await buildNative();
if (!native.ok) console.warn(`native kernels not built: ${native.reason}`);

// The webview suites draw in Debian's Chromium: install it like the real-VS-Code runner does (a failure there
// says what to install), so those suites never pass for want of a browser.
try {
  ensureChromium();
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
}

if (withVscodeSetup) {
  backgroundSetup = startSetupInBackground(outerEnv);
  if (backgroundSetup) console.log(`installing the VS Code tests' code-server in the background (output: ${backgroundLog})`);
}

/** The text of a test file and of the test/unit files it imports relatively (one level): what decides its mode. */
function sourcesOf(file) {
  const text = readFileSync(join(root, file), 'utf8');
  const local = [...text.matchAll(/from '(\.{1,2}\/[^']+)'/g)]
    .map((m) => resolve(root, dirname(file), `${m[1]}.ts`))
    .filter((p) => p.startsWith(join(root, 'test/unit')) && existsSync(p));
  return [text, ...local.map((p) => readFileSync(p, 'utf8'))].join('\n');
}

// Why a file gets the machine to itself: it uses more than one core. Elapsed time is no reason: no test bounds it
// (tests assert on order and counts, with a timeout only as a hang guard), and `Date.now() -` in a file is a log
// line or a polling loop's guard, which a neighbour cannot make fail. A file that uses several cores where these
// patterns cannot see it (a child process, a cluster) says so with a `// unit-runner: exclusive — why` line.
const EXCLUSIVE = [
  [/\/\/ unit-runner: exclusive/, 'marked exclusive'],
  [/ensureBuilt\(/, 'starts the engine or the CLI bundle'],
  [/runCorpus\(/, 'runs CLIs two at a time'],
  [/nativeKernels: true|threads: [2-9]/, 'native kernels or wasm on 2+ threads'],
  [/[Cc]hromium|puppeteer/, 'drives Chromium'],
];

function exclusiveReason(file) {
  const text = sourcesOf(file);
  if (/\/\/ unit-runner: parallel/.test(text)) return undefined;
  return EXCLUSIVE.find(([re]) => re.test(text))?.[1];
}

// The engine and CLI tests run dist/: build it once here (when older than its sources) rather than once per file.
const env = { ...process.env };
if (files.some((f) => /ensureBuilt\(/.test(sourcesOf(f)))) {
  if (!distFresh()) await runBuild();
  env.LAYER_LENS_TEST_DIST_BUILT = '1';
}

const jobs = Math.max(1, Number(process.env.LAYER_LENS_TEST_JOBS) || Math.min(2, availableParallelism()));
const exclusive = files.filter((f) => exclusiveReason(f) !== undefined);
// The longest shared files first (seconds measured on a 2-core machine), so that neither core ends long after
// the other.
const LONG_FIRST = ['zoo/zoo.test', 'onnx/fixturesCpu.test', 'onnx/fixtures.test', 'cli/reportCli.test'];
const rank = (f) => {
  const i = LONG_FIRST.findIndex((p) => f.includes(p));
  return i < 0 ? LONG_FIRST.length : i;
};
const shared = files.filter((f) => !exclusive.includes(f)).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

/** Runs one file; resolves with its counts and seconds once its output has been printed. */
function runFile(file, mode) {
  return new Promise((done) => {
    const started = Date.now();
    // The file runs as the main script, node:test reporting in that process: `node --test FILE` would start a second
    // process to run it in (~0.35 s of CPU a file, 189 files).
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test-reporter=spec', '--test-reporter=./scripts/countReporter.mjs',
        '--test-reporter-destination=stdout', '--test-reporter-destination=stdout', file],
      { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    running.add(child);
    const chunks = [];
    child.stdout.on('data', (c) => chunks.push(c));
    child.stderr.on('data', (c) => chunks.push(c));
    child.on('close', (code, signal) => {
      running.delete(child);
      const seconds = (Date.now() - started) / 1000;
      const out = Buffer.concat(chunks).toString('utf8');
      const m = /^unit: (\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/m.exec(out);
      const counts = { passed: Number(m?.[1] ?? 0), failed: Number(m?.[2] ?? 0), skipped: Number(m?.[3] ?? 0) };
      // A process that failed without a failing test (a crash, an error outside any test) is one failure.
      if (code !== 0 && counts.failed === 0) counts.failed = 1;
      const text = out.replace(/^\nunit: .*\n/m, '').replace(/^unit: \d+ passed.*\n?/m, '');
      process.stdout.write(`${text}${text.endsWith('\n') ? '' : '\n'}`);
      const status = code === 0 ? '' : ` (exit ${code ?? signal})`;
      console.log(`# ${file}: ${seconds.toFixed(1)} s, ${mode}${status}`);
      done({ file, mode, seconds, ...counts });
    });
  });
}

async function pool(list, width, mode) {
  const results = [];
  let next = 0;
  const worker = async () => {
    while (!interrupted && next < list.length) results.push(await runFile(list[next++], mode));
  };
  await Promise.all(Array.from({ length: Math.min(width, list.length) }, worker));
  return results;
}

const started = Date.now();
const results = [
  ...(await pool(exclusive, 1, 'alone')),
  ...(await pool(shared, jobs, jobs > 1 ? `${jobs} at a time` : 'alone')),
];

const total = results.reduce((t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed, skipped: t.skipped + r.skipped }),
  { passed: 0, failed: 0, skipped: 0 });
if (interrupted) {
  // The files cut short and those never started count as one failure: an interrupted run never passes.
  console.log(`\nunit: interrupted by ${interrupted} after ${results.length} of ${files.length} files`);
  console.log(`unit: ${total.passed} passed, ${total.failed + 1} failed`);
  process.exit(128 + constants.signals[interrupted]);
}
const slowest = [...results].sort((a, b) => b.seconds - a.seconds).slice(0, 12);
console.log(`\nunit files: ${results.length} in ${((Date.now() - started) / 1000).toFixed(0)} s (${exclusive.length} alone, ${shared.length} ${jobs} at a time); slowest:`);
for (const r of slowest) console.log(`  ${r.seconds.toFixed(1).padStart(6)} s  ${r.file} (${r.mode})`);
console.log(`\nunit: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
// npm test stops here on a failure: nothing would wait for the install.
if (total.failed > 0) stopBackgroundSetup();
process.exit(total.failed === 0 ? 0 : 1);
