// Entry of the engine child process: owns TF.js, the loaded models and every heavy call.
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../core/backend';
import { locateWasmDir } from '../core/io/wasmDir';
import { loadNativeKernels, nativeThreadsFor } from '../core/native/loadNativeKernelsNode';
import { initWasmWithThreads, wasmThreadsFor } from '../core/wasmThreadsNode';
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
// The bundle and the .wasm files sit side by side in dist/.
const wasmDir = locateWasmDir(dirname(__filename));

const handlers: HandlerTable = {
  init: async (params) => {
    models.disposeAll();
    activations.clear();
    const threads = wasmThreadsFor(params.wasmThreads);
    return initBackend(params.backend, {
      wasmDir,
      loadNative: () => loadNativeBinding(params.nativeBackendPath),
      // A threaded start that fails falls back to one thread; the attempt's reason lands in the status.
      wasmThreads: threads,
      enableWasmThreads: initWasmWithThreads,
      nativeKernels: () =>
        params.nativeKernels === false
          ? { error: params.nativeKernelsOffReason ?? 'turned off by layerLens.nativeKernels' }
          : loadNativeKernels(dirname(__filename)),
      nativeThreads: nativeThreadsFor(params.wasmThreads),
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
