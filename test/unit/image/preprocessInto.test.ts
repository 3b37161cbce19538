import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import type { DecodedImage } from '../../../src/core/image/types';
import { preprocess } from '../../../src/core/preprocess/preprocess';
import { preprocessInto } from '../../../src/core/preprocess/preprocessInto';
import type { InputSpec } from '../../../src/shared/model';
import { preprocessWithOps } from './preprocessReference';

before(async () => {
  await useBackend('wasm');
});

/** Seeded smooth-plus-noise RGBA pixels, 8 or 16 bit. */
function image(width: number, height: number, seed: number, sixteen = false): DecodedImage {
  let state = seed >>> 0;
  const rnd = (): number => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const max = sixteen ? 65535 : 255;
  const data = sixteen ? new Uint16Array(width * height * 4) : new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) for (let c = 0; c < 4; c++) data[i * 4 + c] = Math.round(max * (0.5 + 0.4 * Math.sin(i * 0.01 * (c + 1) + seed) + 0.1 * (rnd() - 0.5)));
  return { width, height, channels: 4, format: 'png', data, maxValue: sixteen ? 65535 : 255 };
}

const imagenet = { scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

const cases: { name: string; img: DecodedImage; spec: InputSpec }[] = [
  { name: '256² → 224² stretch, ImageNet normalization', img: image(256, 256, 1), spec: { height: 224, width: 224, channels: 3, channelOrder: 'rgb', resize: 'stretch', ...imagenet } },
  { name: '300×200 → 224² centerCrop, BGR', img: image(300, 200, 2), spec: { height: 224, width: 224, channels: 3, channelOrder: 'bgr', resize: 'centerCrop', ...imagenet } },
  { name: '90×50 → 64×48 pad, RGBA', img: image(90, 50, 3), spec: { height: 48, width: 64, channels: 4, channelOrder: 'rgb', resize: 'pad', scale: 1, mean: [10], std: [2] } },
  { name: '20×30 → 33×17 stretch (upsampling), BGRA', img: image(20, 30, 4), spec: { height: 33, width: 17, channels: 4, channelOrder: 'bgr', resize: 'stretch', scale: 1, mean: [0], std: [1] } },
  { name: '640×480 16-bit → 28² gray stretch (box average first)', img: image(640, 480, 5, true), spec: { height: 28, width: 28, channels: 1, channelOrder: 'rgb', resize: 'stretch', scale: 1 / 255, mean: [0.1307], std: [0.3081] } },
  { name: '500×333 → 224² centerCrop (box factor 1), gray', img: image(500, 333, 6), spec: { height: 224, width: 224, channels: 1, channelOrder: 'rgb', resize: 'centerCrop', scale: 1, mean: [0], std: [1] } },
  { name: '1000×120 → 100² pad (box factor 2)', img: image(1000, 120, 7), spec: { height: 100, width: 100, channels: 3, channelOrder: 'rgb', resize: 'pad', ...imagenet } },
];

for (const { name, img, spec } of cases) {
  test(`one-pass preprocessing equals the tensor-op version on wasm bit for bit: ${name}`, () => {
    const ref = preprocessWithOps(img, spec);
    const got = preprocess(img, spec);
    try {
      assert.deepEqual(got.shape, ref.shape);
      const a = got.dataSync();
      const b = ref.dataSync();
      let worst = 0;
      let differ = 0;
      for (let i = 0; i < a.length; i++) {
        worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
        if (a[i] !== b[i]) differ++;
      }
      // Bit for bit on wasm (float32 emulated step by step): the required bound is 1e-6, but near-ties between grid
      // positions of periodic images flip an argmax on differences far below that.
      assert.ok(worst <= 1e-6, `largest difference ${worst}`);
      assert.equal(differ, 0, `${differ} of ${a.length} values differ (largest ${worst})`);
    } finally {
      tf.dispose([ref, got]);
    }
  });
}

test('preprocessInto writes one image at an offset of a batch buffer and nothing outside it', () => {
  const spec: InputSpec = { height: 8, width: 8, channels: 3, channelOrder: 'rgb', resize: 'stretch', scale: 1, mean: [0], std: [1] };
  const n = 8 * 8 * 3;
  const batch = new Float32Array(3 * n).fill(-7);
  preprocessInto(image(16, 16, 9), spec, batch, n);
  const alone = new Float32Array(n);
  preprocessInto(image(16, 16, 9), spec, alone);
  assert.ok(batch.subarray(0, n).every((v) => v === -7));
  assert.ok(batch.subarray(2 * n).every((v) => v === -7));
  assert.deepEqual(batch.subarray(n, 2 * n), alone);
  assert.throws(() => preprocessInto(image(16, 16, 9), spec, batch, 2 * n + 1), RangeError);
});
