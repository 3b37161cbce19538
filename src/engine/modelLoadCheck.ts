// Loading a model runs TF.js's deserialisation synchronously, and a hostile or broken file can make it never end
// (tfjs-layers loops forever on a layer graph with a cycle). Nothing interrupts synchronous JavaScript in the
// engine's own thread, and every later request would wait behind it; so each model is first loaded once on a
// worker thread, with a time bound and cancellation (terminate()), and only a model that loaded there is loaded
// in the engine. The worker's ModelInfo answers the layer tree without touching the engine's thread at all.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { LayerLensError, type ErrorPayload } from '../shared/errors';
import { foreignErrorSentence } from '../shared/foreignErrors';
import type { ModelInfo } from '../shared/model';

export type ModelLoadReport = { ok: true; info: ModelInfo } | { ok: false; error: ErrorPayload };

/** Default bound of one check: a VGG-sized ONNX file loads in well under this on two cores. */
export const DEFAULT_MODEL_LOAD_TIMEOUT_MS = 120_000;
/** JavaScript heap of the worker (weights are ArrayBuffers outside it): a runaway loop fails here, not the engine. */
const WORKER_HEAP_MB = 1024;
const BUNDLED_WORKER = 'modelLoadWorker.js';

/**
 * Workers started in this process so far. Each one loads TF.js (about 1.5 s of CPU), so the number says what a
 * request cost: tests read it to tell a refusal answered from the model cache from one that started a worker.
 */
let workersStarted = 0;
export function modelLoadWorkersStarted(): number {
  return workersStarted;
}

/** LAYER_LENS_MODEL_LOAD_TIMEOUT_MS (tests) or the default. */
export function modelLoadTimeoutMs(): number {
  const v = Number(process.env.LAYER_LENS_MODEL_LOAD_TIMEOUT_MS);
  return Number.isFinite(v) && v > 0 ? v : DEFAULT_MODEL_LOAD_TIMEOUT_MS;
}

/** Loads `path` on a worker thread; resolves with its ModelInfo, rejects with one sentence. */
export function checkModelLoads(path: string, signal: AbortSignal, timeoutMs = modelLoadTimeoutMs()): Promise<ModelInfo> {
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<ModelInfo>((resolve, reject) => {
    let worker: Worker;
    try {
      worker = startWorker(path);
    } catch (err) {
      reject(new LayerLensError('internal', foreignErrorSentence(err, { action: 'Starting the engine\'s model-load worker', file: path })));
      return;
    }
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      outcome();
    };
    const seconds = Math.round(timeoutMs / 100) / 10;
    const timer = setTimeout(
      () => settle(() => reject(new LayerLensError('malformedModel', `${path} did not finish loading in ${seconds} s, so Layer Lens gave up on it (too large a model, or a broken layer graph).`))),
      timeoutMs,
    );
    const onAbort = () => settle(() => reject(cancelled()));
    signal.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (report: ModelLoadReport) =>
      settle(() => (report.ok ? resolve(report.info) : reject(new LayerLensError(report.error.code, report.error.message)))),
    );
    worker.once('error', (err: Error & { code?: string }) =>
      settle(() =>
        reject(
          err.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new LayerLensError('malformedModel', `${path} needs more than ${WORKER_HEAP_MB} MB of memory to load its layer graph.`)
            : new LayerLensError('internal', foreignErrorSentence(err, { action: 'Loading the model', file: path })),
        ),
      ),
    );
    worker.once('exit', (code) => settle(() => reject(new LayerLensError('internal', `The engine's model-load worker for ${path} ended (code ${code}) without an answer.`))));
  });
}

function cancelled(): LayerLensError {
  return new LayerLensError('cancelled', 'The request was cancelled.');
}

function startWorker(path: string): Worker {
  workersStarted++;
  const options = { workerData: { path }, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB }, stdout: true, stderr: true };
  // In the bundle (dist/engine.js) the worker is dist/modelLoadWorker.js beside it.
  const bundled = join(__dirname, BUNDLED_WORKER);
  if (existsSync(bundled)) return new Worker(bundled, options);
  // Run from source (tests through tsx): register tsx inside the worker first.
  const source = join(__dirname, 'modelLoadWorker.ts');
  let tsx: string;
  try {
    tsx = require.resolve('tsx/cjs');
  } catch {
    throw new Error(`${bundled} is missing: run npm run build`);
  }
  const bootstrap = `require(${JSON.stringify(tsx)}); require(${JSON.stringify(source)});`;
  return new Worker(bootstrap, { ...options, eval: true });
}
