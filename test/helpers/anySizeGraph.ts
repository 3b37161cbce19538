// A TF.js GraphModel that does not fix its input size, for the tests that need one (Feature Maps, actmax, Top
// Images, in Node and in VS Code): x [?, ?, ?, 3] → conv (3×3, 4 filters, stride 1, SAME) → relu, seeded weights.
// A 3×3 stride-1 SAME conv keeps the input's height and width, so a layer's map shows the size the model ran at.
import { b64, constNode, dims, writeGraphModelFolder } from './graphModelJson';

const ints = (v: number[]): Record<string, unknown> => ({ list: { i: v.map(String) } });
const T = { T: { type: 'DT_FLOAT' } };
export const ANY_SIZE_FILTERS = 4;

export interface AnySizeGraphOptions {
  /**
   * Filters whose weights are all made negative: on images (pixels scaled to [0, 1]) their output is never above
   * 0, so they are dead channels of the conv and the relu.
   */
  deadFilters?: number[];
}

/** Writes dir/model.json and its weights; returns the model.json path. */
export function writeAnySizeGraph(dir: string, options: AnySizeGraphOptions = {}): string {
  let seed = 7;
  const filter = Float32Array.from({ length: 3 * 3 * 3 * ANY_SIZE_FILTERS }, () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5);
  // HWIO: the filter index moves fastest.
  for (const dead of options.deadFilters ?? []) {
    for (let i = dead; i < filter.length; i += ANY_SIZE_FILTERS) filter[i] = -Math.abs(filter[i]!) - 0.01;
  }
  const nodes = [
    constNode('conv/filter', [3, 3, 3, ANY_SIZE_FILTERS]),
    { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims([-1, -1, -1, 3]) } } },
    { name: 'conv', op: 'Conv2D', input: ['x', 'conv/filter'], attr: { ...T, data_format: { s: b64('NHWC') }, strides: ints([1, 1, 1, 1]), padding: { s: b64('SAME') }, dilations: ints([1, 1, 1, 1]) } },
    { name: 'relu', op: 'Relu', input: ['conv'], attr: T },
  ];
  return writeGraphModelFolder(dir, nodes, [{ name: 'conv/filter', shape: [3, 3, 3, ANY_SIZE_FILTERS], values: filter }]);
}
