// Run by wasmThreadsExit.test.ts in its own process: starts the threaded wasm backend, runs one conv and
// returns from main without process.exit. The process must then end by itself.
import * as tf from '@tensorflow/tfjs-core';
import { startNodeBackend } from '../../../src/core/node/startNodeBackend';

async function main(): Promise<void> {
  const status = await startNodeBackend('wasm', { threads: 2, nativeKernels: false });
  const x = tf.randomUniform([1, 32, 32, 8], 0, 1, 'float32', 1);
  const w = tf.randomUniform([3, 3, 8, 8], -1, 1, 'float32', 2);
  const y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same');
  const sum = (await tf.sum(y).data())[0];
  tf.dispose([x, w, y]);
  process.stdout.write(`${JSON.stringify({ detail: status.detail, sum })}\n`);
}

void main();
