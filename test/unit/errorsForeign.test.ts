// No TF.js, V8 or Node message reaches a user: the ones we know become a clause in our words, every other becomes
// one sentence naming the work and the file, and the raw text stays in a log (the engine's) or behind --verbose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { LayerLensError, toErrorPayload } from '../../src/shared/errors';
import { foreignErrorSentence, knownCause } from '../../src/shared/foreignErrors';
import { tfjsReason } from '../../src/core/model/tfjsReason';
import { RpcServer, type HandlerTable } from '../../src/engine/rpcServer';
import type { EngineToHost } from '../../src/shared/protocol/engineProtocol';
import { runCli } from '../helpers/runCli';
import { writeUnrunnableModel } from './actmax/gradientCheckModels';

/** What TF.js, V8 or Node threw for `f`. */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('nothing was thrown');
}

const FOREIGN_WORDS = /Kernel '|not registered|Cannot read propert|undefined|ENOENT|no such file|tfjs|github|\bat \w+ \(/;

test("the issue's TF.js messages come out in our words", () => {
  const kernel = new Error("Kernel 'DepthwiseConv2dNativeBackpropInput' not registered for backend 'wasm'");
  assert.equal(knownCause(kernel), 'the wasm backend has no kernel DepthwiseConv2dNativeBackpropInput');
  assert.equal(
    toErrorPayload(kernel, { action: 'Activation maximization', file: 'nets/mobilenet/model.json' }).message,
    'Activation maximization on nets/mobilenet/model.json failed: the wasm backend has no kernel DepthwiseConv2dNativeBackpropInput.',
  );
  const dtype = new TypeError("Cannot read properties of undefined (reading 'dtype')");
  assert.deepEqual(toErrorPayload(dtype, { action: 'Activation maximization', file: 'inception/model.json', details: 'the Layer Lens output channel has the details' }), {
    code: 'internal',
    message: 'Activation maximization on inception/model.json failed with an internal error; the Layer Lens output channel has the details.',
  });
  assert.equal(tfjsReason(kernel), 'the wasm backend has no kernel DepthwiseConv2dNativeBackpropInput');
  assert.equal(tfjsReason(dtype), '');
});

test('errors thrown live by TF.js, V8 and Node become sentences of ours', async () => {
  await tf.setBackend('cpu');
  const cases: [unknown, string][] = [
    [thrown(() => tf.engine().runKernel('LayerLensNoSuchKernel', { x: tf.scalar(1) })), 'failed: the cpu backend has no kernel LayerLensNoSuchKernel.'],
    [thrown(() => tf.grad((x: tf.Tensor) => tf.sum(tf.topk(x, 1).values))(tf.ones([3]))), 'failed: the op TopK has no gradient in TensorFlow.js.'],
    [thrown(() => readFileSync('/nonexistent/layer-lens/model.json')), 'failed: a file it needs does not exist.'],
    [thrown(() => new Float32Array(2 ** 40)), 'failed: it ran out of memory.'],
    [thrown(() => (undefined as unknown as { shape: number[] }).shape), 'failed with an internal error.'],
    [thrown(() => tf.reshape(tf.ones([64]), [-1, 7])), 'failed with an internal error.'],
  ];
  for (const [err, ending] of cases) {
    const { code, message } = toErrorPayload(err, { action: 'Drawing the kernels', file: 'm.json' });
    assert.equal(code, 'internal');
    assert.equal(message, `Drawing the kernels on m.json ${ending}`);
    assert.doesNotMatch(message, FOREIGN_WORDS);
  }
  // Without a context the sentence still says that something failed, in one line.
  assert.equal(foreignErrorSentence(new Error('x\ny')), 'Layer Lens failed with an internal error.');
  // Our own errors and payloads pass unchanged.
  assert.equal(toErrorPayload(new LayerLensError('notFound', 'a.json does not exist.')).message, 'a.json does not exist.');
  assert.deepEqual(toErrorPayload({ code: 'cancelled', message: 'The request was cancelled.' }), { code: 'cancelled', message: 'The request was cancelled.' });
});

test('the engine answers a foreign error with the work and the model file, and logs the raw text', async () => {
  const sent: EngineToHost[] = [];
  const boom = async () => {
    throw new TypeError("Cannot read properties of undefined (reading 'dtype')");
  };
  const handlers = { kernels: boom } as unknown as HandlerTable;
  const rpc = new RpcServer(handlers, (m) => sent.push(m));
  rpc.receive({ type: 'request', id: 1, method: 'kernels', params: { modelPath: '/models/inception/model.json', layerId: 'conv', mode: 'auto', normalize: 'filter' } });
  for (let i = 0; i < 100 && !sent.some((m) => m.type === 'error'); i++) await new Promise((r) => setTimeout(r, 5));
  const error = sent.find((m) => m.type === 'error');
  assert.ok(error?.type === 'error', JSON.stringify(sent));
  assert.deepEqual(error.error, {
    code: 'internal',
    message: 'Drawing the kernels on /models/inception/model.json failed with an internal error; the Layer Lens output channel has the details.',
  });
  const log = sent.find((m) => m.type === 'log');
  assert.ok(log?.type === 'log' && log.message.includes("reading 'dtype'"), 'the raw text is logged');
});

test('the CLI prints one sentence naming the command and the model; --verbose adds the raw text', () => {
  const model = writeUnrunnableModel();
  const image = 'models/mnist-cnn/samples/digit-0-a.png';
  const r = runCli(['activations', '--model', model, '--input', image, '--out', `${model}.out`]);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, `layer-lens activations: Computing the activations on ${model} failed with an internal error; run it again with --verbose for the details.\n`);
  const verbose = runCli(['activations', '--model', model, '--input', image, '--out', `${model}.out`, '--verbose']);
  assert.equal(verbose.status, 1);
  const [first, ...rest] = verbose.stderr.trim().split('\n');
  assert.equal(first, `layer-lens activations: Computing the activations on ${model} failed with an internal error.`);
  assert.match(rest.join('\n'), /fractional|shape/i, 'the raw TF.js text follows');

  // actmax on the same model fails in its check, before any step, in our words.
  const a = runCli(['actmax', '--model', model, '--layer', 'bad/Reshape', '--unit', '0', '--steps', '100000', '--out', `${model}.out`]);
  assert.equal(a.status, 1);
  assert.equal(a.stderr, `layer-lens actmax: Activation maximization cannot start on ${model}: running the model up to layer "bad/Reshape" failed.\n`);
});
