// A GraphModel whose path from the input to its head passes an op TF.js cannot differentiate (TopKV2: TF.js
// registers no gradient for TopK), written by hand:
//   x [-1, 8, 8, 1] → stem/Conv2D (3×3, 1→4, same) → stem/Relu → detect/TopKV2 (k = 2 over channels)
//   → head/Conv2D (1×1, 2→3) → head/Relu
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { b64, constNode, dims, writeGraphModelFolder } from '../../helpers/graphModelJson';

export const NO_GRADIENT_LAYER = 'detect/TopKV2';

/** Writes the model into a fresh folder and returns its model.json path. */
export function writeNoGradientModel(): string {
  const dir = mkdtempSync(join(tmpdir(), 'layer-lens-nograd-'));
  const stem = Float32Array.from({ length: 3 * 3 * 1 * 4 }, (_, i) => Math.sin(i * 1.7) * 0.5);
  const head = Float32Array.from({ length: 2 * 3 }, (_, i) => (i % 2 === 0 ? 0.8 : -0.3) + i * 0.1);
  const k = Int32Array.from([2]);
  const conv = (name: string, input: string, filter: string): object => ({
    name, op: 'Conv2D', input: [input, filter],
    attr: {
      T: { type: 'DT_FLOAT' }, strides: { list: { i: ['1', '1', '1', '1'] } }, padding: { s: b64('SAME') },
      data_format: { s: b64('NHWC') }, dilations: { list: { i: ['1', '1', '1', '1'] } },
    },
  });
  const nodes = [
    { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims([-1, 8, 8, 1]) } } },
    constNode('stem/filter', [3, 3, 1, 4]),
    constNode('detect/k', [], 'DT_INT32'),
    constNode('head/filter', [1, 1, 2, 3]),
    conv('stem/Conv2D', 'x', 'stem/filter'),
    { name: 'stem/Relu', op: 'Relu', input: ['stem/Conv2D'], attr: { T: { type: 'DT_FLOAT' } } },
    { name: NO_GRADIENT_LAYER, op: 'TopKV2', input: ['stem/Relu', 'detect/k'], attr: { T: { type: 'DT_FLOAT' }, sorted: { b: true } } },
    conv('head/Conv2D', NO_GRADIENT_LAYER, 'head/filter'),
    { name: 'head/Relu', op: 'Relu', input: ['head/Conv2D'], attr: { T: { type: 'DT_FLOAT' } } },
  ];
  return writeGraphModelFolder(dir, nodes, [
    { name: 'stem/filter', shape: [3, 3, 1, 4], values: stem },
    { name: 'detect/k', shape: [], values: k },
    { name: 'head/filter', shape: [1, 1, 2, 3], values: head },
  ]);
}

/**
 * A GraphModel that loads but cannot run: x [-1, 8, 8, 1] → stem/Relu → bad/Reshape to [-1, 7] (64 values do not
 * split into rows of 7), so TF.js throws its own error at run time.
 */
export function writeUnrunnableModel(): string {
  const dir = mkdtempSync(join(tmpdir(), 'layer-lens-unrunnable-'));
  return writeGraphModelFolder(dir, [
    { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims([-1, 8, 8, 1]) } } },
    constNode('bad/shape', [2], 'DT_INT32'),
    { name: 'stem/Relu', op: 'Relu', input: ['x'], attr: { T: { type: 'DT_FLOAT' } } },
    { name: 'bad/Reshape', op: 'Reshape', input: ['stem/Relu', 'bad/shape'], attr: { T: { type: 'DT_FLOAT' } } },
  ], [{ name: 'bad/shape', shape: [2], values: Int32Array.from([-1, 7]) }]);
}
