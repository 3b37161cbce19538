// The actmax backward pass that frees as it goes gives TF.js's own gradients bit for bit, leaves no tensor behind,
// and peaks lower: a conv net with fan-out (a tensor read by two ops, whose gradients are summed), a gradient that
// hands dy back unchanged (identity), a custom gradient, and a loss that throws in the forward pass.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import { leanVariableGrads } from '../../../src/core/actmax/leanGradients';
import { releaseGradientKernels } from '../../../src/core/gradients/heldKernels';
import type { LoadedModel } from '../../../src/core/model/loadedModel';
import { tinyConvNet } from './nets';

/** A loss through the net, with fan-out, an identity op and a custom gradient on the way. */
function lossOf(model: LoadedModel, v: tf.Variable): () => tf.Scalar {
  const doubled = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({ value: tf.mul(args[0] as tf.Tensor, 2), gradFunc: (dy: tf.Tensor) => tf.mul(dy, 2) }));
  // Hands its dy back as the input's gradient: the same tensor then stands for two tensors' gradients.
  const same = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({ value: tf.clone(args[0] as tf.Tensor), gradFunc: (dy: tf.Tensor) => dy }));
  return () => {
    const x = tf.sigmoid(v);
    const img = tf.add(x, tf.mul(x, 0.25)) as tf.Tensor4D; // x read twice: its gradient is a sum
    const [a, b] = model.forward(same(img) as tf.Tensor4D, ['conv1', 'conv2']) as [tf.Tensor, tf.Tensor];
    return tf.add(tf.sum(tf.square(doubled(b) as tf.Tensor)), tf.mean(a)) as tf.Scalar;
  };
}

function bits(t: tf.Tensor): Uint32Array {
  return new Uint32Array(new Float32Array(t.dataSync()).buffer);
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`lean actmax gradients on ${backend}`, () => {
    let model: LoadedModel;
    let v: tf.Variable;
    let w: tf.Variable;
    before(async () => {
      await useBackend(backend);
      model = tinyConvNet(7, 32);
      v = tf.variable(tf.randomNormal([3, 32, 32, 3], 0, 1, 'float32', 5), true, 'leanTestImage');
      w = tf.variable(tf.randomNormal([3, 32, 32, 3], 0, 1, 'float32', 6), true, 'leanTestOther');
    });
    after(() => {
      tf.dispose([v, w]);
      model.dispose();
    });

    it('gives the same bits as tf.variableGrads, the value included', () => {
      const loss = lossOf(model, v);
      const theirs = tf.variableGrads(loss, [v]);
      const ours = leanVariableGrads(loss, [v]);
      assert.deepEqual(Object.keys(ours.grads), ['leanTestImage']);
      assert.deepEqual(bits(ours.value), bits(theirs.value));
      assert.deepEqual(bits(ours.grads.leanTestImage as tf.Tensor), bits(theirs.grads.leanTestImage as tf.Tensor));
      tf.dispose([theirs.value, ours.value, ...Object.values(theirs.grads), ...Object.values(ours.grads)]);
    });

    it('leaves only the value and the gradients, and peaks below TF.js\'s own pass', async () => {
      // A chain of ops that each save their input: TF.js's own pass holds every saved input and every gradient.
      const chain = (): tf.Scalar => {
        let t: tf.Tensor = v;
        for (let i = 0; i < 8; i++) t = tf.sin(t);
        return tf.sum(t);
      };
      for (const loss of [lossOf(model, v), chain]) {
        releaseGradientKernels();
        const before = tf.memory().numTensors;
        let result: { value: tf.Scalar; grads: tf.NamedTensorMap } | null = null;
        // tf.profile answers with one object that the next profile overwrites: the peak is read at once.
        const ours = (await tf.profile(() => {
          result = leanVariableGrads(loss, [v]);
        })).peakBytes;
        const r = result as unknown as { value: tf.Scalar; grads: tf.NamedTensorMap };
        releaseGradientKernels();
        assert.equal(tf.memory().numTensors, before + 2);
        tf.dispose([r.value, ...Object.values(r.grads)]);
        const theirs = (await tf.profile(() => {
          const t = tf.variableGrads(loss, [v]);
          tf.dispose([t.value, ...Object.values(t.grads)]);
        })).peakBytes;
        releaseGradientKernels();
        assert.equal(tf.memory().numTensors, before);
        if (loss === chain) assert.ok(ours < theirs, `peak ${ours} bytes, TF.js's own ${theirs}`);
        else assert.ok(ours <= theirs, `peak ${ours} bytes, TF.js's own ${theirs}`);
      }
    });

    it('answers for a variable the loss does not read, as tf.variableGrads does, and releases a failed forward pass', () => {
      const loss = lossOf(model, v);
      releaseGradientKernels();
      const before = tf.memory().numTensors;
      const r = leanVariableGrads(loss, [v, w]);
      assert.deepEqual(Object.keys(r.grads), ['leanTestImage']);
      tf.dispose([r.value, ...Object.values(r.grads)]);
      assert.throws(() => leanVariableGrads(() => {
        loss();
        throw new Error('forward failed');
      }, [v]), /forward failed/);
      releaseGradientKernels();
      assert.equal(tf.memory().numTensors, before);
      assert.equal(tf.engine().state.gradientDepth, 0);
    });
  });
}
