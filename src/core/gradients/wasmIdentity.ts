// Identity on wasm shares its input's memory instead of copying it, as the cpu backend's and wasm's own Reshape
// already do. Why: the gradient tape keeps every input a gradient needs through Identity (engine.clone), so
// wasm copied each saved activation once per gradient step: 0.18 s of nsfwjs MobileNetV2's ~1.3 s input
// gradient on a loaded machine, about as much as its depthwise convs. TF.js never writes into an existing
// tensor's memory, so sharing is safe.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

interface RefCounting {
  incRef(dataId: object): void;
}

export function shareWasmIdentity(): void {
  const own = tf.getKernel('Identity', 'wasm');
  if (!own) return;
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo | undefined;
    const backend = args.backend as Partial<RefCounting>;
    if (!x || x.dtype === 'string' || typeof backend.incRef !== 'function') return own.kernelFunc(args);
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({ ...own, kernelFunc });
}
