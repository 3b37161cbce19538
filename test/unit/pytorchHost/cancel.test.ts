// A cancel reaches Python: the engine's PyTorch handler hands the request's signal to the core, which ends the
// Python process it started; the request fails as cancelled at once, and no Python is left running on the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { inspectPytorchHandler } from '../../../src/engine/handlers/convert';
import { LayerLensError } from '../../../src/shared/errors';

const PYTHON = '/usr/bin/python3';

/** Processes whose command line names `file` (the helper is run as `python -u - inspect FILE`). */
function pythonsOn(file: string): string[] {
  const run = spawnSync('pgrep', ['-f', file], { encoding: 'utf8' });
  return run.stdout.split('\n').filter((l) => l.trim() !== '');
}

test('cancelling an inspection ends its Python', { timeout: 120_000 }, async (t) => {
  const torch = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  assert.equal(torch.status, 0, `This test needs ${PYTHON} with torch: install python3-torch (apt) or torch (pip). ${torch.stderr ?? ''}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'll-cancel-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // A first request finds the Python (kept for the engine's life; the file itself is refused before any Python
  // runs), so the second one starts the helper at once.
  const warm = path.join(dir, 'not-a-model.pt');
  writeFileSync(warm, 'not a pickle');
  await assert.rejects(inspectPytorchHandler({ path: warm, pythonCandidates: [PYTHON] }), (e: unknown) => e instanceof LayerLensError && e.code === 'notAModel');

  const file = path.join(dir, `cancelled-${process.pid}.pt`);
  // A pickle's first bytes: the file passes the quick check, so Python starts (and imports torch, seconds).
  writeFileSync(file, Buffer.from([0x80, 0x02, 0x7d, 0x71, 0x00]));
  const abort = new AbortController();
  const pending = inspectPytorchHandler({ path: file, pythonCandidates: [PYTHON] }, { signal: abort.signal });
  const outcome = pending.then(() => 'answered', (e: unknown) => e);
  for (let i = 0; i < 200 && pythonsOn(file).length === 0; i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(pythonsOn(file).length > 0, 'the helper never started');
  const cancelledAt = Date.now();
  abort.abort();
  const error = await outcome;
  assert.ok(error instanceof LayerLensError && error.code === 'cancelled', `not cancelled: ${String(error)}`);
  assert.ok(Date.now() - cancelledAt < 2000, `the cancel took ${Date.now() - cancelledAt} ms`);
  for (let i = 0; i < 40 && pythonsOn(file).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(pythonsOn(file), [], 'Python still runs on the file');
});
