import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LayerLensError, toErrorPayload } from '../../src/shared/errors';

test('toErrorPayload keeps a LayerLensError code and sentence', () => {
  const payload = toErrorPayload(new LayerLensError('notJson', 'model.json is not JSON.'));
  assert.deepEqual(payload, { code: 'notJson', message: 'model.json is not JSON.' });
});

test('toErrorPayload marks foreign errors internal', () => {
  assert.equal(toErrorPayload(new TypeError('boom')).code, 'internal');
});
