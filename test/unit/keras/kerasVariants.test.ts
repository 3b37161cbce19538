// Other shapes a legacy .h5 takes: Keras 3's model.save('m.h5') (its own config form in model_config, weight
// names without ':0') and long name lists split into weight_names0, weight_names1, … as Keras does past 64 KiB.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import { repoRoot } from '../../helpers/paths';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { readLayersModel, writeLegacyH5, type LegacyH5Options } from '../../../scripts/keras/kerasTwins';
import { tempDir } from '../model/tinyModels';

const sample = join(repoRoot, 'models/mnist-cnn/model.json');

before(async () => {
  await useBackend('cpu');
});

async function sameAsSample(options: LegacyH5Options, name: string): Promise<void> {
  const source = await readLayersModel(sample);
  const path = join(tempDir(), name);
  writeFileSync(path, await writeLegacyH5(source, options));
  source.dispose();
  const model = await loadModel(path);
  const twin = await loadModel(sample);
  const x = tf.randomUniform([1, 28, 28, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
  const ids = ['conv1', 'conv2', 'fc'];
  const got = model.forward(x, ids);
  const want = twin.forward(x, ids);
  ids.forEach((id, i) => {
    const d = tf.max(tf.abs(tf.sub(got[i]!, want[i]!))).dataSync()[0] as number;
    assert.ok(d <= 1e-6, `${name}: ${id} differs by ${d}`);
  });
  tf.dispose([x, ...got, ...want]);
  model.dispose();
  twin.dispose();
}

test("a .h5 saved by Keras 3 (its config form, weight names without ':0') equals the sample model", async () => {
  await sameAsSample({ keras3: true }, 'keras3-saved.h5');
});

test('a .h5 whose layer_names and weight_names are split into numbered attributes equals the sample model', async () => {
  await sameAsSample({ chunks: 2, gzip: true }, 'chunked.h5');
});
