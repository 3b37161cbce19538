// Loads Dawn's Node binding (the optional npm package `webgpu`) once per process and gives Node the browser's
// `navigator.gpu` and GPU* globals, which TF.js's webgpu backend looks for when it is imported.
import type { GpuLike } from './gpuTypes';

let loaded: Promise<{ gpu: GpuLike } | { error: string }> | undefined;

export function loadDawn(): Promise<{ gpu: GpuLike } | { error: string }> {
  loaded ??= load();
  return loaded;
}

async function load(): Promise<{ gpu: GpuLike } | { error: string }> {
  // Electron (desktop VS Code's extension host, or a child forked with its binary) makes Dawn abort with
  // "External buffers are not allowed": refuse before the addon loads.
  if (process.versions.electron) return { error: 'WebGPU needs a real Node, not Electron' };
  let mod: { create(flags: string[]): unknown; globals: object };
  try {
    // A variable specifier keeps esbuild from following it: the package is an optional native addon, external to
    // every bundle (esbuild.mjs) and absent where the optional install failed.
    const name = 'webgpu';
    mod = (await import(name)) as typeof mod;
  } catch (e) {
    return { error: `the optional package 'webgpu' (Dawn for Node) is not installed or cannot load here (${firstLine(e)})` };
  }
  const g = globalThis as { navigator?: { gpu?: unknown } };
  for (const [k, v] of Object.entries(mod.globals)) {
    if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  }
  const gpu = mod.create([]) as GpuLike;
  // Node 21+ has a read-only navigator: add gpu to it; Node 20 has none.
  if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  return { gpu };
}

export function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return (text.split('\n').find((l) => l.trim() !== '') ?? text).trim();
}
