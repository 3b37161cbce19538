import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import { evaluateObjective, objectiveLayers } from '../../../src/core/actmax/objectives';
import type { ActmaxObjectiveSpec } from '../../../src/shared/actmax';
import { LayerLensError } from '../../../src/shared/errors';

before(async () => {
  await useBackend('cpu');
});

// Layer "a": [2, 2, 2, 3] with a[n, y, x, c] = n*100 + c*10 + y*2 + x; layer "logits": [2, 4].
const aValues = Float32Array.from({ length: 24 }, (_, i) => {
  const n = Math.floor(i / 12);
  const y = Math.floor((i % 12) / 6);
  const x = Math.floor((i % 6) / 3);
  const c = i % 3;
  return n * 100 + c * 10 + y * 2 + x;
});
const ctx = { layerId: 'a', units: [1, 2], logitsId: 'logits' };

function evaluate(spec: ActmaxObjectiveSpec): number[] {
  return tf.tidy(() => {
    const acts = new Map<string, tf.Tensor>([
      ['a', tf.tensor4d(aValues, [2, 2, 2, 3])],
      ['logits', tf.tensor2d([1, 2, 3, 4, -1, -2, -3, -4], [2, 4])],
    ]);
    return Array.from(evaluateObjective(spec, acts, ctx).dataSync());
  });
}

const close = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]) < 1e-4) || assert.fail(`${a} vs ${b}`);

test('channel mean uses each batch item’s unit', () => {
  // mean over y,x of y*2+x is 1.5
  close(evaluate({ kind: 'channel' }), [10 + 1.5, 100 + 20 + 1.5]);
  close(evaluate({ kind: 'channel', unit: 0 }), [1.5, 101.5]);
});

test('channel RMS, neuron, layer L2', () => {
  const rms = (vals: number[]) => Math.sqrt(vals.reduce((s, v) => s + v * v, 0) / vals.length);
  close(evaluate({ kind: 'channelRms' }), [rms([10, 11, 12, 13]), rms([120, 121, 122, 123])]);
  // center of a 2×2 map is (x=1, y=1): y*2+x = 3
  close(evaluate({ kind: 'neuron' }), [13, 123]);
  close(evaluate({ kind: 'neuron', x: 0, y: 1 }), [12, 122]);
  const all0 = Array.from(aValues.slice(0, 12));
  close(evaluate({ kind: 'layerL2' }).slice(0, 1), [all0.reduce((s, v) => s + v * v, 0) / 12]);
});

test('class logit reads the logits layer by default', () => {
  close(evaluate({ kind: 'classLogit' }), [2, -3]);
  close(evaluate({ kind: 'classLogit', classIndex: 3 }), [4, -4]);
  assert.deepEqual(objectiveLayers({ kind: 'classLogit' }, ctx), ['logits']);
});

test('direction, negative and weighted sums', () => {
  close(evaluate({ kind: 'direction', vector: [0, 1, 0] }), [11.5, 111.5]);
  close(evaluate({ kind: 'negative', of: { kind: 'channel' } }), [-11.5, -121.5]);
  close(
    evaluate({ kind: 'sum', terms: [{ weight: 2, objective: { kind: 'channel' } }, { weight: -1, objective: { kind: 'classLogit' } }] }),
    [2 * 11.5 - 2, 2 * 121.5 + 3],
  );
  assert.deepEqual(
    objectiveLayers({ kind: 'sum', terms: [{ weight: 1, objective: { kind: 'channel' } }, { weight: 1, objective: { kind: 'classLogit' } }] }, ctx),
    ['a', 'logits'],
  );
});

test('diversity: identical items score −(N−1)/N each; different ones score higher', () => {
  const same = tf.tidy(() => {
    const t = tf.tile(tf.tensor4d(aValues.slice(0, 12), [1, 2, 2, 3]), [3, 1, 1, 1]);
    return Array.from(evaluateObjective({ kind: 'diversity' }, new Map([['a', t]]), { ...ctx, units: [0, 0, 0] }).dataSync());
  });
  close(same, [-2 / 3, -2 / 3, -2 / 3]);
  const differ = evaluate({ kind: 'diversity' });
  assert.ok(differ[0] > -0.5 && differ[0] <= 0);
});

test('a unit out of range is a badArgument error naming the layer', () => {
  assert.throws(() => evaluate({ kind: 'channel', unit: 7 }), (e: unknown) => e instanceof LayerLensError && e.code === 'badArgument' && /layer a/.test(e.message));
});
