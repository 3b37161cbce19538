// A backend the command line cannot honour is said on stderr in one line (and in the report's header), never
// run silently as another.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/paths';
import { runCli } from '../../helpers/runCli';

const sample = join(repoRoot, 'models/mnist-cnn/model.json');
const TENSORFLOW_LINE =
  /^layer-lens: Backend tensorflow could not be used \(the command line does not load @tensorflow\/tfjs-node or tfjs-node-gpu \(only the VS Code engine does\)\); wasm \(SIMD, \d threads?\).* runs instead\.$/m;

test('--backend tensorflow without tfjs-node: one stderr line says wasm runs instead, and the report header says it', { timeout: 120_000 }, () => {
  const out = mkdtempSync(join(tmpdir(), 'll-cli-backend-'));
  try {
    const run = runCli(['report', '--model', sample, '--out', join(out, 'r'), '--layers', 'conv1', '--steps', '1', '--images', '1', '--backend', 'tensorflow', '--quiet']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, TENSORFLOW_LINE);
    assert.equal(run.stderr.split('\n').filter((l) => l.includes('tensorflow')).length, 1, run.stderr);
    const html = readFileSync(join(out, 'r', 'index.html'), 'utf8');
    assert.match(html, /<p class="note backend-not-honoured">Backend tensorflow could not be used \(.*\); wasm .* runs instead\.<\/p>/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('--backend wasm, which runs: nothing on stderr about the backend', { timeout: 60_000 }, () => {
  const run = runCli(['layers', '--model', sample, '--backend', 'wasm']);
  assert.equal(run.status, 0, run.stderr);
  assert.doesNotMatch(run.stderr, /could not be used/);
});

test('no --backend: auto, as in the extension; with no hardware GPU it runs wasm and says nothing, not even Dawn', { timeout: 60_000 }, () => {
  const run = runCli(['layers', '--model', sample, '--json']);
  assert.equal(run.status, 0, run.stderr);
  // auto is never "not honoured"; on a machine without Vulkan, Dawn must not load (it would print a warning).
  assert.doesNotMatch(run.stderr, /could not be used|Vulkan|layer-lens:/, run.stderr);
});

test('the default preference is auto, and auto never runs on a software adapter', { timeout: 60_000 }, async () => {
  const { startBackend } = await import('../../../src/cli/cliBackend');
  const status = await startBackend(undefined);
  assert.equal(status.preference, 'auto');
  assert.equal(status.notHonoured, undefined);
  if (status.active === 'webgpu') assert.equal(status.adapter?.software, false);
  else assert.ok(status.attempts.some((a) => a.backend === 'webgpu' && !a.ok && a.reason), JSON.stringify(status.attempts));
});
