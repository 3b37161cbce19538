// Reads a result back to JavaScript and frees it. Always asynchronous: a GPU backend (webgpu in Node) has no
// synchronous read of a value it computed, and on wasm/cpu data() costs what dataSync() does.
import type * as tf from '@tensorflow/tfjs-core';

export async function readAll(t: tf.Tensor): Promise<Float32Array> {
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}

export async function readScalar(t: tf.Tensor): Promise<number> {
  return (await readAll(t))[0] as number;
}
