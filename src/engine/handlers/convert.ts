// PyTorch work in the engine, with the user's own Python: what a .pt/.pth holds, its conversion to ONNX, and a
// torchvision model's export. The host may not import the core, so these run here; Python runs as a child of the
// engine and the request's signal ends it (a cancel from the host, or the host's kill of the engine).
import { convertPytorchToOnnx } from '../../core/node/python/convertPytorch';
import { exportTorchvision } from '../../core/node/python/exportTorchvision';
import { findTorchPython } from '../../core/node/python/findPython';
import { inspectPytorchFile } from '../../core/node/python/inspectPytorch';
import type {
  PytorchConvertParams,
  PytorchConvertResult,
  PytorchInspectParams,
  PytorchInspectResult,
  PythonProgress,
  TorchvisionExportParams,
  TorchvisionExportResult,
} from '../../shared/pytorchProtocol';

export interface PythonHandlerOptions {
  signal?: AbortSignal;
  onProgress?: (p: PythonProgress) => void;
}

export async function inspectPytorchHandler(params: PytorchInspectParams, options: PythonHandlerOptions = {}): Promise<PytorchInspectResult> {
  options.onProgress?.({ message: 'Looking for a Python with torch…' });
  const found = await findTorchPython(params.pythonCandidates, options.signal);
  options.onProgress?.({ message: `Reading the file with torch ${found.torchVersion}…` });
  const info = await inspectPytorchFile(found.python, params.path, options.signal);
  return {
    python: found.python,
    torchVersion: found.torchVersion,
    kind: info.kind,
    ...(info.className !== undefined ? { className: info.className } : {}),
    ...(info.inputShape !== undefined ? { inputShape: info.inputShape } : {}),
  };
}

export async function convertPytorchHandler(params: PytorchConvertParams, options: PythonHandlerOptions = {}): Promise<PytorchConvertResult> {
  const done = await convertPytorchToOnnx({
    python: params.python,
    modelPath: params.path,
    inputShape: params.inputShape,
    outPath: params.outPath,
    signal: options.signal,
    onProgress: (message) => options.onProgress?.({ message }),
  });
  return { onnxPath: done.onnxPath, inputShape: done.inputShape, kind: done.kind };
}

export async function torchvisionExportHandler(params: TorchvisionExportParams, options: PythonHandlerOptions = {}): Promise<TorchvisionExportResult> {
  options.onProgress?.({ message: 'Looking for a Python with torchvision…' });
  const found = await findTorchPython(params.pythonCandidates, options.signal);
  const done = await exportTorchvision({
    python: found.python,
    name: params.name,
    pretrained: params.pretrained,
    outDir: params.outDir,
    signal: options.signal,
    onProgress: (message) => options.onProgress?.({ message }),
  });
  return { modelPath: done.modelPath, sidecarPath: done.sidecarPath, python: found.python };
}
