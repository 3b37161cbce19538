// Turns HWIO conv weights into RGBA tiles: RGB tiles for 3 input channels (AlexNet Figure 3, min-max scaled),
// grey tiles otherwise, one per input channel or their mean (signed weights: symmetric around zero, 0 → mid grey).
import { LayerLensError } from '../../shared/errors';
import type { KernelsResult } from '../../shared/kernelsProtocol';
import type { KernelTileOptions } from '../../shared/kernels';
import type { LoadedModel } from '../model/loadedModel';
import { filterStats, hwioIndex, orderByL2 } from './kernelStats';

export type KernelTiles = Omit<KernelsResult, 'layerId'>;

/** Reads a layer's kernel from the model and draws its tiles. Depthwise kernels show one tile per output channel. */
export async function computeKernelTiles(model: LoadedModel, layerId: string, options: KernelTileOptions): Promise<KernelsResult> {
  const kernel = model.kernel(layerId);
  if (!kernel) {
    const className = model.info.layers.find((l) => l.id === layerId)?.className;
    const what = className ? `is a ${className} layer with no convolution kernel to draw` : 'has no convolution kernel to draw';
    throw new LayerLensError('badArgument', `${model.info.path}: ${layerId} ${what}${kernelHint(model)}.`);
  }
  let shape = kernel.shape.slice();
  let data: Float32Array;
  try {
    data = (await kernel.data()) as Float32Array;
  } finally {
    kernel.dispose();
  }
  const layer = model.info.layers.find((l) => l.id === layerId);
  // [kh, kw, C, mult]: output channel c·mult+m sees input channel c only; flattening keeps that order.
  if (layer?.kind === 'depthwiseConv') shape = [shape[0] as number, shape[1] as number, 1, (shape[2] as number) * (shape[3] as number)];
  return { layerId, ...kernelTiles(Float32Array.from(data), shape, options, `${layerId} in ${model.info.path}`) };
}

/** Which layers do have kernels, so that the refusal says where to look instead. */
function kernelHint(model: LoadedModel): string {
  const withKernels = model.info.layers.filter((l) => l.kernelShape && l.kernelShape.length === 4).map((l) => l.id);
  if (withKernels.length === 0) return ' (no layer of this model has one)';
  const shown = withKernels.slice(0, 4).join(', ');
  return ` (layers with kernels: ${shown}${withKernels.length > 4 ? ` and ${withKernels.length - 4} more` : ''})`;
}

export function kernelTiles(data: Float32Array, shape: readonly number[], options: KernelTileOptions, path = 'the model'): KernelTiles {
  if (shape.length !== 4 || data.length !== shape.reduce((a, b) => a * b, 1)) {
    throw new LayerLensError('badArgument', `The kernel of ${path} has shape [${shape.join(', ')}], which is not HWIO.`);
  }
  const [kh, kw, ci, co] = shape as [number, number, number, number];
  const mode = options.mode === 'auto' ? (ci === 3 ? 'rgb' : 'mean') : options.mode;
  if (mode === 'rgb' && ci !== 3) {
    throw new LayerLensError('badArgument', `The kernel of ${path} has ${ci} input channel${ci === 1 ? '' : 's'}, so it cannot be drawn as RGB (that needs 3).`);
  }
  const stats = filterStats(data, shape);
  const tilesPerFilter = mode === 'perChannel' ? ci : 1;
  const count = co * tilesPerFilter;
  const tilePixels = kh * kw;
  const tiles = new Uint8ClampedArray(count * tilePixels * 4);
  if (mode === 'rgb') drawRgb(data, shape, options.normalize, tiles);
  else drawGrey(mode === 'perChannel' ? data : channelMean(data, shape), mode === 'perChannel' ? shape : [kh, kw, 1, co], options.normalize, tiles);
  return { kernelShape: shape.slice(), mode, count, tilesPerFilter, tileWidth: kw, tileHeight: kh, tiles, stats, orderByL2: orderByL2(stats.l2) };
}

/** Mean over input channels: HWIO → [kh, kw, 1, co]. */
function channelMean(data: Float32Array, shape: readonly number[]): Float32Array {
  const [kh, kw, ci, co] = shape as [number, number, number, number];
  const out = new Float32Array(kh * kw * co);
  for (let p = 0; p < kh * kw; p++) {
    for (let f = 0; f < co; f++) {
      let s = 0;
      for (let c = 0; c < ci; c++) s += data[(p * ci + c) * co + f] as number;
      out[p * co + f] = s / ci;
    }
  }
  return out;
}

/** Tiles in filter-major order: tile (f, c) starts at ((f·ci + c)·kh·kw)·4. Grey = 127.5 + 127.5·v/maxAbs. */
function drawGrey(data: Float32Array, shape: readonly number[], normalize: KernelTileOptions['normalize'], tiles: Uint8ClampedArray): void {
  const [kh, kw, ci, co] = shape as [number, number, number, number];
  const layerMax = maxAbs(data);
  for (let f = 0; f < co; f++) {
    let scale = layerMax;
    if (normalize === 'filter') {
      scale = 0;
      for (let i = f; i < data.length; i += co) scale = Math.max(scale, Math.abs(data[i] as number));
    }
    for (let c = 0; c < ci; c++) {
      const base = (f * ci + c) * kh * kw * 4;
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) {
          const v = data[hwioIndex(shape, y, x, c, f)] as number;
          const g = scale > 0 ? Math.round(127.5 + (127.5 * v) / scale) : 128;
          const o = base + (y * kw + x) * 4;
          tiles[o] = g;
          tiles[o + 1] = g;
          tiles[o + 2] = g;
          tiles[o + 3] = 255;
        }
      }
    }
  }
}

/** RGB tiles, min-max scaled per filter or per layer (the three channels share one scale, as in AlexNet's figure). */
function drawRgb(data: Float32Array, shape: readonly number[], normalize: KernelTileOptions['normalize'], tiles: Uint8ClampedArray): void {
  const [kh, kw, , co] = shape as [number, number, number, number];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  for (let f = 0; f < co; f++) {
    if (normalize === 'filter') {
      lo = Infinity;
      hi = -Infinity;
      for (let i = f; i < data.length; i += co) {
        const v = data[i] as number;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    const range = hi - lo;
    const base = f * kh * kw * 4;
    for (let y = 0; y < kh; y++) {
      for (let x = 0; x < kw; x++) {
        const o = base + (y * kw + x) * 4;
        for (let c = 0; c < 3; c++) {
          const v = data[hwioIndex(shape, y, x, c, f)] as number;
          tiles[o + c] = range > 0 ? Math.round((255 * (v - lo)) / range) : 128;
        }
        tiles[o + 3] = 255;
      }
    }
  }
}

function maxAbs(data: Float32Array): number {
  let m = 0;
  for (const v of data) m = Math.max(m, Math.abs(v));
  return m;
}
