// Test data for the report: a GraphModel whose activation maximization fails at one layer (a DepthToSpace
// "pixel shuffle" between two convs: TF.js has no gradient for it), small gray images, and a reader of what a
// report folder holds.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng } from '../../../src/core/image/encodePng';
import { tempFolder } from '../topk/topkFixtures';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const dim = (sizes: number[]) => ({ dim: sizes.map((s) => ({ size: String(s) })) });

/**
 * x [-1, 8, 8, 1] → c1 (_FusedConv2D 3×3×1×4, BiasAdd, Relu) → shuffle (DepthToSpace 2: 16×16×1) → c2 (3×3×1×4).
 * Feature maps, kernels and top-k work on every layer; activation maximization works for c1 and not past shuffle.
 */
export function graphModelWithoutGradient(dir = tempFolder('layer-lens-report-model-')): string {
  const constNode = (name: string, sizes: number[]) => ({ name, op: 'Const', attr: { value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dim(sizes) } }, dtype: { type: 'DT_FLOAT' } } });
  const conv = (name: string, input: string) => ({
    name: `${name}/Conv2D`, op: '_FusedConv2D', input: [input, `${name}/filter`, `${name}/bias`],
    attr: {
      T: { type: 'DT_FLOAT' }, strides: { list: { i: ['1', '1', '1', '1'] } }, padding: { s: b64('SAME') }, data_format: { s: b64('NHWC') },
      dilations: { list: { i: ['1', '1', '1', '1'] } }, fused_ops: { list: { s: [b64('BiasAdd'), b64('Relu')] } }, num_args: { i: '1' }, epsilon: { f: 0 },
    },
  });
  const nodes = [
    { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dim([-1, 8, 8, 1]) } } },
    constNode('c1/filter', [3, 3, 1, 4]), constNode('c1/bias', [4]), constNode('c2/filter', [3, 3, 1, 4]), constNode('c2/bias', [4]),
    conv('c1', 'x'),
    { name: 'shuffle', op: 'DepthToSpace', input: ['c1/Conv2D'], attr: { T: { type: 'DT_FLOAT' }, block_size: { i: '2' }, data_format: { s: b64('NHWC') } } },
    conv('c2', 'shuffle'),
  ];
  let seed = 7;
  const draw = (n: number) => Float32Array.from({ length: n }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.4);
  const values = [draw(36), draw(4), draw(36), draw(4)];
  writeFileSync(join(dir, 'weights.bin'), Buffer.concat(values.map((a) => new Uint8Array(a.buffer))));
  const weights = [
    { name: 'c1/filter', shape: [3, 3, 1, 4], dtype: 'float32' }, { name: 'c1/bias', shape: [4], dtype: 'float32' },
    { name: 'c2/filter', shape: [3, 3, 1, 4], dtype: 'float32' }, { name: 'c2/bias', shape: [4], dtype: 'float32' },
  ];
  const json = { format: 'graph-model', generatedBy: 'test', convertedBy: 'test', modelTopology: { node: nodes, library: {}, versions: { producer: 1 } }, weightsManifest: [{ paths: ['weights.bin'], weights }] };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  return join(dir, 'model.json');
}

/** `count` size × size gray PNGs (each a different gradient) as dir/img-<i>.png. */
export function writeGrayImages(dir: string, count: number, size = 8): string[] {
  mkdirSync(dir, { recursive: true });
  return Array.from({ length: count }, (_, i) => {
    const rgba = new Uint8ClampedArray(size * size * 4);
    for (let p = 0; p < size * size; p++) {
      const v = ((p % size) * 31 + Math.floor(p / size) * (i + 3) * 11) % 256;
      rgba.set([v, v, v, 255], p * 4);
    }
    const path = join(dir, `img-${i}.png`);
    writeFileSync(path, encodePng(rgba, size, size));
    return path;
  });
}

export interface ReportFolder {
  html: string;
  /** The src of every <img> in index.html, and every PNG it links to (a picture's full size). */
  images: string[];
  /** The PNG files in the folder. */
  pngs: string[];
  /** The text of every notice. */
  notices: string[];
}

export function readReport(dir: string): ReportFolder {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) throw new Error(`${dir} has no index.html (it holds ${existsSync(dir) ? readdirSync(dir).join(', ') : 'nothing'})`);
  const html = readFileSync(index, 'utf8');
  const images = [...html.matchAll(/<img [^>]*src="([^"]+)"|<a href="([^"]+\.png)"/g)].map((m) => m[1] ?? m[2]);
  const notices = [...html.matchAll(/<p class="notice">(.*?)<\/p>/g)].map((m) => m[1].replace(/<[^>]+>/g, '').replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c))));
  return { html, images, pngs: readdirSync(dir).filter((f) => f.endsWith('.png')).sort(), notices };
}
