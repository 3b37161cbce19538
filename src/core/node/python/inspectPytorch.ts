// Node-only: what a .pt/.pth holds (TorchScript, a pickled nn.Module or a state dict), read by the user's Python.
import { basename } from 'node:path';
import { checkPytorchFile } from './pytorchFileCheck';
import { runTorchHelper } from './runPython';
import { failureError } from './pytorchFailures';

export type PytorchFileKind = 'torchscript' | 'pickledModule' | 'stateDict';

export interface PytorchFileInfo {
  kind: PytorchFileKind;
  /** The module's class (TorchScript: its original name, `ResNet`; a pickled module: `mymodels.Net`). */
  className?: string;
  /** NCHW, inferred when possible (the first conv's input channels at 224 px; [1, F] for a linear first layer). */
  inputShape?: number[];
  /** For a state dict: the key it sits under in a checkpoint dict ("state_dict"), when it is not the file itself. */
  stateDictKey?: string;
}

const INSPECT_TIMEOUT_MS = 5 * 60_000;

/**
 * Reads the file with torch. A state dict is an answer (kind 'stateDict'), not an error, so the caller can say its
 * sentence; a file that is no PyTorch model throws notAModel; a pickled module whose class cannot be imported
 * throws conversionFailed naming the class.
 */
export async function inspectPytorchFile(python: string, modelPath: string, signal?: AbortSignal, onLog?: (line: string) => void): Promise<PytorchFileInfo> {
  await checkPytorchFile(modelPath);
  const what = `Reading ${basename(modelPath)}`;
  const outcome = await runTorchHelper({ python, args: ['inspect', modelPath], what, timeoutMs: INSPECT_TIMEOUT_MS, signal, onLog });
  if (!outcome.ok) throw failureError(outcome.failure, { file: modelPath, python, what });
  const r = outcome.result;
  const kind = r.kind === 'torchscript' || r.kind === 'pickledModule' || r.kind === 'stateDict' ? r.kind : 'pickledModule';
  const info: PytorchFileInfo = { kind };
  if (typeof r.className === 'string') info.className = r.className;
  if (Array.isArray(r.inputShape) && r.inputShape.every((d) => Number.isInteger(d) && d > 0)) info.inputShape = r.inputShape as number[];
  if (typeof r.stateDictKey === 'string') info.stateDictKey = r.stateDictKey;
  return info;
}
