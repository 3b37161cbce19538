// Refuses weights that are not finite numbers (NaN, ±Infinity) straight from the shard bytes, before TF.js
// decodes them: a single NaN in a kernel turns every feature map after it into NaN and every drawing grey.
// Quantized uint8/uint16 weights are finite whenever their scale and min are (validateManifest checks those).
import { LayerLensError } from '../../shared/errors';
import { weightBytes, type WeightSpec } from './validateManifest';

interface NonFinite {
  name: string;
  count: number;
}

/** Non-finite values per weight, in manifest order; `data` is the shards of all groups concatenated. */
export function nonFiniteWeights(data: Uint8Array, specs: readonly WeightSpec[]): NonFinite[] {
  const found: NonFinite[] = [];
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = 0;
  for (const spec of specs) {
    const bytes = weightBytes(spec);
    if (bytes < 0) break; // a string weight: later offsets are unknown, and strings are never drawn
    const stored = spec.quantization ? spec.quantization.dtype : spec.dtype;
    let count = 0;
    if (stored === 'float32' || stored === 'complex64') {
      for (let o = offset; o < offset + bytes; o += 4) if (!Number.isFinite(view.getFloat32(o, true))) count++;
    } else if (stored === 'float16') {
      // Exponent bits all ones: Inf or NaN.
      for (let o = offset; o < offset + bytes; o += 2) if ((view.getUint16(o, true) & 0x7c00) === 0x7c00) count++;
    }
    if (count > 0) found.push({ name: spec.name, count });
    offset += bytes;
  }
  return found;
}

/** Throws 'badWeights' naming the first non-finite weight of `path` and how many values it has. */
export function checkFiniteWeights(data: Uint8Array, specs: readonly WeightSpec[], path: string): void {
  refuseNonFinite(path, nonFiniteWeights(data, specs));
}

/** Throws 'badWeights' naming the first of `found` (weights with NaN/Inf values, in file order), if any. */
export function refuseNonFinite(path: string, found: readonly { name: string; count: number }[]): void {
  const first = found[0];
  if (!first) return;
  const others = found.length > 1 ? ` (and ${found.length - 1} other weight${found.length > 2 ? 's' : ''} with such values)` : '';
  throw new LayerLensError(
    'badWeights',
    `${path} has weights that are not finite numbers: '${first.name}' holds ${first.count} NaN or infinite value${first.count > 1 ? 's' : ''}${others}.`,
  );
}
