// Dead starts whose objective is not 0 (render.ts): no gradient reaches the image, yet the objective has a value, so
// the objective-0 rule never turns the ReLU redirect on. Two tiny models, one per escape, in well under a second.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { renderActmax } from '../../../src/core/actmax';
import type { LoadedModel } from '../../../src/core/model/loadedModel';
import { useBackend } from '../../helpers/backend';

before(async () => {
  await useBackend('wasm');
});

function model(name: string, size: number, forward: (x: tf.Tensor4D) => tf.Tensor, dispose: () => void): LoadedModel {
  return {
    info: {
      path: `/test/${name}`, name, format: 'layers', inputShape: [null, size, size, 1], nativeLayout: 'NHWC',
      layers: [{ id: 'r', name: 'r', className: 'ReLU', kind: 'activation', outputShape: [null, size, size, 1], paramCount: 0 }],
      outputIds: ['r'], paramCount: 0, warnings: [],
    },
    forward: (x) => [forward(x)],
    kernel: () => null,
    dispose,
  };
}

/** relu(x − 0.7) dead on a grey image, then an offset of 0.3 (a BatchNorm's beta): the objective is 0.3, not 0. */
function offsetAfterDeadRelu(): LoadedModel {
  return model('offset', 8, (x) => tf.add(tf.relu(tf.sub(x, 0.7)), 0.3), () => undefined);
}

/**
 * A 3×3 'same' conv of weight 1 and bias −4.4 on a 16×16 image: on a grey image (0.5) an interior position sums
 * 4.5 − 4.4 > 0, a border one at most 3 − 4.4 < 0 — then negated, so the unit fires only at the zero-padded border;
 * framed in grey at 8 px inside 16 (a smaller actmax image), its whole gradient lands on the frame.
 */
function borderOnlyUnit(): LoadedModel {
  const k = tf.ones([3, 3, 1, 1]) as tf.Tensor4D;
  return model('border', 16, (x) => tf.relu(tf.neg(tf.add(tf.conv2d(x, k, 1, 'same'), -4.4))), () => k.dispose());
}

test('plain gradient ascent moves a dead unit whose objective is a constant offset', async () => {
  const m = offsetAfterDeadRelu();
  const ordinary = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(m.forward(x as tf.Tensor4D, ['r'])[0] as tf.Tensor))(tf.fill([1, 8, 8, 1], 0.5)).dataSync());
  assert.ok(ordinary.every((v) => v === 0), 'the ordinary gradient is 0 at the grey start');
  const run = await renderActmax(m, { layerId: 'r', units: [0], preset: 'trial1-naive', overrides: { steps: 30, lr: 0.1 } });
  const h = run.objectiveHistory[0] as Float32Array;
  assert.ok(Math.abs((h[0] as number) - 0.3) < 1e-3, `start ${h[0]}`);
  assert.ok((h[29] as number) > 0.35, `end ${h[29]}`);
  m.dispose();
});

test('a unit that fires only in the grey frame around a smaller image is woken inside it, in every preset', async () => {
  const m = borderOnlyUnit();
  for (const preset of ['trial1-naive', 'lucid'] as const) {
    const run = await renderActmax(m, { layerId: 'r', units: [0], preset, overrides: { steps: 24, size: 8, lr: 0.1 } });
    const h = run.objectiveHistory[0] as Float32Array;
    assert.ok((h[0] as number) > 0, `${preset}: the frame keeps the unit alive at the start (${h[0]})`);
    assert.ok((h[23] as number) > (h[0] as number) * 1.1, `${preset}: ${h[0]} → ${h[23]}`);
  }
  m.dispose();
});
