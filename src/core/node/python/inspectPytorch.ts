// Node-only: what a .pt/.pth holds (TorchScript, a pickled nn.Module or a state dict), read by the user's Python.
import { LayerLensError } from '../../../shared/errors';

export type PytorchFileKind = 'torchscript' | 'pickledModule' | 'stateDict';

export interface PytorchFileInfo {
  kind: PytorchFileKind;
  className?: string;
  /** NCHW, inferred when possible (first conv's in_channels; 224 px by default). */
  inputShape?: number[];
}

export async function inspectPytorchFile(python: string, modelPath: string, signal?: AbortSignal): Promise<PytorchFileInfo> {
  void python;
  void signal;
  throw new LayerLensError('internal', `${modelPath} cannot be read yet.`);
}
