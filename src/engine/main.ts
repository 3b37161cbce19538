// Entry of the engine child process: owns TF.js, the loaded models and every heavy call.
import * as tf from '@tensorflow/tfjs-core';
import { startNodeBackend } from '../core/node/startNodeBackend';
import type { EngineMethod, EngineToHost } from '../shared/protocol/engineProtocol';
import { ActivationsHandler } from './handlers/activations';
import { actmaxHandler } from './handlers/actmax';
import { atlasRunHandler } from './handlers/atlas';
import { attributionHandler } from './handlers/attribution';
import { convertPytorchHandler, inspectPytorchHandler, torchvisionExportHandler } from './handlers/convert';
import { kernelsHandler } from './handlers/kernels';
import { topkHandler } from './handlers/topk';
import { unitPageHandler } from './handlers/unitPage';
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
  // The layer tree's request: answered from the worker-thread check, so it never loads the model here.
  loadModel: ({ path, inputSize }, ctx) => (inputSize ? models.infoAtSize(path, inputSize, ctx.signal) : models.info(path, ctx.signal)),
  memory: async () => {
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes };
  },
  kernels: (params) => kernelsHandler(models, params),
  'featureMaps.open': (params, ctx) => activations.open(params, { signal: ctx.signal, onProgress: ctx.progress }),
  'featureMaps.layer': (params, ctx) => activations.layer(params, { signal: ctx.signal }),
  'topk.find': (params, ctx) => topkHandler(models, params, { signal: ctx.signal, onProgress: ctx.progress }),
  actmax: (params, ctx) => actmaxHandler(models, params, { signal: ctx.signal, onFrame: ctx.progress }),
  'attribution.run': (params, ctx) => attributionHandler(models, params, { signal: ctx.signal, onProgress: ctx.progress }),
  'atlas.run': (params, ctx) => atlasRunHandler(models, params, { signal: ctx.signal, onProgress: ctx.progress }),
  'pytorch.inspect': (params, ctx) => inspectPytorchHandler(params, { signal: ctx.signal, onProgress: ctx.progress }),
  'pytorch.convert': (params, ctx) => convertPytorchHandler(params, { signal: ctx.signal, onProgress: ctx.progress }),
  'torchvision.export': (params, ctx) => torchvisionExportHandler(params, { signal: ctx.signal, onProgress: ctx.progress }),
  'unit.page': (params, ctx) => unitPageHandler(models, params, { signal: ctx.signal, onProgress: ctx.progress }),
};

/** The model file a request names (params are validated by then), or undefined. */
function modelPathOf(method: EngineMethod, params: unknown): string | undefined {
  const p = params as { path?: unknown; modelPath?: unknown };
  const path = method === 'loadModel' ? p.path : p.modelPath;
  return typeof path === 'string' ? path : undefined;
}

// A request on a model first waits, outside the handler queue, for the model to have loaded on a worker thread:
// a model that never finishes loading (or is slow to) holds up only the requests on that model.
const server = new RpcServer(handlers, send, (method, params, signal) => {
  const path = modelPathOf(method, params);
  return path === undefined ? undefined : models.checked(path, signal).then(() => undefined);
});
process.on('message', (msg: unknown) => server.receive(msg));
// The engine lives as long as its parent: when the IPC channel closes, exit.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', pid: process.pid });
