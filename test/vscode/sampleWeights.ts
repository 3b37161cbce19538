// Reads one weight of a TF.js Layers model straight from model.json and its shards, independently of the
// extension's core, so the kernels picture can be checked against the file itself.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: 'uint8' | 'uint16'; scale?: number; min?: number };
}

interface ModelJson {
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
}

export interface Weight {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** The first weight whose name ends with `suffix` (e.g. "conv1/kernel"), as float32. */
export function readWeight(modelJsonPath: string, suffix: string): Weight {
  const model = JSON.parse(readFileSync(modelJsonPath, 'utf8')) as ModelJson;
  const dir = path.dirname(modelJsonPath);
  for (const group of model.weightsManifest) {
    const buffer = Buffer.concat(group.paths.map((p) => readFileSync(path.join(dir, p))));
    let offset = 0;
    for (const spec of group.weights) {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      const bytesPer = spec.quantization ? (spec.quantization.dtype === 'uint8' ? 1 : 2) : 4;
      if (spec.name.endsWith(suffix)) {
        return { name: spec.name, shape: spec.shape, data: decode(buffer, offset, size, spec) };
      }
      offset += size * bytesPer;
    }
  }
  throw new Error(`${modelJsonPath} has no weight named *${suffix}.`);
}

function decode(buffer: Buffer, offset: number, size: number, spec: WeightSpec): Float32Array {
  const out = new Float32Array(size);
  const q = spec.quantization;
  if (!q) {
    if (spec.dtype !== 'float32') throw new Error(`weight ${spec.name} is ${spec.dtype}, not float32`);
    for (let i = 0; i < size; i++) out[i] = buffer.readFloatLE(offset + i * 4);
    return out;
  }
  const scale = q.scale ?? 1;
  const min = q.min ?? 0;
  for (let i = 0; i < size; i++) {
    const v = q.dtype === 'uint8' ? buffer.readUInt8(offset + i) : buffer.readUInt16LE(offset + i * 2);
    out[i] = v * scale + min;
  }
  return out;
}
