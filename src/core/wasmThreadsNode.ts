// Node-only: turns on tfjs-backend-wasm's multithreaded build in Node, which TF.js keeps off there (tfjs #3830).
// Why it is off: the backend hands Emscripten its pthread worker script and its main script as Blobs, and
// Node's worker_threads cannot start a worker from a blob: URL (ERR_WORKER_PATH). What this file does, before
// `tf.setBackend('wasm')`:
//  1. writes the worker script to a real file, with its "load the main script from a Blob" step pointed at a
//     second file that holds the threaded module's factory (the same text TF.js would put in the Blob);
//  2. answers URL.createObjectURL for the worker Blob (recognised by its exact size) with that file's path;
//  3. sets WASM_HAS_MULTITHREAD_SUPPORT so that the threaded-SIMD binary is chosen;
//  4. XNNPACK's pool is min(requested, 8, floor(os.cpus().length / 2)) threads (the caller's thread included):
//     on a 2-core machine that is 1, i.e. no worker would ever run. `countCores` lets the caller report more
//     cores to that one computation so that every core can be used (the pool counts the calling thread).
// All of this only changes how work is split; the kernels and their results are the same wasm code.
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { CpuInfo } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
// The package has no exports map: these are its own build outputs (esbuild bundles them, as the backend does).
import * as threadedModule from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
import * as workerModule from './wasmThreadsWorkerScript';

// The real module object (a namespace import is a frozen copy): withCoreCount patches its cpus() for a moment.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const os = require('node:os') as typeof import('node:os');

const BLOB_LOAD =
  'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}else{var objectUrl=URL.createObjectURL(e.data.urlOrBlob);importScripts(objectUrl);URL.revokeObjectURL(objectUrl)}';

export interface WasmThreadsPlan {
  /** Threads asked of XNNPACK (the calling thread counts as one). */
  threads: number;
  /** Folder holding the two script files. */
  dir: string;
}

let prepared: WasmThreadsPlan | undefined;

/**
 * Prepares the threaded wasm build; call before `tf.setBackend('wasm')`, then `withCoreCount` around it.
 * Throws when this tfjs-backend-wasm's worker script is not the one this adapter knows (a version change).
 */
export function prepareWasmThreads(threads: number): WasmThreadsPlan {
  if (prepared) return { ...prepared, threads };
  // The exported text holds real newlines where the script means "\n" escapes; TF.js re-escapes them, so do we.
  const workerText = workerModule.wasmWorkerContents.replace(/\n/g, '\\n');
  if (!workerText.includes(BLOB_LOAD)) throw new Error('this tfjs-backend-wasm worker script loads its main script in an unknown way');
  // CommonJS interop: the factory is the module itself or its `default`, as in TF.js's own backend_wasm.js.
  const mod = threadedModule as unknown as { default?: () => unknown };
  const factory = (mod.default ?? mod) as () => unknown;
  const dir = mkdtempSync(join(os.tmpdir(), 'layer-lens-wasm-'));
  const mainPath = join(dir, 'tfjs-backend-wasm-threaded-simd.main.js');
  const workerPath = join(dir, 'tfjs-backend-wasm-threaded-simd.worker.js');
  writeFileSync(mainPath, `var WasmBackendModuleThreadedSimd = ${factory.toString()};\n`);
  writeFileSync(workerPath, workerText.replace(BLOB_LOAD, `importScripts(${JSON.stringify(mainPath)});`));
  // Its byte size identifies TF.js's worker Blob exactly.
  const workerBlobSize = Buffer.byteLength(workerText);
  const original = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (obj: Blob): string =>
    obj instanceof Blob && obj.type === 'application/javascript' && obj.size === workerBlobSize ? workerPath : original(obj);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  prepared = { threads, dir };
  setThreadsCount(threads);
  return prepared;
}

/** Runs `fn` while os.cpus() reports at least `2 * threads` cores, so that XNNPACK's floor(cpus/2) cap allows `threads`. */
export async function withCoreCount<T>(threads: number, fn: () => Promise<T>): Promise<T> {
  const real = os.cpus;
  const cpus = real();
  if (cpus.length >= 2 * threads || cpus.length === 0) return fn();
  const padded = Array.from({ length: 2 * threads }, (_, i) => cpus[i % cpus.length]!);
  (os as { cpus: () => CpuInfo[] }).cpus = () => padded;
  try {
    return await fn();
  } finally {
    (os as { cpus: () => CpuInfo[] }).cpus = real;
  }
}

/** For BackendOptions.enableWasmThreads: prepares the threaded build and runs the backend's init with the core count it needs. */
export function initWasmWithThreads<T>(threads: number, init: () => Promise<T>): Promise<T> {
  prepareWasmThreads(threads);
  return withCoreCount(threads, init);
}
