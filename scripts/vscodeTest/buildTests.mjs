// Bundles the real-VS-Code suites (test/vscode/*.ts) into out/test/vscode/*.js: CommonJS, one file per entry,
// with `vscode` (given by the extension host) and `mocha` (from node_modules) left external. The same files
// run under code-server (run.mjs) and under @vscode/test-cli (.vscode-test.mjs).
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const testSrcDir = join(root, 'test', 'vscode');
export const testOutDir = join(root, 'out', 'test', 'vscode');

export async function buildTests() {
  const entries = readdirSync(testSrcDir)
    .filter((f) => f === 'index.ts' || f.endsWith('.test.ts'))
    .map((f) => join(testSrcDir, f));
  // Stale bundles of deleted suites would still run: start from an empty folder.
  rmSync(testOutDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: entries,
    outdir: testOutDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return { entries: entries.length, outDir: testOutDir };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await buildTests();
  process.stdout.write(`built ${r.entries} test bundles into ${r.outDir}\n`);
}
