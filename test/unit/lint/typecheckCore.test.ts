// scripts/typecheckCore.mjs (part of `npm run typecheck`) must fail on Node globals in src/core outside
// src/core/node/ even though TF.js's declarations pull @types/node into an ordinary tsc run, and must accept
// the web globals a page, a worker and Node share.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/paths';

test('the core check flags process and Buffer, and passes TextDecoder, crypto.subtle and AbortSignal', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'layer-lens-core-check-'));
  const probe = join(dir, 'probe.ts');
  writeFileSync(
    probe,
    [
      'export const text = new TextDecoder().decode(new Uint8Array([104, 105]));',
      "export const digest = crypto.subtle.digest('SHA-256', new Uint8Array(1));",
      'export const aborted = (s: AbortSignal): boolean => s.aborted;',
      'export const home = process.env.HOME;',
      'export const bytes = Buffer.from([1]);',
      '',
    ].join('\n'),
  );
  const run = spawnSync(process.execPath, [join(repoRoot, 'scripts/typecheckCore.mjs'), probe], { encoding: 'utf8', cwd: repoRoot });
  const out = `${run.stdout}${run.stderr}`;
  assert.equal(run.status, 1, out);
  const errors = out.split('\n').filter((l) => l.includes('probe.ts('));
  assert.deepEqual(
    errors.map((l) => l.match(/probe\.ts\((\d+),/)?.[1]),
    ['4', '5'],
    `only the process and Buffer lines fail:\n${out}`,
  );
  assert.match(out, /Cannot find name 'process'/);
  assert.match(out, /Cannot find name 'Buffer'/);
});
