// Node-only: a TorchScript or pickled-module .pt/.pth converted to ONNX by the user's Python, module names kept.
import { LayerLensError } from '../../../shared/errors';

export interface ConvertPytorchRequest {
  python: string;
  modelPath: string;
  inputShape: number[];
  outPath: string;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

export interface ConvertPytorchResult {
  onnxPath: string;
  inputShape: number[];
  kind: 'torchscript' | 'pickledModule';
}

export async function convertPytorchToOnnx(req: ConvertPytorchRequest): Promise<ConvertPytorchResult> {
  throw new LayerLensError('internal', `${req.modelPath} cannot be converted yet.`);
}
