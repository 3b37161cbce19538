// Node-only: opens a PyTorch file as a model: converted through the user's Python into the cache (or taken from
// it) and loaded as ONNX, reported under the PyTorch file's own path (its sidecar and identity are the user's).
import { resolve } from 'node:path';
import type { LoadedModel } from '../../model/loadedModel';
import type { ModelLoadOptions } from '../../model/loadOptions';
import { cachedPytorchConversion } from './convertCache';
import { findTorchPython } from './findPython';

export interface PytorchOpenerOptions {
  cacheRoot: string;
  pythonCandidates: readonly string[];
  inputShape?: number[];
  shapeHint?: string;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
  onLog?: (line: string) => void;
  /** Loads the converted ONNX file (the caller's loadModel; passed in to keep this module free of the cycle). */
  loadOnnx: (onnxPath: string, options: ModelLoadOptions) => Promise<LoadedModel>;
}

export function pytorchOpener(opts: PytorchOpenerOptions): (path: string, kind: unknown, options: ModelLoadOptions) => Promise<LoadedModel> {
  return async (path, _kind, options) => {
    const converted = await cachedPytorchConversion({
      cacheRoot: opts.cacheRoot,
      python: async () => {
        opts.onProgress?.('Looking for a Python with torch');
        return (await findTorchPython(opts.pythonCandidates, opts.signal)).python;
      },
      modelPath: path,
      inputShape: opts.inputShape,
      signal: opts.signal,
      onProgress: opts.onProgress,
      onLog: opts.onLog,
      shapeHint: opts.shapeHint,
    });
    const model = await opts.loadOnnx(converted.onnxPath, options);
    model.info.path = resolve(path);
    return model;
  };
}
