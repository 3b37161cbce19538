// A cancel reaches Python: the engine's PyTorch handler hands the request's signal to the core, which ends the
// Python process it started; the request fails as cancelled at once, and no Python is left running on the file.
// The Python is made one that never finishes on its own (a sitecustomize that sleeps), so the request can only
// settle through the cancel: a cancel that waited for Python would hang until the test's timeout.
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
  // A pickle's first bytes: the file passes the quick check, so Python starts.
  writeFileSync(file, Buffer.from([0x80, 0x02, 0x7d, 0x71, 0x00]));
  // Python imports sitecustomize from PYTHONPATH at start-up, before it reads the helper from stdin; this one waits
  // for as long as the process that started Python lives (so a failing run leaves no Python behind).
  const site = mkdtempSync(path.join(tmpdir(), 'll-cancel-site-'));
  writeFileSync(path.join(site, 'sitecustomize.py'), 'import os, time\nparent = os.getppid()\nwhile os.getppid() == parent:\n    time.sleep(0.2)\n');
  const pythonPath = process.env.PYTHONPATH;
  process.env.PYTHONPATH = site;
  t.after(() => {
    if (pythonPath === undefined) delete process.env.PYTHONPATH;
    else process.env.PYTHONPATH = pythonPath;
    rmSync(site, { recursive: true, force: true });
  });
  // Should the cancel fail, the test's timeout ends it and this ends the Python, so the test process can exit.
  t.after(() => {
    for (const pid of pythonsOn(file)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });
  const abort = new AbortController();
  const pending = inspectPytorchHandler({ path: file, pythonCandidates: [PYTHON] }, { signal: abort.signal });
  const outcome = pending.then(() => 'answered', (e: unknown) => e);
  for (let i = 0; i < 200 && pythonsOn(file).length === 0; i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(pythonsOn(file).length > 0, 'the helper never started');
  abort.abort();
  const error = await outcome;
  assert.ok(error instanceof LayerLensError && error.code === 'cancelled', `not cancelled: ${String(error)}`);
  for (let i = 0; i < 40 && pythonsOn(file).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(pythonsOn(file), [], 'Python still runs on the file');
});
