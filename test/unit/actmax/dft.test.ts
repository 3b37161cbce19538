import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { rfftFreqs } from '../../../src/core/actmax/dft';
import { registerDftChecks } from './dftChecks';
import { useBackend } from '../../helpers/backend';

before(async () => {
  await useBackend('wasm');
});

registerDftChecks(['planar', 'packed']);

test('rfftFreqs follows numpy fftfreq for rows and rfftfreq for columns', () => {
  const f = rfftFreqs(4, 6); // rows 0, .25, -.5, -.25; cols 0, 1/6, 2/6, 3/6
  assert.equal(f.length, 16);
  assert.ok(Math.abs(f[0]) < 1e-7);
  assert.ok(Math.abs(f[1] - 1 / 6) < 1e-6);
  assert.ok(Math.abs(f[2 * 4] - 0.5) < 1e-6);
  assert.ok(Math.abs(f[3 * 4 + 3] - Math.hypot(0.25, 0.5)) < 1e-6);
});
