import * as tf from '@tensorflow/tfjs-core';
import { throwIfAborted } from '../abort';
import type { LongCallOptions, LoadedModel } from '../model/loadedModel';
import { LayerLensError } from '../../shared/errors';
import type { LayerActivation } from '../../shared/activations';
import { channelStats } from './channelStats';

/**
 * Outputs of many layers for one input, from ONE `model.forward` call (the seed's forward hooks), as typed
 * arrays with per-channel stats. `layerIds` defaults to every layer except the input. The outputs are read
 * one by one and every tensor is disposed before returning (the caller's input is left alone).
 * For a large model the engine asks for the layers on screen only, and for the rest later.
 */
export async function computeActivations(
  model: LoadedModel,
  input: tf.Tensor4D,
  layerIds?: readonly string[],
  options: LongCallOptions = {},
): Promise<LayerActivation[]> {
  const known = new Set(model.info.layers.map((l) => l.id));
  const ids = layerIds ?? model.info.layers.filter((l) => l.kind !== 'input').map((l) => l.id);
  for (const id of ids) {
    if (!known.has(id)) throw new LayerLensError('unknownLayer', `${model.info.name} has no layer named "${id}".`);
  }
  throwIfAborted(options.signal, 'Computing feature maps');
  const outputs = model.forward(input, ids);
  const owned = new Set(outputs.filter((t) => t !== input));
  try {
    const result: LayerActivation[] = [];
    // The wasm and cpu backends compute synchronously, so dataSync costs nothing more than data() and skips a
    // promise per output (165 of them for GoogLeNet); the loop still yields now and then so that a cancel gets in.
    const backend = tf.getBackend();
    const synchronous = backend === 'wasm' || backend === 'cpu';
    let lastYield = Date.now();
    for (let i = 0; i < ids.length; i++) {
      const t = outputs[i];
      const raw = synchronous ? t.dataSync() : await t.data();
      // wasm's read is already a copy of its heap; cpu may hand out the backend's own array: copy to own it.
      const data = backend === 'wasm' && raw instanceof Float32Array ? raw : new Float32Array(raw as ArrayLike<number>);
      const shape = [...t.shape];
      result.push({ layerId: ids[i], shape, data, stats: channelStats(data, shape) });
      options.onProgress?.({ done: i + 1, total: ids.length, message: ids[i] });
      if (Date.now() - lastYield > 50) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYield = Date.now();
      }
      throwIfAborted(options.signal, 'Computing feature maps');
    }
    return result;
  } finally {
    for (const t of owned) t.dispose();
  }
}
