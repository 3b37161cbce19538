// What a request was doing and on which file, for the sentence that replaces an error that is not ours.
import type { FailureContext } from '../shared/foreignErrors';

/** Each method's work, as the subject of the sentence that says it failed. */
const ACTIONS: Record<string, string> = {
  init: 'Starting the engine',
  loadModel: 'Loading the model',
  kernels: 'Drawing the kernels',
  'featureMaps.open': 'Computing the feature maps',
  'featureMaps.layer': 'Reading the feature maps',
  'topk.find': 'Finding the top images',
  actmax: 'Activation maximization',
  'atlas.run': 'Building the atlas',
  'pytorch.inspect': 'Reading the PyTorch file',
  'pytorch.convert': 'Converting the PyTorch file to ONNX',
  'torchvision.export': 'Exporting the torchvision model',
  'unit.page': 'Computing the unit page',
};

export function failureContext(method: string, params: unknown): FailureContext {
  const named = params && typeof params === 'object' ? (params as { modelPath?: unknown; path?: unknown }) : {};
  const modelPath = named.modelPath ?? named.path;
  return {
    action: Object.prototype.hasOwnProperty.call(ACTIONS, method) ? ACTIONS[method] : 'The engine',
    file: typeof modelPath === 'string' && modelPath !== '' ? modelPath : undefined,
    details: 'the Layer Lens output channel has the details',
  };
}
