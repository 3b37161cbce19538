// TF.js runs every op on its one active backend. A GPU backend (webgpu in Node) cannot read a value it computed
// synchronously, yet a few steps need plain numbers inside synchronous code: an ONNX graph's constants folded while
// the first forward compiles it (inside tf.grad, where nothing can be awaited). Those steps run on TF.js's cpu
// backend for that moment, on tensors made there from the file's own numbers, so every read of them is a CPU read.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { LayerLensError } from '../shared/errors';

/**
 * Whether dataSync() can read a value the backend computed: the wasm, cpu and native ones keep tensors in CPU memory;
 * webgpu in Node cannot (its synchronous read needs OffscreenCanvas).
 */
export function readsSynchronously(backend: string = tf.getBackend()): boolean {
  return backend !== 'webgpu';
}

/** Runs `f` with TF.js's cpu backend active when the active one cannot read synchronously; else runs it as is. */
export function onCpuBackend<T>(f: () => T): T {
  const previous = tf.getBackend();
  if (readsSynchronously(previous)) return f();
  select('cpu');
  try {
    return f();
  } finally {
    select(previous);
  }
}

/**
 * Makes `name` the active backend now. tf.setBackend is asynchronous only while a backend initialises; the cpu
 * backend initialises synchronously (findBackend does it) and the previous one already ran, so the switch completes
 * within the call. It is checked rather than assumed.
 */
function select(name: string): void {
  const engine = tf.engine();
  const backend = engine.findBackend(name);
  void engine.setBackend(name).catch(() => undefined);
  if (!backend || engine.backend !== backend) {
    throw new LayerLensError('internal', `TF.js's ${name} backend could not be selected for a step that must compute on the CPU.`);
  }
}
