// A GraphModel whose path from the input to its head passes an op TF.js cannot differentiate (TopKV2: TF.js
// registers no gradient for TopK), written by hand:
//   x [-1, 8, 8, 1] → stem/Conv2D (3×3, 1→4, same) → stem/Relu → detect/TopKV2 (k = 2 over channels)
//   → head/Conv2D (1×1, 2→3) → head/Relu
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function b64(s: string): string {
  return Buffer.from(s, 'ascii').toString('base64');
}

export const NO_GRADIENT_LAYER = 'detect/TopKV2';

/** Writes the model into a fresh folder and returns its model.json path. */
export function writeNoGradientModel(): string {
  const dir = mkdtempSync(join(tmpdir(), 'layer-lens-nograd-'));
  const stem = Float32Array.from({ length: 3 * 3 * 1 * 4 }, (_, i) => Math.sin(i * 1.7) * 0.5);
  const head = Float32Array.from({ length: 2 * 3 }, (_, i) => (i % 2 === 0 ? 0.8 : -0.3) + i * 0.1);
  const k = Int32Array.from([2]);
  const dim = (sizes: number[]): object => ({ dim: sizes.map((s) => ({ size: String(s) })) });
  const constNode = (name: string, sizes: number[], dtype = 'DT_FLOAT'): object => ({
    name, op: 'Const', attr: { value: { tensor: { dtype, tensorShape: dim(sizes) } }, dtype: { type: dtype } },
  });
  const conv = (name: string, input: string, filter: string): object => ({
    name, op: 'Conv2D', input: [input, filter],
    attr: {
      T: { type: 'DT_FLOAT' }, strides: { list: { i: ['1', '1', '1', '1'] } }, padding: { s: b64('SAME') },
      data_format: { s: b64('NHWC') }, dilations: { list: { i: ['1', '1', '1', '1'] } },
    },
  });
  const nodes = [
    { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dim([-1, 8, 8, 1]) } } },
    constNode('stem/filter', [3, 3, 1, 4]),
    constNode('detect/k', [], 'DT_INT32'),
    constNode('head/filter', [1, 1, 2, 3]),
    conv('stem/Conv2D', 'x', 'stem/filter'),
    { name: 'stem/Relu', op: 'Relu', input: ['stem/Conv2D'], attr: { T: { type: 'DT_FLOAT' } } },
    { name: NO_GRADIENT_LAYER, op: 'TopKV2', input: ['stem/Relu', 'detect/k'], attr: { T: { type: 'DT_FLOAT' }, sorted: { b: true } } },
    conv('head/Conv2D', NO_GRADIENT_LAYER, 'head/filter'),
    { name: 'head/Relu', op: 'Relu', input: ['head/Conv2D'], attr: { T: { type: 'DT_FLOAT' } } },
  ];
  const weights = [
    { name: 'stem/filter', shape: [3, 3, 1, 4], dtype: 'float32' },
    { name: 'detect/k', shape: [], dtype: 'int32' },
    { name: 'head/filter', shape: [1, 1, 2, 3], dtype: 'float32' },
  ];
  const bin = Buffer.concat([stem, k, head].map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength)));
  writeFileSync(join(dir, 'group1-shard1of1.bin'), bin);
  const json = {
    format: 'graph-model',
    generatedBy: 'hand',
    convertedBy: 'hand',
    modelTopology: { node: nodes, library: {}, versions: { producer: 1 } },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights }],
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  return join(dir, 'model.json');
}

/**
 * A GraphModel that loads but cannot run: x [-1, 8, 8, 1] → stem/Relu → bad/Reshape to [-1, 7] (64 values do not
 * split into rows of 7), so TF.js throws its own error at run time.
 */
export function writeUnrunnableModel(): string {
  const path = writeNoGradientModel();
  const json = JSON.parse(readFileSync(path, 'utf8'));
  const dim = (sizes: number[]): object => ({ dim: sizes.map((s) => ({ size: String(s) })) });
  json.modelTopology.node = [
    { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dim([-1, 8, 8, 1]) } } },
    { name: 'bad/shape', op: 'Const', attr: { value: { tensor: { dtype: 'DT_INT32', tensorShape: dim([2]) } }, dtype: { type: 'DT_INT32' } } },
    { name: 'stem/Relu', op: 'Relu', input: ['x'], attr: { T: { type: 'DT_FLOAT' } } },
    { name: 'bad/Reshape', op: 'Reshape', input: ['stem/Relu', 'bad/shape'], attr: { T: { type: 'DT_FLOAT' } } },
  ];
  const shape = Int32Array.from([-1, 7]);
  writeFileSync(join(path, '..', 'group1-shard1of1.bin'), new Uint8Array(shape.buffer));
  json.weightsManifest = [{ paths: ['group1-shard1of1.bin'], weights: [{ name: 'bad/shape', shape: [2], dtype: 'int32' }] }];
  writeFileSync(path, JSON.stringify(json));
  return path;
}
