// How many units an atlas optimizes in one actmax batch, by backend. A GPU is still far from busy at 32 units, held
// to what fits its memory, counted as top-k counts it (topk/findTopImages.ts). A CPU pays for a batch whose
// activations no longer fit near the cores: on an idle 2-core CPU (wasm + native kernels), GoogLeNet → inception4a
// (about 41 MB a unit) ran a Lucid step in 84 / 73 / 66 / 53 / 60 / 65 ms per unit at 1/2/4/8/16/32 units, fastest
// at 8, while the sample MNIST model (well under 1 MB a unit) ran 32 / 5.6 / 4.1 / 1.5 ms per unit at 1/8/16/32,
// fastest at 32. So a CPU batch holds up to 32 units within CPU_BUDGET_BYTES, which gives GoogLeNet's 8.
// The batch changes a unit's pixels (one random stream per batch: the starting images and every transform draw are
// shared), so it is a setting of the atlas: written in its manifest, the same for a resumed run and every shard.
import * as tf from '@tensorflow/tfjs-core';
import { batchCapForGpu } from '../gpuLimits';
import type { LoadedModel } from '../model/loadedModel';
import type { InputSpec } from '../../shared/model';

/** Units per batch at most, on any backend. */
export const ATLAS_BATCH_MAX = 32;

const GPU_BACKENDS: readonly string[] = ['webgpu', 'webgl'];
/**
 * What one batch's activations may take. A gradient keeps every output up to the layer alive, so a unit costs
 * about three times the sum of those outputs (values, gradients, an op's scratch) plus its image.
 */
const MEMORY_BUDGET_BYTES = 4 * 1024 ** 3;
/** What one batch's activations may take on a CPU backend (cpu, wasm, the native kernels): see the top. */
const CPU_BUDGET_BYTES = 320 * 1024 ** 2;

/** The backend's batch for an atlas of `layerIds` (sized by the deepest): up to 32 units within the backend's budget. */
export function atlasBatchSize(model: LoadedModel, layerIds: readonly string[], spec: InputSpec, backend: string = tf.getBackend()): number {
  const { bytes, largest } = bytesPerUnit(model, layerIds, spec);
  if (!GPU_BACKENDS.includes(backend)) return Math.max(1, Math.min(ATLAS_BATCH_MAX, Math.floor(CPU_BUDGET_BYTES / bytes)));
  const input = 4 * spec.height * spec.width * spec.channels;
  return Math.max(1, Math.min(ATLAS_BATCH_MAX, batchCapForGpu(Math.max(input, largest)), Math.floor(MEMORY_BUDGET_BYTES / bytes)));
}

/** Bytes a unit's forward and backward pass hold, and its largest single tensor, up to the deepest of `layerIds`. */
export function bytesPerUnit(model: LoadedModel, layerIds: readonly string[], spec: InputSpec): { bytes: number; largest: number } {
  const wanted = new Set(layerIds);
  const layers = model.info.layers;
  // The size the run uses (the spec's), and the size the loader probed the layers' shapes at when the model's own
  // input size is not fixed (--input-size, the sidecar's or 224).
  const run: [number, number] = [spec.height, spec.width];
  const assumed = model.info.assumedInputSize;
  const probed: [number, number] | undefined = assumed ? [assumed.height, assumed.width] : undefined;
  let last = -1;
  layers.forEach((l, i) => wanted.has(l.id) && (last = i));
  // Modules (ONNX name scopes) repeat their children's outputs: count the leaves only.
  const parents = new Set(layers.map((l) => l.parent).filter((p) => p !== undefined));
  let sum = 0;
  let largest = 0;
  for (let i = 0; i <= last; i++) {
    const l = layers[i]!;
    if (parents.has(l.id)) continue;
    const size = outputSizeAt(l.outputShape, run, probed);
    sum += size;
    largest = Math.max(largest, size);
  }
  const input = spec.height * spec.width * spec.channels;
  return { bytes: 4 * (input + 3 * sum), largest: 4 * largest };
}

/**
 * Values of one unit's copy of a layer's output when the model runs at `run` [H, W]. A dimension the model leaves
 * unknown (a model of any input size whose shapes were not probed) is taken at the run's size, an upper bound for
 * a layer that does not upsample: counted as 1, a 224 px run of such a model looked a few channels big and no batch
 * was ever refused. A spatial output probed at another size than the run's scales with the image's area.
 */
function outputSizeAt(shape: readonly (number | null)[], run: [number, number], probed: [number, number] | undefined): number {
  let unknown = 0;
  const size = shape.reduce<number>((p, d, i) => p * (d !== null && d >= 0 ? d : i === 0 ? 1 : run[Math.min(unknown++, 1)]!), 1);
  const spatial = shape.length === 4 && unknown === 0 && probed !== undefined;
  return spatial ? Math.round((size * run[0] * run[1]) / (probed[0] * probed[1])) : size;
}

/** The plan a run prints first: "48 units of 2 layers, 6 batches of up to 8 units (wasm)". */
export function atlasPlanText(groups: readonly { layerId: string; units: readonly number[] }[], batch: number, backend: string = tf.getBackend()): string {
  const units = groups.reduce((n, g) => n + g.units.length, 0);
  const layers = new Set(groups.map((g) => g.layerId)).size;
  return `${units} unit${units === 1 ? '' : 's'} of ${layers} layer${layers === 1 ? '' : 's'}, ${groups.length} batch${groups.length === 1 ? '' : 'es'} of up to ${batch} units (${backend})`;
}
