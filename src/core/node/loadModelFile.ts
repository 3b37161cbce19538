// Node-only: opens a model file on disk (its weight files read through nodeModelFiles, inside its folder).
import type { LoadedModel } from '../model/loadedModel';
import { loadModelFiles } from '../model/loadModel';
import type { ModelLoadOptions } from '../model/loadOptions';
import { HANDLING } from '../../shared/modelFormat';
import { checkModelFormat } from './modelFormatCheck';
import { nodeModelFiles } from './nodeModelFiles';
import { openPytorchModel } from './pytorchModelHook';

export async function loadModel(path: string, options: ModelLoadOptions = {}): Promise<LoadedModel> {
  // The format is told from the file's first and last bytes before any loader reads it whole: a format Layer Lens
  // cannot open is refused at once with the command that converts it, and a PyTorch file goes to its conversion.
  const kind = await checkModelFormat(path);
  if (HANDLING[kind] === 'pytorch') return openPytorchModel(path, kind, options);
  return loadModelFiles(nodeModelFiles(path), options);
}
