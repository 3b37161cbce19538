// Reads and checks the weightsManifest of a TF.js model.json before any shard is read: every entry well formed,
// every name once, every size computable (quantized and float16 storage included). Pure JSON work.
import type * as tf from '@tensorflow/tfjs-core';
import { LayerLensError } from '../../shared/errors';

export type WeightSpec = tf.io.WeightsManifestEntry;

export interface ManifestGroup {
  paths: string[];
  weights: WeightSpec[];
}

/** Bytes per stored value; 'string' weights have no fixed size. */
const STORED_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };
/** Numeric types only: a string weight is nothing a CNN's layers read, and has no size to check. */
const DTYPES = new Set(['float32', 'int32', 'bool', 'complex64']);
const QUANTIZED = new Set(['uint8', 'uint16', 'float16']);
/** Beyond this a typed array cannot be made, so such a claim is refused before anything is read. */
const MAX_ELEMENTS = 2 ** 31 - 1;

export function readManifest(json: Record<string, unknown>, path: string): ManifestGroup[] {
  const manifest = json.weightsManifest;
  if (manifest === undefined) return [];
  const bad = (what: string): LayerLensError => new LayerLensError('malformedModel', `${path} has a broken weightsManifest: ${what}.`);
  if (!Array.isArray(manifest)) throw bad('it is not a list of { paths, weights } groups');
  const seen = new Set<string>();
  return manifest.map((group: unknown, g) => {
    if (!group || typeof group !== 'object') throw bad(`group ${g + 1} is not a { paths, weights } object`);
    const { paths, weights } = group as { paths?: unknown; weights?: unknown };
    if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string' && p !== '')) throw bad(`group ${g + 1} has no list of shard paths`);
    if (!Array.isArray(weights)) throw bad(`group ${g + 1} has no list of weights`);
    if (weights.length > 0 && paths.length === 0) throw bad(`group ${g + 1} lists weights but no shard file`);
    for (const [i, w] of weights.entries()) {
      const problem = specProblem(w);
      const name = w && typeof w === 'object' && typeof (w as WeightSpec).name === 'string' ? `'${(w as WeightSpec).name}'` : `${i + 1} of group ${g + 1}`;
      if (problem) throw bad(`weight ${name} ${problem}`);
      const spec = w as WeightSpec;
      if (seen.has(spec.name)) throw bad(`the weight '${spec.name}' is listed twice`);
      seen.add(spec.name);
    }
    return { paths: paths as string[], weights: weights as WeightSpec[] };
  });
}

/** What is wrong with one manifest entry, or null. */
function specProblem(w: unknown): string | null {
  if (!w || typeof w !== 'object') return 'is not an object';
  const spec = w as Record<string, unknown>;
  if (typeof spec.name !== 'string' || spec.name === '') return 'has no name';
  if (!Array.isArray(spec.shape) || !spec.shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    return 'has a shape that is not a list of non-negative whole numbers';
  }
  if (typeof spec.dtype !== 'string' || !DTYPES.has(spec.dtype)) return `has the data type ${JSON.stringify(spec.dtype)}, which Layer Lens cannot read as weights`;
  if (elementCount(spec.shape as number[]) > MAX_ELEMENTS) return `claims ${elementCount(spec.shape as number[])} values, more than can be loaded`;
  const q = spec.quantization;
  if (q === undefined || q === null) return null;
  if (typeof q !== 'object') return 'has a quantization that is not an object';
  const { dtype, scale, min } = q as Record<string, unknown>;
  if (typeof dtype !== 'string' || !QUANTIZED.has(dtype)) return `is quantized as ${JSON.stringify(dtype)}, which TensorFlow.js cannot read`;
  if (spec.dtype !== 'float32' && spec.dtype !== 'int32') return `is quantized but is of type ${spec.dtype}`;
  if (dtype !== 'float16') {
    // Dequantized value = min + scale · q: non-finite min or scale would make every value non-finite.
    if (typeof scale !== 'number' || !Number.isFinite(scale)) return `is quantized as ${dtype} without a finite scale`;
    if (typeof min !== 'number' || !Number.isFinite(min)) return `is quantized as ${dtype} without a finite min`;
  }
  return null;
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Bytes a weight takes in its shard, or -1 for variable-size (string) weights, which skips the size check. */
export function weightBytes(spec: WeightSpec): number {
  const storedType = spec.quantization ? spec.quantization.dtype : spec.dtype;
  if (storedType === 'string') return -1;
  return elementCount(spec.shape) * (STORED_BYTES[storedType] as number);
}
