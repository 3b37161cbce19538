import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// Chained ops (x.square()) are only registered on demand when tfjs-core is used without the umbrella package.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendAttempt, BackendPreference, BackendStatus } from '../shared/backend';
import { installInputGradients } from './gradients/installGradients';
import { installNativeKernels, uninstallNativeKernels } from './native/installNativeKernels';
import type { NativeKernelsBinding } from './native/nativeKernelsBinding';

/** What a WebGPU adapter says of itself (src/core/node/webgpu gives it; structurally its WebgpuAdapterFacts). */
export interface WebgpuAdapter {
  vendor: string;
  architecture: string;
  /** SwiftShader, lavapipe, llvmpipe or a fallback adapter: tests and an explicit `webgpu` only, never `auto`. */
  software: boolean;
}

/** The Node-only WebGPU start (Dawn through the `webgpu` package), passed in as a seam. */
export interface WebgpuHooks {
  /** Finds the adapter without registering any TF.js backend. */
  probe(): Promise<{ ok: true; adapter: WebgpuAdapter } | { ok: false; reason: string }>;
  /** Registers and sets TF.js's 'webgpu' backend; throws with one sentence when it cannot. */
  activate(options: { allowSoftware: boolean }): Promise<WebgpuAdapter>;
}

export interface BackendOptions {
  /** Folder holding tfjs-backend-wasm's .wasm files (with a trailing slash added if missing). */
  wasmDir?: string;
  /**
   * Loads a native binding (tfjs-node-gpu or tfjs-node) and reports which one registered.
   * Only the engine passes this: it is the one place a native binding may be loaded.
   */
  loadNative?: () => Promise<{ gpu: boolean } | { error: string }>;
  /** The WebGPU start; absent: WebGPU is recorded as unavailable in this process. */
  webgpu?: WebgpuHooks;
  /** Why WebGPU cannot run in this process at all (e.g. it runs on Electron's Node), said instead of probing. */
  webgpuUnavailable?: string;
  /** Threads for the wasm backend (the calling thread counts as one); 1 or absent: single-threaded. */
  wasmThreads?: number;
  /**
   * Node-only hook that makes the threaded wasm build start (src/core/node/wasmThreadsNode.ts: initWasmWithThreads);
   * it wraps the backend's init. Without it, or when it fails, wasm runs on one thread.
   */
  enableWasmThreads?: (threads: number, init: () => Promise<boolean>) => Promise<boolean>;
  /**
   * Node-only loader of the native kernels addon (src/core/node/loadNativeKernelsNode.ts). When it loads,
   * its Conv2D / FusedConv2D / MaxPoolGrad replace TF.js's on the wasm and cpu backends.
   */
  nativeKernels?: () => NativeKernelsBinding | { error: string };
  /** Threads for the native kernels (default: wasmThreads, else 1). */
  nativeThreads?: number;
}

type Candidate = 'webgpu' | 'native' | 'wasm' | 'cpu';

/** Chooses and activates a backend in the order docs/architecture.md gives; never throws for a backend that fails, it records why. */
export async function initBackend(preference: BackendPreference, options: BackendOptions = {}): Promise<BackendStatus> {
  // PROD silences TF.js's console banners (e.g. "Hi, looks like you are running TensorFlow.js in Node.js"),
  // which would otherwise land in the CLI's output and the engine's log.
  tf.env().set('PROD', true);
  // Before the native kernels install: they wrap the wasm kernels this adds.
  installInputGradients();
  const attempts: BackendAttempt[] = [];
  const chosen = withNotHonoured(await chooseBackend(preference, options, attempts));
  // A second start in the same process (tests, a reinit) must not inherit the first one's kernels.
  uninstallNativeKernels();
  // The native kernels are CPU code for the wasm and cpu backends only.
  if (chosen.active === 'tensorflow' || chosen.active === 'webgpu' || !options.nativeKernels) return chosen;
  const binding = options.nativeKernels();
  if ('error' in binding) return { ...chosen, kernels: `TF.js kernels (native: ${binding.error})` };
  try {
    const line = installNativeKernels(binding, options.nativeThreads ?? options.wasmThreads ?? 1);
    return { ...chosen, detail: `${chosen.detail} + ${line}`, kernels: line };
  } catch (e) {
    return { ...chosen, kernels: `TF.js kernels (native: ${errorText(e)})` };
  }
}

/**
 * The order each preference tries. `auto`: a hardware WebGPU adapter, a user-installed tfjs-node(-gpu), wasm, cpu;
 * an explicit choice falls back to wasm, then cpu, and the status says so.
 */
export function backendOrder(preference: BackendPreference): Candidate[] {
  switch (preference) {
    case 'auto':
      return ['webgpu', 'native', 'wasm', 'cpu'];
    case 'webgpu':
      return ['webgpu', 'wasm', 'cpu'];
    case 'tensorflow':
      return ['native', 'wasm', 'cpu'];
    case 'wasm':
      return ['wasm', 'cpu'];
    case 'cpu':
      return ['cpu'];
  }
}

async function chooseBackend(preference: BackendPreference, options: BackendOptions, attempts: BackendAttempt[]): Promise<BackendStatus> {
  for (const candidate of backendOrder(preference)) {
    if (candidate === 'webgpu') {
      // Only an explicit `webgpu` may run on a software adapter: under `auto` it would be slower than wasm.
      const adapter = await tryWebgpu(preference === 'webgpu', options, attempts);
      if (adapter) return { ...status(preference, attempts, webgpuDetail(adapter)), adapter: { vendor: adapter.vendor, architecture: adapter.architecture, software: adapter.software } };
      continue;
    }
    if (candidate === 'native') {
      if (!options.loadNative) {
        attempts.push({ backend: 'tensorflow', ok: false, reason: 'no native binding can be loaded in this process' });
        continue;
      }
      const loaded = await options.loadNative().catch((e: unknown) => ({ error: errorText(e) }));
      if ('error' in loaded) {
        attempts.push({ backend: 'tensorflow', ok: false, reason: loaded.error });
        continue;
      }
      if (await trySetBackend('tensorflow', attempts, loaded.gpu ? 'tensorflow-gpu' : 'tensorflow')) {
        return status(preference, attempts, `tensorflow (${loaded.gpu ? 'native GPU' : 'native CPU'})`);
      }
      continue;
    }
    if (candidate === 'wasm') {
      if (options.wasmDir) setWasmPaths(options.wasmDir.endsWith('/') ? options.wasmDir : `${options.wasmDir}/`);
      const threads = options.wasmThreads ?? 1;
      const enable = options.enableWasmThreads;
      if (threads > 1 && enable) {
        const threaded = await enable(threads, () => trySetBackend('wasm', attempts, 'wasm')).catch((e: unknown) => {
          attempts.push({ backend: 'wasm', ok: false, reason: `threads: ${errorText(e)}` });
          return false;
        });
        if (threaded) return status(preference, attempts, wasmDetail());
      }
      if (await trySetBackend('wasm', attempts, 'wasm')) return status(preference, attempts, wasmDetail());
      continue;
    }
    if (await trySetBackend('cpu', attempts, 'cpu')) return status(preference, attempts, 'cpu (plain JavaScript)');
  }
  // cpu is always registered; reaching here means even it failed, which is a broken install.
  throw new Error(`No TF.js backend could start: ${attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ')}`);
}

/** Probes, then activates, a WebGPU adapter; records why not and returns undefined when there is none to use. */
async function tryWebgpu(allowSoftware: boolean, options: BackendOptions, attempts: BackendAttempt[]): Promise<WebgpuAdapter | undefined> {
  const skip = (reason: string): undefined => void attempts.push({ backend: 'webgpu', ok: false, reason });
  const hooks = options.webgpu;
  if (options.webgpuUnavailable) return skip(options.webgpuUnavailable);
  if (!hooks) return skip('WebGPU (the optional `webgpu` package) is not available in this process');
  const probe = await hooks.probe().catch((e: unknown) => ({ ok: false as const, reason: errorText(e) }));
  if (!probe.ok) return skip(probe.reason);
  if (probe.adapter.software && !allowSoftware) {
    return skip(`only a software adapter (${adapterName(probe.adapter)}), which auto never picks: it is slower than wasm; choose webgpu to run on it anyway`);
  }
  try {
    const adapter = await hooks.activate({ allowSoftware });
    attempts.push({ backend: 'webgpu', ok: true });
    return adapter;
  } catch (e) {
    return skip(errorText(e));
  }
}

function adapterName(a: WebgpuAdapter): string {
  return [a.vendor, a.architecture].filter((s) => s.trim() !== '').join(' ') || 'unnamed adapter';
}

function webgpuDetail(a: WebgpuAdapter): string {
  return `webgpu (${adapterName(a)}${a.software ? ', software' : ''})`;
}

/** The TF.js backend names that honour each explicit preference. */
const HONOURED_BY: Record<Exclude<BackendPreference, 'auto'>, { active: string; tried: BackendAttempt['backend'][] }> = {
  webgpu: { active: 'webgpu', tried: ['webgpu'] },
  tensorflow: { active: 'tensorflow', tried: ['tensorflow-gpu', 'tensorflow'] },
  wasm: { active: 'wasm', tried: ['wasm'] },
  cpu: { active: 'cpu', tried: ['cpu'] },
};

/** Adds the one sentence a caller shows when an explicit backend choice is not the one running. */
export function withNotHonoured(s: BackendStatus): BackendStatus {
  if (s.preference === 'auto') return s;
  const want = HONOURED_BY[s.preference];
  if (s.active === want.active) return s;
  const reasons = [...new Set(s.attempts.filter((a) => !a.ok && want.tried.includes(a.backend)).map((a) => a.reason ?? 'it did not start'))];
  const why = reasons.length > 0 ? reasons.join('; ') : 'it did not start';
  return { ...s, notHonoured: `Backend ${s.preference} could not be used (${why}); ${s.detail} runs instead.` };
}

async function trySetBackend(name: string, attempts: BackendAttempt[], label: BackendAttempt['backend']): Promise<boolean> {
  try {
    const ok = await tf.setBackend(name);
    await tf.ready();
    attempts.push(ok ? { backend: label, ok: true } : { backend: label, ok: false, reason: `TF.js could not initialise the ${name} backend` });
    return ok;
  } catch (e) {
    attempts.push({ backend: label, ok: false, reason: errorText(e) });
    return false;
  }
}

function wasmDetail(): string {
  const n = getThreadsCount();
  return `wasm (SIMD, ${n} thread${n === 1 ? '' : 's'})`;
}

function status(preference: BackendPreference, attempts: BackendAttempt[], detail: string): BackendStatus {
  return { active: tf.getBackend(), detail, preference, attempts };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
