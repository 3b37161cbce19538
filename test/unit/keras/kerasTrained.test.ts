// A trained MobileNetV2 (nsfwjs's Layers model: ZeroPadding2D, ReLU(6), DepthwiseConv2D, BatchNormalization, Add,
// 3.5 M weights) written as a Keras 2 .h5 and a Keras 3 .keras opens and gives the model.json's outputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import { nsfwjsModel } from '../../helpers/nsfwjs';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { readLayersModel, writeKeras3, writeLegacyH5 } from '../../../scripts/keras/kerasTwins';
import { tempDir } from '../model/tinyModels';

test('a trained MobileNetV2 as .h5 and .keras equals its model.json at the output and inner layers (≤ 1e-6)', async () => {
  await useBackend('cpu');
  const twinPath = nsfwjsModel('mobilenet_v2');
  const source = await readLayersModel(twinPath);
  const dir = tempDir();
  const h5 = join(dir, 'mobilenet_v2.h5');
  const keras = join(dir, 'mobilenet_v2.keras');
  writeFileSync(h5, await writeLegacyH5(source, { gzip: true }));
  writeFileSync(keras, await writeKeras3(source));
  source.dispose();
  const twin = await loadModel(twinPath);
  const ids = twin.info.layers.filter((l) => ['depthwiseConv', 'merge'].includes(l.kind)).slice(0, 4).map((l) => l.id).concat(twin.info.outputIds);
  const shape = twin.info.inputShape.map((d) => d ?? 1) as [number, number, number, number];
  const x = tf.randomUniform(shape, 0, 1, 'float32', 7) as tf.Tensor4D;
  const want = twin.forward(x, ids);
  for (const path of [h5, keras]) {
    const started = Date.now();
    const model = await loadModel(path);
    const ms = Date.now() - started;
    assert.deepEqual(model.info.layers.map((l) => [l.id, l.outputShape.join('x'), l.paramCount]), twin.info.layers.map((l) => [l.id, l.outputShape.join('x'), l.paramCount]));
    const got = model.forward(x, ids);
    ids.forEach((id, i) => {
      const a = got[i]!.dataSync();
      const b = want[i]!.dataSync();
      let d = 0;
      for (let k = 0; k < a.length; k++) d = Math.max(d, Math.abs((a[k] as number) - (b[k] as number)));
      assert.ok(d <= 1e-6, `${path}: ${id} differs by ${d}`);
    });
    console.log(`${path}: loaded in ${ms} ms`);
    tf.dispose(got);
    model.dispose();
  }
  tf.dispose([x, ...want]);
  twin.dispose();
});
