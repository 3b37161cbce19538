// Hand-written TF.js GraphModels for tests: the model.json and its one weight shard, built from GraphDef nodes
// and the constants' values, so each test file writes only the graph it is about.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A constant's values as the manifest lists them, in shard order. */
export interface GraphConstant {
  name: string;
  shape: number[];
  values: Float32Array | Int32Array;
}

export const SHARD_NAME = 'group1-shard1of1.bin';

/** A TensorShapeProto in the JSON form tfjs-converter writes. */
export function dims(sizes: number[]): { dim: { size: string }[] } {
  return { dim: sizes.map((s) => ({ size: String(s) })) };
}

/** A GraphDef string attribute (base64 of its ASCII bytes). */
export function b64(s: string): string {
  return Buffer.from(s, 'ascii').toString('base64');
}

/** The Const node of a weight that the manifest fills. */
export function constNode(name: string, sizes: number[], dtype: 'DT_FLOAT' | 'DT_INT32' = 'DT_FLOAT'): object {
  return { name, op: 'Const', attr: { value: { tensor: { dtype, tensorShape: dims(sizes) } }, dtype: { type: dtype } } };
}

/** model.json's object and the shard's bytes for `nodes` with `constants` stored in order. */
export function graphModelArtifacts(nodes: object[], constants: GraphConstant[]): { json: object; bin: Uint8Array } {
  const parts = constants.map((c) => new Uint8Array(c.values.buffer, c.values.byteOffset, c.values.byteLength));
  const bin = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    bin.set(p, at);
    at += p.length;
  }
  const weights = constants.map((c) => ({ name: c.name, shape: c.shape, dtype: c.values instanceof Int32Array ? 'int32' : 'float32' }));
  const json = {
    format: 'graph-model',
    generatedBy: 'test',
    convertedBy: 'test',
    modelTopology: { node: nodes, library: {}, versions: { producer: 1 } },
    weightsManifest: [{ paths: [SHARD_NAME], weights }],
  };
  return { json, bin };
}

/** Writes model.json and its shard into `dir`; returns model.json's path. */
export function writeGraphModelFolder(dir: string, nodes: object[], constants: GraphConstant[]): string {
  const { json, bin } = graphModelArtifacts(nodes, constants);
  writeFileSync(join(dir, SHARD_NAME), bin);
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  return join(dir, 'model.json');
}
