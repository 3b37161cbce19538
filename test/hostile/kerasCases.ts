// Keras files a hostile user would try: the sample MNIST model as a Keras 2 .h5 and a Keras 3 .keras (written by
// scripts/keras/kerasTwins.ts), then cut short, filled with garbage, a zip bomb, a custom layer, absurd sizes.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as tfl from '@tensorflow/tfjs-layers';
import { strToU8, zipSync } from 'fflate';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths';
import { readLayersModel, keras3Config, writeKeras3, writeLegacyH5 } from '../../scripts/keras/kerasTwins';
import { CaseFolder, GiB, layersHave, rng } from './corpusTypes';
import type { HostileCase } from './corpusTypes';

type Json = Record<string, unknown>;

/** The central directory's uncompressed size of `name` set to `size` (what a zip bomb declares, or lies about). */
function claimSize(zip: Uint8Array, name: string, size: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  for (let o = 0; o + 46 < out.length; o++) {
    if (view.getUint32(o, true) !== 0x02014b50) continue;
    const n = view.getUint16(o + 28, true);
    if (Buffer.from(out.subarray(o + 46, o + 46 + n)).toString('utf8') === name) view.setUint32(o + 24, size, true);
  }
  return out;
}

export async function kerasCases(f: CaseFolder): Promise<HostileCase[]> {
  const cases: HostileCase[] = [];
  let model: tfl.LayersModel | undefined;
  const sample = async (): Promise<tfl.LayersModel> => {
    if (!model) {
      if (tf.getBackend() === undefined || tf.getBackend() === null) await tf.setBackend('cpu');
      model = await readLayersModel(join(repoRoot, 'models/mnist-cnn/model.json'));
    }
    return model;
  };
  const file = async (name: string, bytes: () => Promise<Uint8Array> | Uint8Array): Promise<string> => {
    const path = f.path('keras', name);
    if (f.write) f.file(`keras/${name}`, await bytes());
    return path;
  };
  const refuse = async (name: string, what: string, bytes: () => Promise<Uint8Array> | Uint8Array): Promise<void> => {
    const path = await file(name, bytes);
    cases.push({ id: `keras/${name}`, cls: 'keras', what, args: ['layers', '--model', path, '--json'], expect: 'refuse', names: [path, name] });
  };
  const h5 = async (): Promise<Uint8Array> => writeLegacyH5(await sample());
  const keras = async (): Promise<Uint8Array> => writeKeras3(await sample(), { deflate: true });

  for (const name of ['valid.h5', 'valid.keras']) {
    const path = await file(name, name.endsWith('.h5') ? h5 : keras);
    cases.push({
      id: `keras/${name}`, cls: 'keras', what: `the sample MNIST model as a ${name.endsWith('.h5') ? 'Keras 2 .h5' : 'Keras 3 .keras'}`, expect: 'accept',
      names: [path], args: ['layers', '--model', path, '--json'], check: layersHave(['conv1', 'conv2', 'fc']),
    });
  }
  await refuse('truncated.h5', 'the .h5 cut at half its length', async () => (await h5()).subarray(0, 30_000));
  await refuse('truncated.keras', 'the .keras cut at 60% of its length', async () => {
    const k = await keras();
    return k.subarray(0, Math.floor(k.length * 0.6));
  });
  await refuse('garbage.h5', 'the HDF5 signature followed by 64 KiB of noise', () => {
    const r = rng(5);
    const b = Uint8Array.from({ length: 65536 }, () => r(256));
    b.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
    return b;
  });
  await refuse('zip-bomb.keras', 'a .keras whose model.weights.h5 claims 4 GiB unpacked', async () => claimSize(await keras(), 'model.weights.h5', 0xfffffff0));
  await refuse('zip-size-lie.keras', 'a .keras whose model.weights.h5 claims 100 bytes unpacked', async () => claimSize(await keras(), 'model.weights.h5', 100));
  await refuse('no-config.keras', 'a zip with no config.json', () => zipSync({ 'metadata.json': strToU8('{}') }));
  await refuse('config-not-json.keras', 'a .keras whose config.json is not JSON', () => zipSync({ 'config.json': strToU8('{"class_name": "Sequential", '), 'model.weights.h5': new Uint8Array(8) }));
  await refuse('custom-layer.keras', 'a Keras 3 model with a custom layer class', async () => {
    const m = await sample();
    const config = keras3Config(m);
    const layers = (config.config as Json).layers as Json[];
    Object.assign(layers[2] as Json, { class_name: 'MyBlock', module: 'my_package.layers', registered_name: 'MyPackage>MyBlock' });
    return writeKeras3(m, { config });
  });
  await refuse('filters-1e9.h5', 'a Keras 2 .h5 whose conv1 has 1e9 filters', async () => {
    const m = await sample();
    const config = JSON.parse(JSON.stringify({ class_name: 'Sequential', config: (m.toJSON(null, false) as Json).config })) as Json;
    const conv = ((config.config as Json).layers as Json[]).find((l) => (l.config as Json).name === 'conv1') as Json;
    (conv.config as Json).filters = 1e9;
    return writeLegacyH5(m, { config });
  });
  const big = f.path('keras', 'sparse-3gib.h5');
  if (f.write) f.sparse('keras/sparse-3gib.h5', 3 * GiB, new Uint8Array([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]));
  cases.push({ id: 'keras/sparse-3gib.h5', cls: 'keras', what: 'a 3 GiB sparse .h5', args: ['layers', '--model', big, '--json'], expect: 'refuse', names: [big, 'sparse-3gib.h5'] });
  model?.dispose();
  return cases;
}
