// Node-only: a torchvision model built by the user's Python and exported to ONNX with its module tree, beside
// a sidecar with ImageNet preprocessing.
import { LayerLensError } from '../../../shared/errors';

export interface TorchvisionExportRequest {
  python: string;
  name: string;
  pretrained: boolean;
  outDir: string;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

export async function exportTorchvision(req: TorchvisionExportRequest): Promise<{ modelPath: string; sidecarPath: string }> {
  throw new LayerLensError('internal', `torchvision ${req.name} cannot be exported yet.`);
}
