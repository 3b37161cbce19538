// What a GPU backend tells the rest of the core: its largest storage binding (top-k sizes its batches by it) and
// the error thrown when the device ran out of memory (top-k retries with a smaller batch). Backend-neutral so
// the core needs no Node or WebGPU import; src/core/node/webgpu sets it when the webgpu backend starts.
import { LayerLensError } from '../shared/errors';

let maxBindingBytes: number | undefined;

export function setGpuBindingLimit(bytes: number | undefined): void {
  maxBindingBytes = bytes;
}

/** Largest batch whose biggest per-batch tensor (`bytesPerItem` each) fits one storage binding; Infinity off GPU. */
export function batchCapForGpu(bytesPerItem: number): number {
  if (maxBindingBytes === undefined || bytesPerItem <= 0) return Infinity;
  return Math.max(1, Math.floor(maxBindingBytes / bytesPerItem));
}

export class GpuOutOfMemoryError extends LayerLensError {
  constructor(detail: string) {
    super('internal', `The GPU ran out of memory (${detail}); try a smaller batch or input size.`);
  }
}
