// Worker thread of the engine's model-load check (modelLoadCheck.ts): loads one model with TF.js's plain CPU
// backend, reports its ModelInfo or the error, and ends. A model whose load never finishes (a layer graph with a
// cycle makes tfjs-layers loop forever, synchronously) blocks only this thread, which the engine terminates.
import { parentPort, workerData } from 'node:worker_threads';
import { loadModel } from '../core/node/loadModelFile';
import { startNodeBackend } from '../core/node/startNodeBackend';
import { toErrorPayload } from '../shared/errors';
import type { ModelLoadReport } from './modelLoadCheck';

async function check(path: string): Promise<ModelLoadReport> {
  try {
    await startNodeBackend('cpu', { nativeKernels: false });
    const model = await loadModel(path);
    const info = model.info;
    model.dispose();
    return { ok: true, info };
  } catch (err) {
    return { ok: false, error: toErrorPayload(err, { action: 'Loading the model', file: path }) };
  }
}

void check((workerData as { path: string }).path).then((report) => parentPort?.postMessage(report));
