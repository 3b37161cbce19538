// TF.js's webgpu backend drops a tensor's CPU values once they are uploaded, and its dataSync then needs
// OffscreenCanvas, which Node lacks. The core reads some uploaded tensors synchronously (model weights when a
// kernel is flipped for a gradient, constants an ONNX graph folds), so their values are kept beside the tensor
// while it lives. A synchronous read of a value the GPU computed fails with one sentence, not a TF.js message.
import { LayerLensError } from '../../../shared/errors';

export interface SyncReadableBackend {
  uploadToGPU(dataId: object): void;
  readSync(dataId: object): unknown;
  tensorMap: { get(dataId: object): { values?: unknown } | undefined };
}

export function keepCpuCopies(backend: SyncReadableBackend): void {
  const copies = new WeakMap<object, unknown>();
  const upload = backend.uploadToGPU.bind(backend);
  backend.uploadToGPU = (dataId: object) => {
    const values = backend.tensorMap.get(dataId)?.values;
    if (values != null) copies.set(dataId, values);
    upload(dataId);
  };
  const readSync = backend.readSync.bind(backend);
  backend.readSync = (dataId: object) => {
    const kept = copies.get(dataId);
    if (kept !== undefined && backend.tensorMap.get(dataId)?.values == null) return kept;
    if (backend.tensorMap.get(dataId)?.values != null) return readSync(dataId);
    throw new LayerLensError('internal', 'A value computed on the GPU was read synchronously (dataSync), which WebGPU in Node cannot do; it must be read with data().');
  };
}
