// PyTorch work in the engine, with the user's own Python: what a .pt/.pth holds, its conversion to ONNX, and a
// torchvision model's export. The host may not import the core, so these run here; Python runs as a child of the
// engine and the request's signal ends it (a cancel from the host, or the host's kill of the engine).
import { convertPytorchToOnnx } from '../../core/node/python/convertPytorch';
import { exportTorchvision } from '../../core/node/python/exportTorchvision';
import { findTorchPython, type TorchPython } from '../../core/node/python/findPython';
import { inspectPytorchFile } from '../../core/node/python/inspectPytorch';
import { stateDictSnippet } from '../../core/node/python/pytorchFailures';
import type { ParamsOf, ProgressOf, ResultOf } from '../../shared/protocol/engineProtocol';

/**
 * The Python found for a list of candidates, kept for the engine's life: finding one imports torch (seconds), and
 * the interpreters a user has rarely change within a session. Only a success is kept, so a torch installed after a
 * failure is found on the next try; a Python that later loses torch fails its next run with its own sentence.
 */
const found = new Map<string, Promise<TorchPython>>();

function torchPython(candidates: readonly string[], signal: AbortSignal | undefined): Promise<TorchPython> {
  const key = JSON.stringify(candidates);
  let pending = found.get(key);
  if (!pending) {
    pending = findTorchPython(candidates, signal);
    found.set(key, pending);
    pending.catch(() => found.delete(key));
  }
  return pending;
}

export interface PythonHandlerOptions {
  signal?: AbortSignal;
  onProgress?: (p: ProgressOf<'pytorch.convert'>) => void;
}

/** The cancel signal and progress callback as the core's Python runs take them (progress as a bare message). */
function pythonRunOptions(options: PythonHandlerOptions): { signal?: AbortSignal; onProgress: (message: string) => void } {
  return { signal: options.signal, onProgress: (message) => options.onProgress?.({ message }) };
}

export async function inspectPytorchHandler(params: ParamsOf<'pytorch.inspect'>, options: PythonHandlerOptions = {}): Promise<ResultOf<'pytorch.inspect'>> {
  options.onProgress?.({ message: 'Looking for a Python with torch…' });
  const python = await torchPython(params.pythonCandidates, options.signal);
  options.onProgress?.({ message: `Reading the file with torch ${python.torchVersion}…` });
  const info = await inspectPytorchFile(python.python, params.path, options.signal);
  return {
    python: python.python,
    torchVersion: python.torchVersion,
    kind: info.kind,
    ...(info.className !== undefined ? { className: info.className } : {}),
    ...(info.inputShape !== undefined ? { inputShape: info.inputShape } : {}),
    ...(info.kind === 'stateDict' ? { snippet: stateDictSnippet(params.path, info.stateDictKey) } : {}),
  };
}

export async function convertPytorchHandler(params: ParamsOf<'pytorch.convert'>, options: PythonHandlerOptions = {}): Promise<ResultOf<'pytorch.convert'>> {
  const { python, path: modelPath, inputShape, outPath } = params;
  const done = await convertPytorchToOnnx({ python, modelPath, inputShape, outPath, ...pythonRunOptions(options) });
  return { onnxPath: done.onnxPath, inputShape: done.inputShape, kind: done.kind };
}

export async function torchvisionExportHandler(params: ParamsOf<'torchvision.export'>, options: PythonHandlerOptions = {}): Promise<ResultOf<'torchvision.export'>> {
  options.onProgress?.({ message: 'Looking for a Python with torchvision…' });
  const python = await torchPython(params.pythonCandidates, options.signal);
  const { name, pretrained, outDir } = params;
  const done = await exportTorchvision({ python: python.python, name, pretrained, outDir, ...pythonRunOptions(options) });
  return { modelPath: done.modelPath, sidecarPath: done.sidecarPath, python: python.python };
}
