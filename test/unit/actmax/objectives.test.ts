import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import { evaluateObjective, objectiveLayers, penaltyObjective } from '../../../src/core/actmax/objectives';
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

/** Same length, and every value within 1e-4, relative above 1 (float32 sums); a shorter or longer result fails, as does NaN. */
function close(a: number[], b: number[]): void {
  assert.equal(a.length, b.length, `${a.length} values [${a}] where ${b.length} [${b}] were expected`);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-4 * Math.max(1, Math.abs(b[i])), `item ${i}: ${a} vs ${b}`));
}

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
  const meanSquare = (vals: number[]) => vals.reduce((s, v) => s + v * v, 0) / vals.length;
  close(evaluate({ kind: 'layerL2' }), [meanSquare(Array.from(aValues.slice(0, 12))), meanSquare(Array.from(aValues.slice(12)))]);
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

test('close() fails on a length mismatch and on a wrong value', () => {
  assert.throws(() => close([1], [1, 2]), /1 values/);
  assert.throws(() => close([1, 2], [1]), /2 values/);
  assert.throws(() => close([1, 2.1], [1, 2]), /item 1/);
  assert.throws(() => close([NaN], [0]), /item 0/);
});

test('penalties are objective terms: weighted inside a sum with layer objectives, reading the image', () => {
  // Two images [2, 1, 2, 1]: [0, 1] and [0.5, 0.5]. l2 = mean (x − 0.5)²: 0.25 and 0; dark = mean x: 0.5 and 0.5.
  const image = tf.tensor4d([0, 1, 0.5, 0.5], [2, 1, 2, 1]);
  const withImage = (spec: ActmaxObjectiveSpec) =>
    tf.tidy(() => {
      const acts = new Map<string, tf.Tensor>([['a', tf.tensor4d(aValues, [2, 2, 2, 3])]]);
      return Array.from(evaluateObjective(spec, acts, ctx, image).dataSync());
    });
  close(withImage({ kind: 'penalty', penalty: 'l2' }), [0.25, 0]);
  close(
    withImage({ kind: 'sum', terms: [{ weight: 1, objective: { kind: 'channel' } }, { weight: -4, objective: { kind: 'penalty', penalty: 'l2' } }] }),
    [11.5 - 1, 121.5],
  );
  // A preset's weights become terms of −weight, in table order; zeros are left out.
  const penalties = penaltyObjective({ dark: 2, l2: 4, blur: 0 });
  assert.deepEqual(penalties, {
    kind: 'sum',
    terms: [
      { weight: -4, objective: { kind: 'penalty', penalty: 'l2' } },
      { weight: -2, objective: { kind: 'penalty', penalty: 'dark' } },
    ],
  });
  close(withImage(penalties as ActmaxObjectiveSpec), [-4 * 0.25 - 2 * 0.5, -2 * 0.5]);
  assert.equal(penaltyObjective({ l1: 0 }), null);
  // A penalty reads no layer, and without the image it is an error, not a silent 0.
  assert.deepEqual(objectiveLayers({ kind: 'sum', terms: [{ weight: -1, objective: { kind: 'penalty', penalty: 'l1' } }] }, ctx), []);
  assert.throws(() => evaluate({ kind: 'penalty', penalty: 'l1' }), (e: unknown) => e instanceof LayerLensError && /needs the image/.test(e.message));
  image.dispose();
});

/** d(Σ objective)/d(layer "a") for a [2, 2, 2, 3] activation. */
function gradient(spec: ActmaxObjectiveSpec, act: Float32Array): number[] {
  return tf.tidy(() => {
    const f = (a: tf.Tensor) => tf.sum(evaluateObjective(spec, new Map([['a', a]]), ctx));
    return Array.from(tf.grad(f)(tf.tensor4d(act, [2, 2, 2, 3])).dataSync());
  });
}

test('dead starts: RMS and layer L2 are exactly 0 on an all-zero activation, with the channel mean’s gradient there', () => {
  // Item 0 is all zero (a dead start); item 1 is aValues' second half.
  const act = Float32Array.from(aValues, (v, i) => (i < 12 ? 0 : v));
  close(evaluate({ kind: 'channel' }).slice(1), [121.5]);
  const rms = tf.tidy(() => Array.from(evaluateObjective({ kind: 'channelRms' }, new Map([['a', tf.tensor4d(act, [2, 2, 2, 3])]]), ctx).dataSync()));
  assert.equal(rms[0], 0, 'a dead unit’s RMS is exactly 0 (the render loop keeps the ReLU redirect on for it)');
  const mean = gradient({ kind: 'channel' }, act);
  const rmsGrad = gradient({ kind: 'channelRms' }, act);
  // Item 0, unit 1: 1/4 at each of the 4 positions, 0 for the other channels — the mean's gradient.
  close(rmsGrad.slice(0, 12), mean.slice(0, 12));
  assert.ok(rmsGrad.slice(0, 12).some((v) => v > 0));
  // Item 1, unit 2 (values 120..123): x / (count · rms), the ordinary gradient.
  const values = [120, 121, 122, 123];
  const r = Math.sqrt(values.reduce((s, v) => s + v * v, 0) / 4);
  close([0, 1, 2, 3].map((p) => rmsGrad[12 + p * 3 + 2]), values.map((v) => v / (4 * r)));
  const l2Grad = gradient({ kind: 'layerL2' }, act);
  close(l2Grad.slice(0, 12), new Array(12).fill(1 / 12));
  close(l2Grad.slice(12), Array.from(aValues.slice(12), (v) => (2 * v) / 12));
});
