// Writes a TF.js GraphModel (model.json + one weight shard) node by node, with op names and attributes as the
// TensorFlow converter writes them and tfjs-converter reads them (strings base64, lists of ints as strings).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, unknown>;
}

interface WeightEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  data: Float32Array | Int32Array;
}

const b64 = (s: string): string => Buffer.from(s, 'ascii').toString('base64');

export const attr = {
  T: { type: 'DT_FLOAT' },
  ints: (values: number[]) => ({ list: { i: values.map(String) } }),
  str: (s: string) => ({ s: b64(s) }),
  strs: (values: string[]) => ({ list: { s: values.map(b64) } }),
  bool: (b: boolean) => ({ b }),
  float: (f: number) => ({ f }),
  int: (i: number) => ({ i: String(i) }),
};

export class GraphWriter {
  readonly nodes: GraphNode[] = [];
  private readonly weights: WeightEntry[] = [];

  placeholder(name: string, shape: number[]): string {
    const dim = { dim: shape.map((s) => ({ size: String(s) })) };
    this.nodes.push({ name, op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dim } } });
    return name;
  }

  constFloat(name: string, data: Float32Array, shape: number[]): string {
    return this.constant(name, { name, shape, dtype: 'float32', data });
  }

  constInt(name: string, values: number[], shape = [values.length]): string {
    return this.constant(name, { name, shape, dtype: 'int32', data: Int32Array.from(values) });
  }

  private constant(name: string, entry: WeightEntry): string {
    const dtype = entry.dtype === 'float32' ? 'DT_FLOAT' : 'DT_INT32';
    const dim = { dim: entry.shape.map((s) => ({ size: String(s) })) };
    this.nodes.push({ name, op: 'Const', attr: { value: { tensor: { dtype, tensorShape: dim } }, dtype: { type: dtype } } });
    this.weights.push(entry);
    return name;
  }

  op(name: string, op: string, input: string[], attrs: Record<string, unknown> = {}): string {
    this.nodes.push({ name, op, input, attr: attrs });
    return name;
  }

  /** Writes dir/model.json and dir/group1-shard1of1.bin; returns the byte size of the weights. */
  save(dir: string, generatedBy: string): number {
    const parts = this.weights.map((w) => Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength));
    const bin = Buffer.concat(parts);
    writeFileSync(join(dir, 'group1-shard1of1.bin'), bin);
    const json = {
      format: 'graph-model',
      generatedBy,
      convertedBy: 'Layer Lens zoo (scripts/zoo)',
      modelTopology: { node: this.nodes, library: {}, versions: { producer: 1119 } },
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: this.weights.map(({ name, shape, dtype }) => ({ name, shape, dtype })) }],
    };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    return bin.byteLength;
  }
}
