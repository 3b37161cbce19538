// A click on a layer in the Layers view: the open feature-maps panel switches to it, an open kernels panel
// switches to it when it has kernels; with neither open, a conv layer opens its kernels.
import type { ModelRegistry } from '../models/modelRegistry';
import { convLayers, KernelsPanel, type KernelsDeps } from '../panels/kernelsPanel';
import { currentPanel } from '../panels/panelKinds';
import type { LayerTarget } from './commandArgs';

export async function selectLayer(deps: KernelsDeps & { registry: ModelRegistry }, target: LayerTarget): Promise<void> {
  const { modelPath, layerId } = target;
  if (!modelPath || !layerId) return;
  const hasKernels = convLayers(await deps.registry.info(modelPath)).some((l) => l.id === layerId);
  const maps = currentPanel('featureMaps');
  if (maps) maps.showLayer(layerId, modelPath);
  if (hasKernels && (currentPanel('kernels') || !maps)) KernelsPanel.createOrShow(deps, modelPath, layerId);
}
