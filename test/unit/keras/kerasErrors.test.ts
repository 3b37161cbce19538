// Keras files a user can get wrong, or a hostile one: each is refused with one sentence naming the file and the
// problem, before TF.js or the HDF5 library says anything of its own.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useBackend } from '../../helpers/backend';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { LayerLensError } from '../../../src/shared/errors';
import { keras3Config, writeKeras3, writeLegacyH5 } from '../../../scripts/keras/kerasTwins';
import { tempDir } from '../model/tinyModels';

type Json = Record<string, unknown>;

before(async () => {
  await useBackend('cpu');
});

function small(): tfl.LayersModel {
  const input = tfl.input({ shape: [8, 8, 1], name: 'image' });
  const c = tfl.layers.conv2d({ name: 'conv', filters: 2, kernelSize: 3 }).apply(input) as tfl.SymbolicTensor;
  const d = tfl.layers.dense({ name: 'head', units: 2 }).apply(tfl.layers.flatten({ name: 'flat' }).apply(c)) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: d, name: 'small' });
}

function write(name: string, bytes: Uint8Array): string {
  const path = join(tempDir(), name);
  writeFileSync(path, bytes);
  return path;
}

async function refusal(path: string): Promise<LayerLensError> {
  try {
    const m = await loadModel(path);
    m.dispose();
  } catch (e) {
    assert.ok(e instanceof LayerLensError, `not a LayerLensError: ${String(e)}`);
    assert.ok(!e.message.includes('\n'));
    assert.ok(e.message.includes(path), `the message does not name the file: ${e.message}`);
    return e;
  }
  assert.fail(`${path} was opened`);
}

function keras2(model: tfl.LayersModel): Json {
  const j = model.toJSON(null, false) as Json;
  return { class_name: j.class_name, config: j.config };
}

function layerEntry(config: Json, name: string): Json {
  const layers = (config.config as Json).layers as Json[];
  return layers.find((l) => l.name === name || (l.config as Json).name === name) as Json;
}

test('a custom layer class in a .keras is named in one sentence', async () => {
  const config = keras3Config(small());
  Object.assign(layerEntry(config, 'flat'), { class_name: 'MyBlock', module: 'my_package.layers', registered_name: 'MyPackage>MyBlock' });
  const e = await refusal(write('custom.keras', await writeKeras3(small(), { config })));
  assert.equal(e.code, 'unknownLayer');
  assert.match(e.message, /uses the layer class MyBlock \('flat'\), which is not a built-in Keras layer; Layer Lens cannot run a custom layer's Python code\.$/);
});

test('a custom layer class in a Keras 2 .h5 is named in one sentence', async () => {
  const config = keras2(small());
  layerEntry(config, 'flat').class_name = 'MyBlock';
  const e = await refusal(write('custom.h5', await writeLegacyH5(small(), { config })));
  assert.match(e.message, /uses the layer class MyBlock \('flat'\), which is not a built-in Keras layer/);
});

test('a Lambda layer is named as Python code', async () => {
  const config = keras2(small());
  layerEntry(config, 'flat').class_name = 'Lambda';
  const e = await refusal(write('lambda.h5', await writeLegacyH5(small(), { config })));
  assert.match(e.message, /uses a Lambda layer \('flat'\), which holds Python code that only Python can run\./);
});

test('a subclassed Keras 3 model is refused in one sentence', async () => {
  const config = keras3Config(small());
  Object.assign(config, { class_name: 'MyModel', module: '__main__', registered_name: 'MyModel' });
  const e = await refusal(write('sub.keras', await writeKeras3(small(), { config })));
  assert.match(e.message, /holds a model of the class MyModel, which is not a built-in Keras model/);
});

test('a truncated .h5 and a truncated .keras each get one sentence', async () => {
  const h5 = await writeLegacyH5(small());
  const e1 = await refusal(write('cut.h5', h5.subarray(0, Math.floor(h5.length / 2))));
  assert.match(e1.message, /is damaged or cut short/);
  const keras = await writeKeras3(small());
  const e2 = await refusal(write('cut.keras', keras.subarray(0, Math.floor(keras.length * 0.6))));
  assert.match(e2.message, /damaged or cut-short zip archive|is damaged or cut short/);
});

test('a zip bomb (model.weights.h5 claiming 4 GiB) is refused before anything is unpacked', async () => {
  const bytes = await writeKeras3(small(), { deflate: true });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Central directory entries: signature 0x02014b50, uncompressed size at +24, name length at +28, name at +46.
  let patched = 0;
  for (let o = 0; o + 46 < bytes.length; o++) {
    if (view.getUint32(o, true) !== 0x02014b50) continue;
    const nameLength = view.getUint16(o + 28, true);
    if (new TextDecoder().decode(bytes.subarray(o + 46, o + 46 + nameLength)) === 'model.weights.h5') {
      view.setUint32(o + 24, 0xfffffff0, true);
      patched++;
    }
  }
  assert.equal(patched, 1);
  const e = await refusal(write('bomb.keras', bytes));
  assert.match(e.message, /claims model\.weights\.h5 unpacks to 4\.0 GiB, over the 2\.0 GiB/);
});

test('a weight stored with another shape than its layer has is refused before its values are read', async () => {
  const model = small();
  // The config says the conv has 3 filters; its kernel in the file is [3, 3, 1, 2].
  const config = keras2(model);
  (layerEntry(config, 'conv').config as Json).filters = 3;
  const e = await refusal(write('shape.h5', await writeLegacyH5(model, { config })));
  assert.match(e.message, /stores the weight model_weights\/conv\/conv\/kernel:0 with shape \[3, 3, 1, 2\], but the layer 'conv' needs \[3, 3, 1, 3\]\./);
});

test('absurd layer sizes in the config are refused before any layer is built', async () => {
  const config = keras2(small());
  (layerEntry(config, 'conv').config as Json).filters = 1e9;
  const e = await refusal(write('huge.h5', await writeLegacyH5(small(), { config })));
  assert.match(e.message, /filters 1000000000/);
});

test('a NaN weight is named', async () => {
  const model = small();
  const head = model.getLayer('head');
  const [k, b] = head.getWeights() as [tf.Tensor, tf.Tensor];
  const data = k.dataSync().slice();
  data[3] = NaN;
  head.setWeights([tf.tensor(data, k.shape), b]);
  const e = await refusal(write('nan.h5', await writeLegacyH5(model)));
  assert.equal(e.code, 'badWeights');
  assert.match(e.message, /'model_weights\/head\/head\/kernel:0' holds 1 NaN or infinite value/);
});

test('a file that is neither HDF5 nor zip, and a weights-only .h5, are refused', async () => {
  const e1 = await refusal(write('text.h5', new TextEncoder().encode('not a model at all')));
  assert.match(e1.message, /is neither a Keras 3 \.keras archive \(a zip file\) nor a Keras \.h5 \(HDF5\) file\./);
  const { lib, fs } = await (async () => {
    const lib = await import('h5wasm');
    return { lib, fs: ((await lib.ready) as unknown as { FS: { readFile(p: string): Uint8Array; unlink(p: string): void } }).FS };
  })();
  const f = new lib.File('/weights-only.h5', 'w');
  f.create_attribute('layer_names', ['conv'], [1], 'A4');
  f.close();
  const bytes = fs.readFile('/weights-only.h5');
  fs.unlink('/weights-only.h5');
  const e2 = await refusal(write('weights.h5', bytes));
  assert.match(e2.message, /holds only weights \(saved with save_weights\), not the model's layers/);
});
