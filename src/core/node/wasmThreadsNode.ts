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
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
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
  // The pthread workers Emscripten starts up front (esbuild.mjs makes the bundled module read this): XNNPACK's
  // pool uses threads - 1 of them; the module's own default of 8 costs a worker start and wasm compile each.
  (globalThis as { __layerLensWasmPthreadPool?: number }).__layerLensWasmPthreadPool = Math.max(1, threads - 1);
  if (prepared) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    setThreadsCount(threads);
    return { ...prepared, threads };
  }
  // The exported text holds real newlines where the script means "\n" escapes; TF.js re-escapes them, so do we.
  const workerText = workerModule.wasmWorkerContents.replace(/\n/g, '\\n');
  if (!workerText.includes(BLOB_LOAD)) throw new Error('this tfjs-backend-wasm worker script loads its main script in an unknown way');
  // CommonJS interop: the factory is the module itself or its `default`, as in TF.js's own backend_wasm.js.
  const mod = threadedModule as unknown as { default?: () => unknown };
  const factory = (mod.default ?? mod) as () => unknown;
  const mainText = `var WasmBackendModuleThreadedSimd = ${factory.toString()};\n`;
  // Named by their content, shared by every process of this version and never deleted: workers read them
  // whenever a pthread needs a new one, and an engine killed on cancel would leave a per-process copy behind.
  const hash = createHash('sha256').update(workerText).update(mainText).digest('hex').slice(0, 16);
  const dir = join(os.tmpdir(), `layer-lens-wasm-threads-${hash}`);
  const mainPath = join(dir, 'tfjs-backend-wasm-threaded-simd.main.js');
  const workerPath = join(dir, 'tfjs-backend-wasm-threaded-simd.worker.js');
  mkdirSync(dir, { recursive: true });
  writeOnce(mainPath, mainText);
  writeOnce(workerPath, workerText.replace(BLOB_LOAD, `importScripts(${JSON.stringify(mainPath)});`));
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

/** Writes through a temporary name and a rename, so that a process starting beside it never reads half a file. */
function writeOnce(path: string, text: string): void {
  if (existsSync(path)) return;
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
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
export async function initWasmWithThreads(threads: number, init: () => Promise<boolean>): Promise<boolean> {
  prepareWasmThreads(threads);
  const ok = await withCoreCount(threads, init).catch((e: unknown) => {
    singleThreadedNext();
    throw e;
  });
  if (ok) unrefPthreadWorkers();
  else singleThreadedNext();
  return ok;
}

/** After a failed threaded start, the caller's next try (backend.ts) must pick the single-threaded binary. */
function singleThreadedNext(): void {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
}

/** Threads for the engine from the `layerLens.wasmThreads` setting: 0 or absent = auto (2 where there are 2 cores), else 1..8. */
export function wasmThreadsFor(setting: number | undefined, cores: number = os.cpus().length): number {
  if (setting !== undefined && Number.isFinite(setting) && setting >= 1) return Math.min(8, Math.floor(setting));
  return Math.max(1, Math.min(2, cores));
}

interface PthreadWorker {
  ref(): void;
  unref(): void;
}

interface PthreadRegistry {
  runningWorkers: PthreadWorker[];
  unusedWorkers: PthreadWorker[];
  allocateUnusedWorker(): void;
}

const quieted = new WeakSet<PthreadRegistry>();

/**
 * Lets a process that uses the threaded build end when its work is done. Emscripten `ref()`s the Node Worker
 * of every running pthread, and XNNPACK's pool threads run for the life of the module, so without this the
 * event loop never empties: a script that returns from main (bench/peer.ts, the CLI) stays alive forever at
 * 0-1 % CPU, its main thread idle in epoll_wait and its pool threads parked in a futex. Unref'd workers still
 * run and still deliver their messages while anything else keeps the process up; tfjs never awaits them.
 * Returns how many pthreads were running (the pool's threads minus the caller's).
 */
export function unrefPthreadWorkers(): number {
  const backend = tf.findBackend('wasm') as unknown as { wasm?: { PThread?: PthreadRegistry } } | null;
  const registry = backend?.wasm?.PThread;
  if (!registry) return 0;
  if (quieted.has(registry)) return registry.runningWorkers.length;
  quieted.add(registry);
  const quiet = (w: PthreadWorker): void => {
    w.unref();
    w.ref = () => undefined;
  };
  for (const w of [...registry.runningWorkers, ...registry.unusedWorkers]) quiet(w);
  // A pthread started later gets a worker from this pool, or a new one made here: keep those quiet too.
  const allocate = registry.allocateUnusedWorker.bind(registry);
  registry.allocateUnusedWorker = () => {
    allocate();
    const added = registry.unusedWorkers[registry.unusedWorkers.length - 1];
    if (added) quiet(added);
  };
  return registry.runningWorkers.length;
}
