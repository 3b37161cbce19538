// Every method on the small ONNX fixtures: equal to PyTorch's maps (relative L2 ≤ 1e-4), Integrated Gradients
// complete to < 1 % at 64 steps, unit targets, seeds, batching, cancel, one-sentence refusals, no leaked tensors.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import { loadOnnxModel } from '../../../src/core/onnx/loadOnnx';
import type { LoadedModel } from '../../../src/core/model/loadedModel';
import { defaultCamLayerId, explain } from '../../../src/core/attribution';
import { upsampleBilinear } from '../../../src/core/attribution/upsample';
import type { AttributionOptions } from '../../../src/shared/attribution';
import { LayerLensError } from '../../../src/shared/errors';
import { fixtureBytes, fixtureIndex, fixturePath, nhwcInput } from '../onnx/fixtureData';
import { attributionRefs, relativeL2 } from './attributionRefs';

const NETS = ['mnist_cnn', 'dilated_conv', 'grouped_conv', 'convnext_block_opset17'] as const;

describe('attribution on the small fixtures', () => {
  const models = new Map<string, { model: LoadedModel; x: tf.Tensor4D }>();
  before(async () => {
    await useBackend('wasm');
    attributionRefs();
    for (const name of NETS) {
      const m = fixtureIndex.models[name];
      models.set(name, { model: await loadOnnxModel(fixtureBytes(m.onnx), fixturePath(m.onnx)), x: nhwcInput(m.input) });
    }
  });
  after(() => {
    for (const { model, x } of models.values()) {
      model.dispose();
      x.dispose();
    }
  });
  const net = (name: string) => models.get(name)!;
  /** The class the net gives the fixture input (PyTorch's, where the references name it). */
  const topClass = (name: string) => {
    const { model, x } = net(name);
    const k = tf.tidy(() => tf.argMax(model.forward(x, [model.info.logitsId!])[0], 1).dataSync()[0]);
    const torch = attributionRefs().topClass[name];
    if (torch !== undefined) assert.equal(k, torch, `${name}: top class ${k}, PyTorch's ${torch}`);
    return { kind: 'class' as const, classIndex: k };
  };

  const parity: [string, string, Omit<AttributionOptions, 'target'>][] = [
    ['mnist_cnn', 'mnist_cnn.ig32.black', { method: 'ig', steps: 32, baseline: 'black' }],
    ['convnext_block_opset17', 'convnext_block_opset17.ig32.black', { method: 'ig', steps: 32, baseline: 'black', batchSize: 5 }],
    ['mnist_cnn', 'mnist_cnn.saliency', { method: 'saliency' }],
    ['mnist_cnn', 'mnist_cnn.gradxinput', { method: 'gradxinput' }],
    ['mnist_cnn', 'mnist_cnn.gradcam.conv2', { method: 'gradcam', camLayerId: 'conv2' }],
    ['mnist_cnn', 'mnist_cnn.gradcampp.conv2', { method: 'gradcampp', camLayerId: 'conv2' }],
    ['mnist_cnn', 'mnist_cnn.guided-gradcam.conv2', { method: 'guided-gradcam', camLayerId: 'conv2' }],
    ['mnist_cnn', 'mnist_cnn.occlusion.w8s4', { method: 'occlusion', window: 8, stride: 4, batchSize: 7 }],
  ];
  for (const [name, ref, options] of parity) {
    it(`${ref} equals PyTorch (relative L2 ≤ 1e-4)`, async () => {
      const { model, x } = net(name);
      const map = await explain(model, x, { ...options, target: topClass(name) } as AttributionOptions);
      const expected = attributionRefs().map(ref);
      assert.deepEqual([map.height, map.width], expected.shape);
      assert.ok(expected.data.some((v) => v !== 0), `${ref}: the reference is all zero`);
      const err = relativeL2(map.data, expected.data);
      assert.ok(err <= 1e-4, `${ref}: relative L2 ${err}`);
      if (options.method === 'ig') {
        const torch = attributionRefs().ig[name];
        assert.ok(Math.abs(map.completeness!.sum - torch.sum) <= 1e-4 * Math.abs(torch.sum), `IG sum ${map.completeness!.sum} vs PyTorch ${torch.sum}`);
        assert.ok(Math.abs(map.completeness!.delta - torch.delta) <= 1e-4 * Math.abs(torch.delta), `f(x) − f(b) ${map.completeness!.delta} vs PyTorch ${torch.delta}`);
      }
    });
  }

  it('Integrated Gradients is complete to < 1 % at 64 steps on every small fixture, and the gap is reported', async () => {
    for (const name of NETS) {
      const { model, x } = net(name);
      const map = await explain(model, x, { method: 'ig', steps: 64, target: topClass(name), batchSize: 16 });
      const c = map.completeness!;
      let sum = 0;
      for (const v of map.data) sum += v;
      assert.ok(Math.abs(sum - c.sum) <= 1e-4 * Math.abs(c.sum) + 1e-6, `${name}: the map sums to ${sum}, reported ${c.sum}`);
      assert.ok(c.gap < 0.01, `${name}: completeness gap ${c.gap} (sum ${c.sum}, f(x) − f(baseline) ${c.delta})`);
      assert.equal(map.passes, 66);
    }
  });

  it('batch size does not change Integrated Gradients; the blurred and noise baselines report their own Δf', async () => {
    const { model, x } = net('mnist_cnn');
    const one = await explain(model, x, { method: 'ig', steps: 8, batchSize: 1, target: topClass('mnist_cnn') });
    const eight = await explain(model, x, { method: 'ig', steps: 8, batchSize: 8, target: topClass('mnist_cnn') });
    assert.ok(relativeL2(eight.data, one.data) < 1e-5);
    const blurred = await explain(model, x, { method: 'ig', steps: 8, baseline: 'blurred', target: topClass('mnist_cnn') });
    const noise = await explain(model, x, { method: 'ig', steps: 8, baseline: 'noise', seed: 3, target: topClass('mnist_cnn') });
    assert.notEqual(blurred.completeness!.delta, one.completeness!.delta);
    assert.notEqual(noise.completeness!.delta, one.completeness!.delta);
    assert.ok(relativeL2(blurred.data, one.data) > 0.05 && relativeL2(noise.data, one.data) > 0.05, 'another baseline gave the same map');
  });

  it('SmoothGrad repeats with its seed (the default 0 too), differs with another, and with σ = 0 is saliency', async () => {
    const { model, x } = net('dilated_conv');
    const run = (seed?: number, noise = 0.15) =>
      explain(model, x, { method: 'smoothgrad', samples: 6, batchSize: 3, ...(seed === undefined ? {} : { seed }), noise, target: topClass('dilated_conv') });
    const a = await run(1);
    const b = await run(1);
    const c = await run(2);
    assert.deepEqual(a.data, b.data);
    assert.ok(relativeL2(c.data, a.data) > 1e-3);
    // No seed given is seed 0, which TF.js's own random ops would take for "no seed".
    const d = await run();
    const e = await run(0);
    assert.deepEqual(d.data, e.data);
    assert.ok(relativeL2(d.data, a.data) > 1e-3);
    const flat = await run(1, 0);
    const plain = await explain(model, x, { method: 'saliency', target: topClass('dilated_conv') });
    assert.ok(relativeL2(flat.data, plain.data) < 1e-5);
    assert.equal(a.passes, 6);
  });

  it('a unit of any layer is a target: a channel mean, a neuron, a probability', async () => {
    const { model, x } = net('mnist_cnn');
    const mean = await explain(model, x, { method: 'saliency', target: { kind: 'unit', layerId: 'conv2', channel: 5 } });
    assert.equal(mean.targetLabel, 'conv2 · unit 5 (channel mean)');
    const neuron = await explain(model, x, { method: 'gradxinput', target: { kind: 'unit', layerId: 'conv2', channel: 5, y: 4, x: 6 } });
    // A neuron of conv2 (3×3 over a 2×2-pooled 3×3 conv) sees only a 10×10 window of the 28×28 input.
    let outside = 0;
    neuron.data.forEach((v, i) => {
      const [yy, xx] = [Math.floor(i / 28), i % 28];
      if ((yy < 8 || yy >= 18 || xx < 12 || xx >= 22) && v !== 0) outside++;
    });
    assert.equal(outside, 0, 'gradient outside the neuron’s receptive field');
    assert.ok(neuron.data.some((v) => v !== 0));
    const probability = await explain(model, x, { method: 'saliency', target: { ...topClass('mnist_cnn'), score: 'probability' } });
    assert.match(probability.targetLabel, /\(probability\)$/);
    assert.ok(relativeL2(probability.data, attributionRefs().map('mnist_cnn.saliency').data) > 1e-3);
  });

  it("Grad-CAM of a unit of a spatial layer defaults to that layer (the class's default lies downstream): the unit's own map, ReLU'd and upsampled", async () => {
    const { model, x } = net('mnist_cnn');
    assert.equal(defaultCamLayerId(model.info, 'conv2'), 'conv2');
    assert.equal(defaultCamLayerId(model.info, 'fc'), defaultCamLayerId(model.info), 'a vector layer keeps the class default');
    const target = { kind: 'unit' as const, layerId: 'conv2', channel: 4 };
    const map = await explain(model, x, { method: 'gradcam', target });
    assert.equal(map.camLayerId, 'conv2');
    // The channel mean's gradient is 1/(h·w) on channel 4 and 0 elsewhere, so the map is ReLU(A₄)/(h·w).
    const a = tf.tidy(() => model.forward(x, ['conv2'])[0] as tf.Tensor4D);
    const [, h, w] = a.shape;
    const own = tf.tidy(() => tf.div(tf.relu(tf.slice(a, [0, 0, 0, 4], [1, h, w, 1])), h * w).dataSync() as Float32Array);
    a.dispose();
    assert.ok(own.some((v) => v > 0), 'unit 4 of conv2 is silent on the fixture input');
    const expected = upsampleBilinear(own, h, w, map.height, map.width);
    assert.ok(relativeL2(map.data, expected) < 1e-5, `relative L2 ${relativeL2(map.data, expected)}`);
    await assert.doesNotReject(explain(model, x, { method: 'guided-gradcam', target }));
  });

  it('cancel stops a long run between batches, with the one cancelled error', async () => {
    const { model, x } = net('mnist_cnn');
    const controller = new AbortController();
    let batches = 0;
    await assert.rejects(
      explain(model, x, { method: 'ig', steps: 64, batchSize: 4, target: topClass('mnist_cnn') }, {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.done > 0 && ++batches === 2) controller.abort();
        },
      }),
      (e: unknown) => e instanceof LayerLensError && e.code === 'cancelled',
    );
    assert.equal(batches, 2);
  });

  it('refuses an unknown layer, class, unit or cam layer in one sentence, before any pass', async () => {
    const { model, x } = net('mnist_cnn');
    const cases: [Partial<AttributionOptions>, RegExp][] = [
      [{ target: { kind: 'class', classIndex: 10 } }, /Class 10 is not one of .*'s classes \(0–9\)\./],
      [{ target: { kind: 'class' } as never }, /needs a class index/],
      [{ target: { kind: 'unit', layerId: 'nope', channel: 0 } }, /has no layer "nope"/],
      [{ target: { kind: 'unit', layerId: 'conv2', channel: 32 } }, /Unit 32 is not one of conv2's units \(0–31\)\./],
      [{ target: { kind: 'unit', layerId: 'fc', channel: 1, y: 0, x: 0 } }, /fc has no spatial map/],
      [{ method: 'gradcam', camLayerId: 'fc' }, /fc has no spatial map/],
      [{ method: 'ig', steps: 0 }, /steps must be a whole number/],
    ];
    for (const [options, message] of cases) {
      await assert.rejects(explain(model, x, { method: 'saliency', target: topClass('mnist_cnn'), ...options } as AttributionOptions), (e: unknown) => {
        assert.ok(e instanceof LayerLensError, String(e));
        assert.match(e.message, message);
        assert.equal(e.message.split('. ').length, 1, e.message);
        return true;
      });
    }
  });

  it('picks the last spatial layer before pooling as the default Grad-CAM layer, and leaks no tensors', async () => {
    assert.equal(defaultCamLayerId(net('mnist_cnn').model.info), 'pool2');
    assert.equal(defaultCamLayerId(net('dilated_conv').model.info), 'relu_3');
    const { model, x } = net('mnist_cnn');
    const methods = ['gradcam', 'gradcampp', 'saliency', 'gradxinput', 'smoothgrad', 'ig', 'guided-gradcam', 'occlusion'] as const;
    const run = async () => {
      for (const method of methods) await explain(model, x, { method, steps: 4, samples: 3, window: 10, stride: 9, target: topClass('mnist_cnn') });
    };
    await run();
    const before = tf.memory().numTensors;
    await run();
    assert.equal(tf.memory().numTensors, before);
  });
});
