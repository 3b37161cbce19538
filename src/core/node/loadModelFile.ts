// Node-only: opens a model file on disk (its weight files read through nodeModelFiles, inside its folder).
import type { LoadedModel } from '../model/loadedModel';
import { loadModelFiles } from '../model/loadModel';
import type { ModelLoadOptions } from '../model/loadOptions';
import { nodeModelFiles } from './nodeModelFiles';

export function loadModel(path: string, options: ModelLoadOptions = {}): Promise<LoadedModel> {
  return loadModelFiles(nodeModelFiles(path), options);
}
