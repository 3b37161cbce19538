// Node-only: the one start-up of TF.js in a Node process (the engine, the CLI, the benchmarks, the tests and the
// training scripts): the backend preference, tfjs-backend-wasm's .wasm files, its threaded build, and the native
// kernels addon, each found the same way everywhere.
import { initBackend, type BackendOptions, type WebgpuHooks } from '../backend';
import type { BackendPreference, BackendStatus } from '../../shared/backend';
import { loadNativeKernels, nativeThreadsFor } from './loadNativeKernelsNode';
import { locateWasmDir } from './wasmDir';
import { initWasmWithThreads, wasmThreadsFor } from './wasmThreadsNode';
import { vulkanLoaderMissing } from './webgpu/vulkanLoader';

export interface NodeBackendOptions {
  /**
   * The `layerLens.wasmThreads` setting: 0 or absent chooses (2 wasm threads where there are 2 cores, native
   * kernels on every core up to 8), 1 runs on one thread, n on n.
   */
  threads?: number;
  /** Threads of the native kernels when they must differ from what `threads` gives (tests pin 2). */
  nativeThreads?: number;
  /**
   * The native kernels addon (dist/layer_lens_kernels.node) replaces TF.js's hot kernels when it was built
   * (default). false leaves TF.js's kernels and no kernels line in the status; with `nativeKernelsOffReason`
   * the status says why they are off.
   */
  nativeKernels?: boolean;
  nativeKernelsOffReason?: string;
  /** Loads a native TF.js binding; only the engine passes it (the one place such a binding may be loaded). */
  loadNative?: BackendOptions['loadNative'];
  /** The WebGPU start; default: Dawn through src/core/node/webgpu (tests inject their own). */
  webgpu?: BackendOptions['webgpu'];
  /** Why WebGPU cannot run in this process (the host found no real Node for the engine); said instead of probing. */
  webgpuUnavailable?: string;
  /**
   * The folder holding the bundle's .wasm files and the native addon. Default: beside this code, i.e. dist/ in a
   * bundle; run from source, the .wasm files come from node_modules and the addon from the repository's dist/.
   */
  besideDir?: string;
}

export function startNodeBackend(preference: BackendPreference, options: NodeBackendOptions = {}): Promise<BackendStatus> {
  const beside = options.besideDir ?? __dirname;
  const wasmThreads = wasmThreadsFor(options.threads);
  return initBackend(preference, {
    wasmDir: locateWasmDir(beside),
    loadNative: options.loadNative,
    webgpu: options.webgpu ?? dawnWebgpu,
    webgpuUnavailable: options.webgpuUnavailable ?? electronReason(),
    // A threaded start that fails falls back to one thread; the attempt's reason lands in the status.
    wasmThreads,
    enableWasmThreads: wasmThreads > 1 ? initWasmWithThreads : undefined,
    nativeKernels: nativeKernelsLoader(options, beside),
    nativeThreads: options.nativeThreads ?? nativeThreadsFor(options.threads),
  });
}

function nativeKernelsLoader(options: NodeBackendOptions, beside: string): BackendOptions['nativeKernels'] {
  if (options.nativeKernels !== false) return () => loadNativeKernels(beside);
  const reason = options.nativeKernelsOffReason;
  return reason === undefined ? undefined : () => ({ error: reason });
}

/** Dawn refuses to load inside Electron ("External buffers are not allowed"): say so rather than try. */
function electronReason(): string | undefined {
  const electron = process.versions.electron;
  return electron ? `Dawn cannot load inside Electron ${electron} (VS Code's own Node); set layerLens.nodePath to a Node 20 or later` : undefined;
}

/**
 * Dawn and TF.js's webgpu backend load at the first probe: a process that asks for wasm or cpu (the model-load
 * worker, training scripts, most tests) never loads them.
 */
const dawnWebgpu: WebgpuHooks = {
  // Where Linux has no Vulkan loader (most CI and CPU-only machines, under `auto`) not even TF.js's webgpu backend
  // is imported.
  probe: async () => {
    const missing = vulkanLoaderMissing();
    return missing ? { ok: false, reason: missing } : (await import('./webgpu/webgpuBackend')).probeWebgpu();
  },
  activate: async (options) => (await import('./webgpu/webgpuBackend')).activateWebgpu(options),
};
