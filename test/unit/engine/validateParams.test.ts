// The engine checks every request's params itself: what the panels and the CLI send passes, the rest is one
// badArgument sentence naming the method and the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LayerLensError } from '../../../src/shared/errors';
import { rejects } from './rejectsParams';
import { isEngineMethod, validateParams } from '../../../src/engine/validateParams';

const actmax = (request: object) => ({ modelPath: '/m/model.json', request: { layerId: 'conv2', units: [0], ...request } });

test('what the panels and the CLI send is accepted', () => {
  for (const backend of ['auto', 'webgpu', 'tensorflow', 'wasm', 'cpu']) validateParams('init', { backend, wasmThreads: 0, nativeKernels: true });
  validateParams('loadModel', { path: '/m/model.json' });
  validateParams('memory', {});
  validateParams('kernels', { modelPath: '/m/model.json', layerId: 'conv1', mode: 'perChannel', normalize: 'layer' });
  validateParams('featureMaps.open', { modelPath: '/m.onnx', imagePath: '/i.png', inputSettings: { scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], resize: 'centerCrop' } });
  validateParams('featureMaps.open', { modelPath: '/m.onnx', imagePath: '/i.png', layerId: 'conv1' });
  validateParams('featureMaps.layer', { modelPath: '/m.onnx', imagePath: '/i.png', layerId: 'conv1' });
  validateParams('topk.find', { modelPath: '/m.onnx', layerId: 'conv2', folder: '/d', k: 16, cacheDir: '/c', batchSize: 32 });
  validateParams('actmax', actmax({
    units: Array.from({ length: 64 }, (_, i) => i),
    preset: 'lucid',
    objective: { kind: 'sum', terms: [{ weight: 1, objective: { kind: 'negative', of: { kind: 'channel' } } }, { weight: 0.5, objective: { kind: 'diversity' } }] },
    overrides: { steps: 100000, size: 224, seed: 9, lr: 0.05, param: 'fourier', decayPower: 1.5, transforms: [{ kind: 'pad', pixels: 12 }, { kind: 'jitter', pixels: 8 }, { kind: 'scale', factors: [0.9, 1.1] }, { kind: 'rotate', degrees: [-10, 10] }], regularizers: { l2: 10, scharr: 1 }, octaves: { count: 5, scale: 1.2 }, frameEvery: 8 },
  }));
});

test('methods are own properties of the table: Object.prototype names are not methods', () => {
  for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
    assert.equal(isEngineMethod(name), false, name);
    rejects(name, {}, new RegExp(`no method named ${name.replace(/_/g, '_')}`));
  }
  rejects(42, {}, /no method named number/);
});

test('an actmax of 5,000 units, or a huge size, is refused before any work', () => {
  rejects('actmax', actmax({ units: Array.from({ length: 5000 }, (_, i) => i) }), /actmax: params\.request\.units must have 1 to 64 entries \(has 5000\)/);
  rejects('actmax', actmax({ units: [] }), /units must have 1 to 64 entries/);
  rejects('actmax', actmax({ units: [-1] }), /units\[0\] must be from 0/);
  rejects('actmax', actmax({ units: [1.5] }), /units\[0\] must be a whole number/);
  rejects('actmax', actmax({ overrides: { size: 100000 } }), /overrides\.size must be from 8 to 1024 \(got 100000\)/);
  rejects('actmax', actmax({ units: Array.from({ length: 64 }, (_, i) => i), overrides: { size: 1024 } }), /64 units at 1024 px/);
  rejects('actmax', actmax({ overrides: { steps: 1e9 } }), /overrides\.steps must be from 1 to 100000/);
  rejects('actmax', actmax({ overrides: { lr: Number.NaN } }), /overrides\.lr must be a finite number/);
  rejects('actmax', actmax({ overrides: { transforms: [{ kind: 'explode' }] } }), /transforms\[0\]\.kind must be one of pad, jitter, scale, rotate/);
  rejects('actmax', actmax({ overrides: { octaves: { count: 1000, scale: 1.2 } } }), /octaves\.count must be from 1 to 16/);
  rejects('actmax', actmax({ preset: 'trial99' }), /preset must be one of/);
  let deep: object = { kind: 'channel' };
  for (let i = 0; i < 20; i++) deep = { kind: 'negative', of: deep };
  rejects('actmax', actmax({ objective: deep }), /nests more than 8 levels/);
  rejects('actmax', { modelPath: '/m' }, /actmax: params\.request must be an object/);
});

test('kernel modes, k, sizes and paths are checked', () => {
  rejects('kernels', { modelPath: '/m', layerId: 'c', mode: 'evil', normalize: 'filter' }, /kernels: params\.mode must be one of auto, rgb, perChannel, mean/);
  rejects('kernels', { modelPath: '', layerId: 'c', mode: 'auto', normalize: 'filter' }, /kernels: params\.modelPath is empty/);
  rejects('kernels', { modelPath: 'x'.repeat(5000), layerId: 'c', mode: 'auto', normalize: 'filter' }, /is 5000 characters long/);
  rejects('kernels', null, /kernels: params must be an object/);
  rejects('topk.find', { modelPath: '/m', layerId: 'c', folder: '/d', k: 1000, cacheDir: '/c' }, /topk\.find: params\.k must be from 1 to 16 \(got 1000\)/);
  rejects('topk.find', { modelPath: '/m', layerId: 'c', folder: '/d', k: 3, cacheDir: '/c', batchSize: 1e7 }, /batchSize must be from 1 to 1024/);
  rejects('featureMaps.open', { modelPath: '/m', imagePath: '/i', inputSettings: { height: 1e6 } }, /inputSettings\.height must be from 1 to 4096/);
  rejects('featureMaps.open', { modelPath: '/m', imagePath: '/i', inputSettings: { std: [0] } }, /std\[0\] must not be 0/);
  rejects('featureMaps.layer', { modelPath: '/m', imagePath: 7, layerId: 'c' }, /featureMaps\.layer: params\.imagePath must be a string/);
  rejects('featureMaps.open', { modelPath: '/m', imagePath: '/i', layerId: 7 }, /featureMaps\.open: params\.layerId must be a string/);
  rejects('init', { backend: 'webgl' }, /init: params\.backend must be one of auto, webgpu, tensorflow, wasm, cpu/);
  rejects('loadModel', { path: '/m\0.json' }, /contains a NUL character/);
});

test('a field inherited through a prototype, or under a "__proto__" key, does not count as given', () => {
  const fromJson = JSON.parse('{"modelPath": "/m", "layerId": "c", "normalize": "filter", "__proto__": {"mode": "auto"}}') as unknown;
  rejects('kernels', fromJson, /kernels: params\.mode must be one of/);
  const inherited = Object.assign(Object.create({ mode: 'auto' }) as object, { modelPath: '/m', layerId: 'c', normalize: 'filter' });
  rejects('kernels', inherited, /kernels: params\.mode must be one of/);
});

test('loadModel lists at a size in range only: [height, width] whole pixels from 8 to 1024', () => {
  validateParams('loadModel', { path: '/m/model.json', inputSize: [40, 56] });
  rejects('loadModel', { path: '/m/model.json', inputSize: [4, 56] }, /inputSize\[0\] must be from 8 to 1024 \(got 4\)/);
  rejects('loadModel', { path: '/m/model.json', inputSize: [40] }, /inputSize must have 2 entries \(has 1\)/);
  rejects('loadModel', { path: '/m/model.json', inputSize: [40, 56.5] }, /inputSize\[1\] must be a whole number/);
});
