// The timing both attribution benches share: one seeded 224 px input, a class-0 target, explain() timed as a
// median, and the forward + backward pass every method is compared against.
import * as tf from '@tensorflow/tfjs-core';
import { explain } from '../src/core/attribution';
import type { LoadedModel } from '../src/core/model/loadedModel';
import type { AttributionOptions } from '../src/shared/attribution';
import { medianMs } from './timing';

export interface AttributionTimer {
  input: tf.Tensor4D;
  /** Median ms of `n` explain() calls with these options (one warm-up). */
  time(options: Omit<AttributionOptions, 'target'>, n?: number): Promise<number>;
  /** Median ms of one forward pass to the first output and the gradient of its first value to the input. */
  forwardBackward(): Promise<number>;
  dispose(): void;
}

export function attributionTimer(model: LoadedModel, runs: number): AttributionTimer {
  const input = tf.randomUniform([1, 224, 224, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
  const target = { kind: 'class' as const, classIndex: 0 };
  return {
    input,
    time: (options, n = runs) => medianMs(n, async () => void (await explain(model, input, { ...options, target } as AttributionOptions)), 1),
    forwardBackward: () =>
      medianMs(runs, () => {
        const g = tf.grad((x: tf.Tensor) => tf.sum(tf.slice(model.forward(x as tf.Tensor4D, [model.info.outputIds[0]])[0], [0, 0], [1, 1])))(input);
        g.dataSync();
        g.dispose();
      }),
    dispose: () => input.dispose(),
  };
}
