// What a report's notice says when a part fails with an error that is not ours: one sentence in our words,
// never TF.js's or V8's text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failureReason } from '../../../src/cli/report/partFailure';
import { LayerLensError } from '../../../src/shared/errors';

function assertOneSentenceOfOurs(text: string, raw: string): void {
  assert.ok(!text.includes(raw), `quotes the raw error: ${text}`);
  assert.match(text, /^[A-Z].*\.$/, text);
  assert.doesNotMatch(text.slice(0, -1), /\.\s/, `one sentence: ${text}`);
}

test('TF.js and V8 errors are retold by what they mean', () => {
  const cases: [string, RegExp][] = [
    ['Cannot compute gradient: gradient function not found for DepthToSpace.', /cannot pass back through the model's DepthToSpace op/],
    ["Kernel 'Einsum' not registered for backend 'wasm'", /The wasm backend cannot run the model's Einsum op; try --backend cpu\./],
    ['Array buffer allocation failed', /ran out of memory/],
    ["Cannot read properties of undefined (reading 'dtype')", /failed inside TF\.js on the wasm backend/],
  ];
  for (const [raw, expected] of cases) {
    const text = failureReason(new Error(raw), 'wasm');
    assert.match(text, expected);
    assertOneSentenceOfOurs(text, raw);
  }
  const disk = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
  assert.equal(failureReason(disk, 'wasm'), 'Its image could not be written or read (ENOSPC).');
  assert.match(failureReason('a thrown string', 'cpu'), /on the cpu backend/);
});

test('our own errors are shown as they are', () => {
  const ours = new LayerLensError('notAnImage', 'bad.png is not a PNG, JPEG, WebP, GIF or BMP image.');
  assert.equal(failureReason(ours, 'wasm'), ours.message);
});
