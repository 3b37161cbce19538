import type { KernelsParams, KernelsResult } from '../../shared/kernelsProtocol';
import type { ModelCache } from '../modelCache';
import { computeKernelTiles } from '../../core/kernels/kernelTiles';

export async function kernelsHandler(models: ModelCache, params: KernelsParams): Promise<KernelsResult> {
  const model = await models.get(params.modelPath);
  return computeKernelTiles(model, params.layerId, { mode: params.mode, normalize: params.normalize });
}
