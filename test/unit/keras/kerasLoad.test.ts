// Keras .h5 (Keras 2 layout) and .keras (Keras 3 layout) files of the sample MNIST model and three zoo-like models
// (MobileNet-like: DepthwiseConv2D + BN; ResNet-like: Add; Inception-like: Concatenate; a backbone model nested
// in a model; a Sequential with SeparableConv2D), written by
// scripts/keras/kerasTwins.ts, open through the real loader and the CLI and give their model.json twins' outputs.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import { repoRoot } from '../../helpers/paths';
import { runCli } from '../../helpers/runCli';
import { writeNpy, readNpy } from '../../../src/core/io/npy';
import { loadModel } from '../../../src/core/node/loadModelFile';
import type { LoadedModel } from '../../../src/core/model/loadedModel';
import { writeKerasTwins, type TwinFiles } from '../../../scripts/keras/kerasTwins';
import { tempDir } from '../model/tinyModels';

let twins: TwinFiles[] = [];

before(async () => {
  await useBackend('cpu');
  twins = await writeKerasTwins(repoRoot, tempDir());
});

function input(shape: number[], seed: number): tf.Tensor4D {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor4d(Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed) * 0.8 + 0.2), shape as [number, number, number, number]);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

async function compare(path: string, twinPath: string, shape: number[]): Promise<void> {
  const model: LoadedModel = await loadModel(path);
  const twin: LoadedModel = await loadModel(twinPath);
  try {
    // A nested model is a Functional in Keras 3's config, a Model in TF.js's own; Keras 3 names a Sequential's
    // input input_layer.
    const cls = (c: string): string => (c === 'Functional' ? 'Model' : c);
    const rows = (m: LoadedModel): unknown[] => m.info.layers.map((l) => [l.kind === 'input' ? 'input' : l.id, cls(l.className), l.outputShape.join('x'), l.paramCount, l.kernelShape?.join('x')]);
    assert.deepEqual(rows(model), rows(twin));
    assert.deepEqual(model.info.inputShape, twin.info.inputShape);
    const ids = twin.info.layers.filter((l) => l.kind !== 'input').map((l) => l.id);
    const x = input(shape, 1);
    const got = model.forward(x, ids);
    const want = twin.forward(x, ids);
    ids.forEach((id, i) => {
      const d = maxDiff(got[i]!.dataSync(), want[i]!.dataSync());
      assert.ok(d <= 1e-6, `${path}: layer ${id} differs from the model.json twin by ${d}`);
    });
    for (const id of ids.filter((i) => model.kernel(i))) {
      const k = model.kernel(id)!;
      const t = twin.kernel(id)!;
      assert.equal(maxDiff(k.dataSync(), t.dataSync()), 0, `${path}: kernel of ${id}`);
      tf.dispose([k, t]);
    }
    tf.dispose([x, ...got, ...want]);
  } finally {
    model.dispose();
    twin.dispose();
  }
}

for (const name of ['mnist-cnn', 'mobilenet-like', 'resnet-like', 'inception-like', 'nested-like', 'sequential-like']) {
  for (const format of ['h5', 'keras'] as const) {
    test(`${name}.${format} gives the outputs of its model.json twin at every layer (≤ 1e-6)`, async () => {
      const t = twins.find((x) => x.name === name);
      assert.ok(t, `the generator wrote no ${name}`);
      await compare(t[format], t.twin, t.inputShape);
    });
  }
}

test('the CLI lists the layers of a .keras as of the model.json twin, and writes the activations of a .h5', async () => {
  const t = twins.find((x) => x.name === 'resnet-like')!;
  const layers = (model: string): unknown => {
    const r = runCli(['layers', '--model', model, '--json', '--backend', 'cpu']);
    assert.equal(r.status, 0, r.stderr);
    const json = JSON.parse(r.stdout) as { layers: unknown[]; paramCount: number };
    return { layers: json.layers, params: json.paramCount };
  };
  assert.deepEqual(layers(t.keras), layers(t.twin));

  const dir = tempDir();
  const npy = join(dir, 'x.npy');
  const x = input(t.inputShape, 2);
  writeFileSync(npy, writeNpy(t.inputShape, x.dataSync() as Float32Array));
  const r = runCli(['activations', '--model', t.h5, '--input', npy, '--layer', 'block1_add', '--out', join(dir, 'acts'), '--json', '--backend', 'cpu']);
  assert.equal(r.status, 0, r.stderr);
  const files = (JSON.parse(r.stdout) as { files: { file: string }[] }).files;
  const got = readNpy(readFileSync(files[0]!.file), 'acts').data as Float32Array;
  const twin = await loadModel(t.twin);
  const [want] = twin.forward(x, ['block1_add']);
  assert.ok(maxDiff(got, want!.dataSync()) <= 1e-6);
  tf.dispose([x, want!]);
  twin.dispose();
});
