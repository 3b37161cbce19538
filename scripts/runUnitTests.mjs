// Runs every test/unit/**/*.test.ts with node's test runner (TypeScript through tsx) and ends with
// the line "N passed, N failed". Pass file filters as arguments to run a subset: `npm run test:unit -- onnx`.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildNative } from './buildNative.mjs';
import { ensureChromium } from './vscodeTest/setup.mjs';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

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

const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', '--test-reporter=./scripts/countReporter.mjs',
    '--test-reporter-destination=stdout', '--test-reporter-destination=stdout', ...files],
  { cwd: root, stdio: 'inherit' },
);
child.on('exit', (code) => process.exit(code ?? 1));
