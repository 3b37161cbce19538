// Activation maximization checks, before its first step, that the gradient reaches the image from the objective
// layer; where it cannot, one sentence names the layer, the op and what still works.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../helpers/backend';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { renderActmax } from '../../../src/core/actmax';
import { checkGradientPath } from '../../../src/core/actmax/gradientCheck';
import { defaultInputSpec } from '../../../src/core/actmax/modelInput';
import { computeActivations } from '../../../src/core/activations/computeActivations';
import type { LoadedModel } from '../../../src/core/model/loadedModel';
import { LayerLensError } from '../../../src/shared/errors';
import type { ModelInfo } from '../../../src/shared/model';
import { NO_GRADIENT_LAYER, writeNoGradientModel } from './gradientCheckModels';
import { actmaxHandler } from '../../../src/engine/handlers/actmax';
import { RpcServer, type HandlerTable } from '../../../src/engine/rpcServer';
import type { ActmaxParams } from '../../../src/shared/actmaxProtocol';
import type { EngineToHost } from '../../../src/shared/protocol/engineProtocol';

before(async () => {
  await useBackend('wasm');
});

/** Runs actmax and returns the refusal, asserting that no step ran before it. */
async function refusal(model: LoadedModel, layerId: string): Promise<{ error: LayerLensError }> {
  let progress = 0;
  let frames = 0;
  try {
    await renderActmax(model, { layerId, units: [0], preset: 'lucid', overrides: { steps: 50 } }, { onProgress: () => progress++, onFrame: () => frames++ });
  } catch (e) {
    assert.ok(e instanceof LayerLensError, `not our error: ${String(e)}`);
    assert.equal(progress, 0, 'a step ran before the refusal');
    assert.equal(frames, 0);
    return { error: e };
  }
  assert.fail(`actmax on ${layerId} ran instead of refusing`);
}

function assertOneSentence(message: string): void {
  assert.equal(message.split('\n').length, 1, message);
  assert.doesNotMatch(message, /Cannot compute gradient|not registered for backend|Cannot read propert|undefined|tfjs|github/i, message);
}

test('a layer behind an op without a gradient is refused before step 1, naming that layer, the op and what works', async () => {
  const path = writeNoGradientModel();
  const loaded = await loadModel(path);
  let passes = 0;
  const model: LoadedModel = { ...loaded, info: loaded.info, forward: (x, ids) => (passes++, loaded.forward(x, ids)) };
  const tensors = tf.memory().numTensors;
  for (const target of ['head/Relu', 'head/Conv2D', 'head', NO_GRADIENT_LAYER]) {
    const before = passes;
    const { error } = await refusal(model, target);
    assert.equal(error.code, 'unsupportedOp');
    assert.equal(
      error.message,
      `Activation maximization cannot pass through layer "${NO_GRADIENT_LAYER}" of ${path} (op TopK, which has no gradient in TensorFlow.js); feature maps and top-k work.`,
    );
    assertOneSentence(error.message);
    // Before any long work: the check's own forward pass (and one more to name the layer), no step's.
    assert.ok(passes - before >= 1 && passes - before <= 2, `${target}: refused after ${passes - before} forward passes`);
  }
  assert.equal(tf.memory().numTensors, tensors, 'the check leaks no tensor');

  // What the sentence promises: the feature maps of every layer, the blocked one and those after it included.
  const acts = await computeActivations(model, tf.ones([1, 8, 8, 1]) as tf.Tensor4D, ['stem/Relu', NO_GRADIENT_LAYER, 'head/Relu']);
  assert.deepEqual(acts.map((a) => a.shape), [[1, 8, 8, 4], [1, 8, 8, 2], [1, 8, 8, 3]]);
  assert.ok(acts[2]!.data.some((v) => v > 0));

  // A layer before the op still runs, and its objective climbs.
  const ran = await renderActmax(model, { layerId: 'stem/Relu', units: [1], preset: 'lucid', overrides: { steps: 12 } });
  const h = ran.objectiveHistory[0]!;
  assert.equal(h.length, 12);
  assert.ok(h[11]! > h[0]!, `objective ${h[0]} → ${h[11]}`);
  model.dispose();
});

test('the verdict is kept: a second refusal on the same layer runs no forward pass', async () => {
  const model = await loadModel(writeNoGradientModel());
  let passes = 0;
  const counted: LoadedModel = { ...model, info: model.info, forward: (x, ids) => (passes++, model.forward(x, ids)) };
  await refusal(counted, 'head/Relu');
  const first = passes;
  assert.ok(first >= 1 && first <= 2, `the check ran ${first} forward passes`);
  await refusal(counted, 'head/Relu');
  assert.equal(passes, first);
  // A passing verdict is kept too: the run's own steps are the only passes after the first.
  await renderActmax(counted, { layerId: 'stem/Relu', units: [0], preset: 'lucid', overrides: { steps: 2 } });
  const afterOne = passes;
  await renderActmax(counted, { layerId: 'stem/Relu', units: [0], preset: 'lucid', overrides: { steps: 2 } });
  assert.equal(passes - afterOne, 2);
  model.dispose();
});

// A throwaway op of our own (a copy of its input) whose gradient each test chooses: TF.js may gain gradients for
// real ops, this one stays as the test makes it.
const PROBE_OP = 'LayerLensTestProbe';
const NO_GRAD_OP = 'LayerLensTestNoGradient';
let probeGradient: (dy: tf.Tensor) => tf.Tensor = (dy) => dy;
for (const kernelName of [PROBE_OP, NO_GRAD_OP]) {
  for (const backendName of ['wasm', 'cpu']) {
    tf.registerKernel({
      kernelName,
      backendName,
      kernelFunc: ({ inputs, backend }) => {
        const x = inputs.x as tf.TensorInfo;
        const b = backend as tf.KernelBackend;
        const values = (b.readSync(x.dataId) as Float32Array).slice();
        return { dataId: b.write(values, x.shape, x.dtype), shape: x.shape, dtype: x.dtype };
      },
    });
  }
}
tf.registerGradient({ kernelName: PROBE_OP, gradFunc: (dy) => ({ x: () => probeGradient(dy as tf.Tensor) }) });

/** input → conv (3×3, 1→2) → probe (the op under test) → out (relu): a LoadedModel of our own. */
function probeModel(op: string): LoadedModel {
  const filter = tf.tensor4d(Float32Array.from({ length: 18 }, (_, i) => Math.cos(i)), [3, 3, 1, 2]);
  const info: ModelInfo = {
    path: '/models/probe/model.json',
    name: 'probe',
    format: 'graph',
    inputShape: [null, 8, 8, 1],
    nativeLayout: 'NHWC',
    layers: [
      { id: 'input', name: 'input', className: 'Placeholder', kind: 'input', outputShape: [null, 8, 8, 1], paramCount: 0 },
      { id: 'conv', name: 'conv', className: 'Conv2D', kind: 'conv', outputShape: [null, 8, 8, 2], paramCount: 18 },
      { id: 'probe', name: 'probe', className: op, kind: 'other', outputShape: [null, 8, 8, 2], paramCount: 0 },
      { id: 'out', name: 'out', className: 'Relu', kind: 'activation', outputShape: [null, 8, 8, 2], paramCount: 0 },
      { id: 'size', name: 'size', className: 'Shape', kind: 'other', outputShape: [4], paramCount: 0 },
    ],
    outputIds: ['out'],
    paramCount: 18,
    warnings: [],
  };
  return {
    info,
    forward: (x, ids) =>
      tf.tidy(() => {
        const conv = tf.conv2d(x, filter, 1, 'same');
        const probe = tf.engine().runKernel(op, { x: conv }) as tf.Tensor;
        const byId: Record<string, tf.Tensor> = { input: x, conv, probe, out: tf.relu(probe), size: tf.tensor1d(x.shape, 'int32') };
        return ids.map((id) => tf.clone(byId[id] as tf.Tensor));
      }),
    kernel: () => null,
    dispose: () => filter.dispose(),
  };
}

test('an op registered without a gradient is named with its layer, and the layer before it runs', async () => {
  const model = probeModel(NO_GRAD_OP);
  const { error } = await refusal(model, 'out');
  assert.equal(
    error.message,
    `Activation maximization cannot pass through layer "probe" of /models/probe/model.json (op ${NO_GRAD_OP}, which has no gradient in TensorFlow.js); feature maps and top-k work.`,
  );
  const ran = await renderActmax(model, { layerId: 'conv', units: [0], preset: 'lucid', overrides: { steps: 3 } });
  assert.equal(ran.objectiveHistory[0]!.length, 3);
  model.dispose();
});

test('a gradient that needs a kernel the backend lacks is found by the backward probe and named in our words', async () => {
  probeGradient = (dy) => tf.engine().runKernel('LayerLensTestAbsentKernel', { x: dy }) as tf.Tensor;
  try {
    const model = probeModel(PROBE_OP);
    const tensors = tf.memory().numTensors;
    const { error } = await refusal(model, 'out');
    assert.equal(
      error.message,
      `Activation maximization cannot pass through layer "probe" of /models/probe/model.json on the wasm backend (the gradient of op ${PROBE_OP} needs the kernel LayerLensTestAbsentKernel, which wasm lacks); feature maps and top-k work.`,
    );
    assertOneSentence(error.message);
    assert.equal(tf.memory().numTensors, tensors, 'a failed backward pass leaks no tensor');
    model.dispose();
  } finally {
    probeGradient = (dy) => dy;
  }
});

test("a gradient that fails inside TF.js (\"Cannot read properties of undefined (reading 'dtype')\") is one sentence of ours", async () => {
  probeGradient = () => {
    const missing = undefined as unknown as tf.Tensor;
    return tf.add(missing.dtype as unknown as tf.Tensor, 1);
  };
  try {
    const model = probeModel(PROBE_OP);
    const { error } = await refusal(model, 'out');
    assert.equal(
      error.message,
      `Activation maximization cannot pass through layer "probe" of /models/probe/model.json (the gradient of op ${PROBE_OP} failed on the wasm backend); feature maps and top-k work.`,
    );
    assertOneSentence(error.message);
    model.dispose();
  } finally {
    probeGradient = (dy) => dy;
  }
});

test('a working gradient passes the check, and the check costs one forward and one backward pass', async () => {
  const probe = probeModel(PROBE_OP);
  let forwards = 0;
  let backwards = 0;
  const model: LoadedModel = { ...probe, info: probe.info, forward: (x, ids) => (forwards++, probe.forward(x, ids)) };
  probeGradient = (dy) => (backwards++, dy);
  try {
    const spec = defaultInputSpec(model.info);
    checkGradientPath(model, ['out'], { height: 8, width: 8, channels: 1, spec, fixed: [8, 8] });
    assert.deepEqual({ forwards, backwards }, { forwards: 1, backwards: 1 });
  } finally {
    probeGradient = (dy) => dy;
    model.dispose();
  }
});

test('a layer whose values do not depend on the image (a shape) is refused in one sentence', async () => {
  const model = probeModel(PROBE_OP);
  const { error } = await refusal(model, 'size');
  assert.equal(
    error.message,
    'Activation maximization cannot optimize layer "size" of /models/probe/model.json: its values do not depend on the image (a shape or a constant); pick a layer that does.',
  );
  model.dispose();
});

test('through the engine, the refusal arrives as its error payload: our sentence, code unsupportedOp', async () => {
  const path = writeNoGradientModel();
  const model = await loadModel(path);
  const sent: EngineToHost[] = [];
  const handlers = {
    actmax: (params: ActmaxParams) => actmaxHandler({ get: async () => model }, params),
  } as unknown as HandlerTable;
  const rpc = new RpcServer(handlers, (m) => sent.push(m));
  rpc.receive({ type: 'request', id: 7, method: 'actmax', params: { modelPath: path, request: { layerId: 'head/Relu', units: [0], preset: 'lucid' } } });
  for (let i = 0; i < 400 && !sent.some((m) => m.type === 'error' || m.type === 'response'); i++) await new Promise((r) => setTimeout(r, 5));
  const answer = sent.find((m) => m.type === 'error' || m.type === 'response');
  assert.ok(answer?.type === 'error', JSON.stringify(answer));
  assert.equal(answer.error.code, 'unsupportedOp');
  assert.match(answer.error.message, /^Activation maximization cannot pass through layer "detect\/TopKV2" of .* \(op TopK, which has no gradient in TensorFlow\.js\); feature maps and top-k work\.$/);
  assert.ok(!sent.some((m) => m.type === 'progress'), 'no frame before the refusal');
  model.dispose();
});
