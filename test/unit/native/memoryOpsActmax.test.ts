// Activation maximization on wasm with the native kernels gives the same bits whether Transpose, PadV2 and Concat run
// natively or as TF.js's kernels: every preset on the MNIST CNN, and GoogLeNet → inception4a (the inception blocks'
// concats, the transforms' pads, the Fourier image's transposes), forward and gradient. The preset goldens
// (test/unit/actmax/presetGolden.test.ts) run TF.js's kernels only, so this is their check for these three.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import { needsNativeKernels } from '../../helpers/native';
import { repoRoot } from '../../helpers/paths';
import { installNativeKernels, uninstallNativeKernels } from '../../../src/core/native/installNativeKernels';
import { loadNativeKernels } from '../../../src/core/node/loadNativeKernelsNode';
import type { NativeKernelsBinding } from '../../../src/core/native/nativeKernelsBinding';
import { renderActmax } from '../../../src/core/actmax';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { loadOnnxModel } from '../../../src/core/onnx/loadOnnx';
import type { LoadedModel } from '../../../src/core/model/loadedModel';
import { ACTMAX_PRESETS, type ActmaxRequest, type ActmaxResult } from '../../../src/shared/actmax';
import type { InputSpec } from '../../../src/shared/model';
import { fixtureBytes, fixtureIndex, fixturePath } from '../onnx/fixtureData';

const MOVES = ['Transpose', 'PadV2', 'Concat'] as const;
const IMAGENET: InputSpec = {
  height: 224, width: 224, channels: 3, channelOrder: 'rgb', resize: 'stretch', scale: 1 / 255,
  mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225],
};

/** sha256 of every image's bytes and every objective curve's float32 bytes. */
function digest(result: ActmaxResult): string {
  const h = createHash('sha256');
  for (const img of result.images) h.update(img);
  for (const c of result.objectiveHistory) h.update(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
  return h.digest('hex');
}

describe('actmax with the native Transpose, PadV2 and Concat', needsNativeKernels, () => {
  let binding: NativeKernelsBinding;
  let mnist: LoadedModel;
  const tfjsKernels: KernelConfig[] = [];
  let moved = 0;

  /** All native kernels, and TF.js's own for the three that only move values unless `nativeMoves`. */
  function install(nativeMoves: boolean): void {
    uninstallNativeKernels();
    const counted = (name: 'transpose' | 'padConstant' | 'concat') => (...a: unknown[]) => {
      moved++;
      (binding[name] as (...b: unknown[]) => void)(...a);
    };
    const all = Object.fromEntries(Object.getOwnPropertyNames(binding).map((k) => [k, (binding as unknown as Record<string, unknown>)[k]]));
    installNativeKernels({ ...(all as unknown as NativeKernelsBinding), transpose: counted('transpose'), padConstant: counted('padConstant'), concat: counted('concat') }, 2);
    if (nativeMoves) return;
    for (const config of tfjsKernels) {
      tf.unregisterKernel(config.kernelName, config.backendName);
      tf.registerKernel(config);
    }
  }

  /** Both digests equal; returns how many native Transpose, PadV2 and Concat calls the native run made. */
  async function both(model: LoadedModel, request: ActmaxRequest): Promise<number> {
    install(false);
    const reference = digest(await renderActmax(model, request));
    install(true);
    const before = moved;
    const native = digest(await renderActmax(model, request));
    assert.equal(native, reference, `${request.layerId} ${request.preset}`);
    return moved - before;
  }

  before(async () => {
    await useBackend('wasm', { nativeKernels: true });
    const loaded = loadNativeKernels(join(repoRoot, 'dist'));
    assert.ok(!('error' in loaded), 'error' in loaded ? loaded.error : '');
    binding = loaded;
    uninstallNativeKernels();
    for (const name of MOVES) tfjsKernels.push(tf.getKernel(name, 'wasm')!);
    mnist = await loadModel(join(repoRoot, 'models/mnist-cnn/model.json'));
  });
  after(() => {
    mnist.dispose();
    uninstallNativeKernels();
    installNativeKernels(binding, 2);
  });

  it('every preset on the MNIST CNN: same images and objective curves, bit for bit', async () => {
    const calls: Record<string, number> = {};
    for (const preset of ACTMAX_PRESETS) calls[preset] = await both(mnist, { layerId: 'conv2', units: [0, 5], preset, overrides: { steps: 6, seed: 3 } });
    // Presets without transforms or a Fourier image move nothing; the others must have run the native kernels.
    assert.ok(Object.values(calls).filter((n) => n > 0).length >= 2, JSON.stringify(calls));
  });

  it('GoogLeNet → inception4a, lucid, 3 units: same images and objective curves, bit for bit', async () => {
    const m = fixtureIndex.models.googlenet!;
    const googlenet = await loadOnnxModel(fixtureBytes(m.onnx), fixturePath(m.onnx));
    try {
      const calls = await both(googlenet, { layerId: 'inception4a', units: [0, 7, 100], preset: 'lucid', inputSpec: IMAGENET, overrides: { steps: 2, seed: 5 } });
      assert.ok(calls > 0, 'no native Transpose, PadV2 or Concat ran');
    } finally {
      googlenet.dispose();
    }
  });
});
