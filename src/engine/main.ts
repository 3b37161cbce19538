// Entry of the engine child process: owns TF.js, the loaded models and every heavy call.
import * as tf from '@tensorflow/tfjs-core';
import { startNodeBackend } from '../core/node/startNodeBackend';
import type { EngineToHost, HostToEngine } from '../shared/protocol/engineProtocol';
import { ActivationsHandler } from './handlers/activations';
import { actmaxHandler } from './handlers/actmax';
import { kernelsHandler } from './handlers/kernels';
import { topkHandler } from './handlers/topk';
import { ModelCache } from './modelCache';
import { loadNativeBinding } from './nativeBackend';
import { RpcServer, type HandlerTable } from './rpcServer';

function send(msg: EngineToHost): void {
  process.send?.(msg);
}

const models = new ModelCache();
const activations = new ActivationsHandler(models);

const handlers: HandlerTable = {
  init: async (params) => {
    models.disposeAll();
    activations.clear();
    return startNodeBackend(params.backend, {
      loadNative: () => loadNativeBinding(params.nativeBackendPath),
      threads: params.wasmThreads,
      nativeKernels: params.nativeKernels !== false,
      nativeKernelsOffReason: params.nativeKernelsOffReason ?? 'turned off by layerLens.nativeKernels',
    });
  },
  loadModel: async ({ path }) => (await models.get(path)).info,
  memory: async () => {
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes };
  },
  kernels: (params) => kernelsHandler(models, params),
  'featureMaps.open': (params, ctx) => activations.open(params, { signal: ctx.signal, onProgress: ctx.progress }),
  'featureMaps.layer': (params, ctx) => activations.layer(params, { signal: ctx.signal }),
  'topk.find': (params, ctx) => topkHandler(models, params, { signal: ctx.signal, onProgress: ctx.progress }),
  actmax: (params, ctx) => actmaxHandler(models, params, { signal: ctx.signal, onFrame: ctx.progress }),
};

const server = new RpcServer(handlers, send);
process.on('message', (msg: HostToEngine) => server.receive(msg));
// The engine lives as long as its parent: when the IPC channel closes, exit.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', pid: process.pid });
