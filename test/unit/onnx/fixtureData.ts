// Reads the ONNX fixtures (models, NCHW inputs and PyTorch outputs) described by index.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { loadOnnxModel } from '../../../src/core/onnx/loadOnnx';
import { readNpy } from '../../../src/core/io/npy';
import type { NpyArray } from '../../../src/core/io/npy';
import { onnxFixturesDir } from '../../helpers/paths';

export interface FixtureModel {
  onnx: string;
  input: string;
  output: string;
  opset: number;
  input_shape_nchw: number[];
  intermediates: Record<string, { file: string; shape_nchw: number[] }>;
  /** PyTorch's input gradient of sum(output of `module` * the NCHW array in `projection`). */
  gradient?: { module: string; projection: string; input_gradient: string };
}

/** Made by `npm run fixtures`; reading it throws one line that says what to install when they were not made. */
export const fixtureIndex = JSON.parse(readFileSync(join(onnxFixturesDir(), 'index.json'), 'utf8')) as { models: Record<string, FixtureModel> };

export function fixtureBytes(file: string): Uint8Array {
  return readFileSync(join(onnxFixturesDir(), file));
}

export function fixturePath(file: string): string {
  return join(onnxFixturesDir(), file);
}

export function fixtureNpy(file: string): NpyArray {
  return readNpy(fixtureBytes(file), file);
}

/** The NCHW fixture input as the NHWC tensor the core takes. */
export function nhwcInput(file: string): tf.Tensor4D {
  const a = fixtureNpy(file);
  return tf.tidy(() => tf.transpose(tf.tensor4d(a.data, a.shape as [number, number, number, number]), [0, 2, 3, 1]));
}

/** Relative L2 error of `got` (core layout: NHWC for 4-D) against an NCHW reference. */
export function relL2(got: tf.Tensor, ref: NpyArray): number {
  const data = tf.tidy(() => (got.rank === 4 ? tf.transpose(got, [0, 3, 1, 2]) : got).dataSync());
  let num = 0;
  let den = 0;
  for (let i = 0; i < ref.data.length; i++) {
    num += (data[i] - ref.data[i]) ** 2;
    den += ref.data[i] ** 2;
  }
  return data.length === ref.data.length ? Math.sqrt(num / den) : Infinity;
}

/** Loads a fixture and checks its listed intermediate modules and its output against PyTorch's (relative L2 <= 1e-4). */
export async function checkFixtureModel(name: string): Promise<void> {
  const m = fixtureIndex.models[name];
  const model = await loadOnnxModel(fixtureBytes(m.onnx), fixturePath(m.onnx));
  try {
    const x = nhwcInput(m.input);
    const ids = [...Object.keys(m.intermediates), ...model.info.outputIds];
    const outs = model.forward(x, ids);
    const refs = [...Object.values(m.intermediates).map((v) => v.file), m.output];
    outs.forEach((o, i) => {
      const err = relL2(o, fixtureNpy(refs[i]));
      assert.ok(err <= 1e-4, `${name} ${ids[i]}: relative L2 error ${err}`);
    });
    tf.dispose([...outs, x]);
  } finally {
    model.dispose();
  }
}
