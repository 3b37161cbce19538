// TF.js's webgpu backend in Node through Dawn: a probe that only looks at the adapter, and the activation that
// creates the device itself (so its errors are watched: dawnErrors.ts), registers the backend and makes it active.
import * as tf from '@tensorflow/tfjs-core';
// Static: a dynamic import would take the package's ESM build, with an ESM tfjs-core of its own whose engine is not
// ours. Without navigator.gpu at import time TF.js registers no factory of its own; activateWebgpu registers ours.
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { LayerLensError } from '../../../shared/errors';
import { setGpuBindingLimit } from '../../gpuLimits';
import { adapterFacts, adapterLabel, type WebgpuAdapterFacts } from './adapterFacts';
import { guardDawnErrors, type WrappableBackend } from './dawnErrors';
import { keepCpuCopies, type SyncReadableBackend } from './cpuCopies';
import { firstLine, loadDawn } from './dawn';
import type { GpuAdapterLike } from './gpuTypes';
import { vulkanDriverFilesMissing, vulkanLoaderMissing } from './vulkanLoader';

export type { WebgpuAdapterFacts } from './adapterFacts';
export { adapterLabel } from './adapterFacts';

export type WebgpuProbe = { ok: true; adapter: WebgpuAdapterFacts } | { ok: false; reason: string };

const NO_ADAPTER =
  process.platform === 'linux'
    ? 'no WebGPU adapter: Dawn found no Vulkan device (it needs the Vulkan loader libvulkan.so.1, e.g. `apt-get install libvulkan1`, and a Vulkan driver for the GPU)'
    : 'no WebGPU adapter: Dawn found no GPU device';

/** Looks for an adapter without registering any TF.js backend. Never throws. */
export async function probeWebgpu(): Promise<WebgpuProbe> {
  const found = await requestAdapter();
  return 'reason' in found ? { ok: false, reason: found.reason } : { ok: true, adapter: found.facts };
}

let active: { facts: WebgpuAdapterFacts } | undefined;

/**
 * Registers TF.js's 'webgpu' backend on a device Layer Lens created and watches (Dawn errors fail the next read)
 * and makes it the active backend. Software adapters only when `allowSoftware`. Throws a LayerLensError whose
 * message is one sentence.
 */
export async function activateWebgpu(opts: { allowSoftware: boolean }): Promise<WebgpuAdapterFacts> {
  if (active && tf.findBackend('webgpu')) {
    if (active.facts.software && !opts.allowSoftware) throw softwareRefusal(active.facts);
    if (!(await tf.setBackend('webgpu'))) throw new LayerLensError('internal', 'The webgpu backend could not start again.');
    return active.facts;
  }
  const found = await requestAdapter();
  if ('reason' in found) throw new LayerLensError('badArgument', `${capitalised(found.reason)}.`);
  const { adapter, facts } = found;
  if (facts.software && !opts.allowSoftware) throw softwareRefusal(facts);
  const device = await adapter.requestDevice(deviceDescriptor(adapter)).catch((e: unknown) => {
    throw new LayerLensError('internal', `The WebGPU adapter ${adapterLabel(facts)} gave no device (${firstLine(e)}).`);
  });
  if (!device) throw new LayerLensError('internal', `The WebGPU adapter ${adapterLabel(facts)} gave no device.`);
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => {
    const backend = new WebGPUBackend(device as never, adapter.info as never);
    guardDawnErrors(device, backend as unknown as WrappableBackend);
    keepCpuCopies(backend as unknown as SyncReadableBackend);
    return backend;
  });
  let ok = false;
  try {
    ok = await tf.setBackend('webgpu');
  } catch (e) {
    throw new LayerLensError('internal', `TF.js's webgpu backend did not start on ${adapterLabel(facts)} (${firstLine(e)}).`);
  }
  if (!ok) throw new LayerLensError('internal', `TF.js's webgpu backend did not start on ${adapterLabel(facts)}.`);
  await tf.ready();
  setGpuBindingLimit(device.limits.maxStorageBufferBindingSize);
  active = { facts };
  return facts;
}

async function requestAdapter(): Promise<{ adapter: GpuAdapterLike; facts: WebgpuAdapterFacts } | { reason: string }> {
  // Before Dawn loads: without the loader it would only print a warning to stderr and find nothing.
  const noVulkan = vulkanLoaderMissing() ?? vulkanDriverFilesMissing();
  if (noVulkan) return { reason: noVulkan };
  const dawn = await loadDawn();
  if ('error' in dawn) return { reason: dawn.error };
  try {
    const adapter = await dawn.gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { reason: NO_ADAPTER };
    return { adapter, facts: adapterFacts(adapter) };
  } catch (e) {
    return { reason: `no WebGPU adapter (${firstLine(e)})` };
  }
}

/** What TF.js's own factory asks for: the adapter's full limits (the defaults cap storage bindings at 128 MiB). */
function deviceDescriptor(adapter: GpuAdapterLike): { requiredFeatures: string[]; requiredLimits: Record<string, number> } {
  const names = [
    'maxComputeWorkgroupStorageSize', 'maxComputeWorkgroupsPerDimension', 'maxStorageBufferBindingSize', 'maxBufferSize',
    'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup',
  ];
  const requiredLimits: Record<string, number> = {};
  for (const n of names) {
    const v = adapter.limits[n];
    if (typeof v === 'number') requiredLimits[n] = v;
  }
  const requiredFeatures = ['timestamp-query'].filter((f) => adapter.features.has(f));
  return { requiredFeatures, requiredLimits };
}

function softwareRefusal(facts: WebgpuAdapterFacts): LayerLensError {
  return new LayerLensError('badArgument', `No hardware WebGPU adapter: only ${adapterLabel(facts)}.`);
}

function capitalised(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

