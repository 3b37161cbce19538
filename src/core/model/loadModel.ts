// The one entry point for opening a model: dispatches on the model file's extension. Files arrive through the
// ModelFiles seam, so this runs wherever the bytes come from (src/core/node/loadModelFile.ts reads them from disk).
import { LayerLensError } from '../../shared/errors';
import { baseName, type ModelFiles } from '../io/modelFiles';
import type { LoadedModel } from './loadedModel';
import { loadTfjsModel } from './tfjsLoad';
import type { ModelLoadOptions } from './loadOptions';
import { chooseInputSize } from './assumedInputSize';

export async function loadModelFiles(files: ModelFiles, options: ModelLoadOptions = {}): Promise<LoadedModel> {
  const path = files.path;
  const lower = path.toLowerCase();
  if (lower.endsWith('.json')) return loadTfjsModel(files, options);
  if (lower.endsWith('.onnx')) {
    // Imported lazily: the ONNX importer (protobuf decoding, op table) is only paid for by ONNX users.
    const bytes = await files.read(baseName(path));
    // src/core/onnx/loadOnnx.ts is written by the ONNX importer's author: loadOnnxModel(bytes, path).
    const { loadOnnxModel } = await import('../onnx/loadOnnx');
    // External data (weights in other files of the model's folder) is read through the same seam, inside the folder.
    const model = await loadOnnxModel(bytes, path, (name) => files.read(name));
    // ONNX inputs are fixed at load: a requested size may only repeat it.
    const [, h, w] = model.info.inputShape;
    try {
      if (options.inputSize) chooseInputSize([h ?? null, w ?? null], { option: options.inputSize }, path);
    } catch (e) {
      model.dispose();
      throw e;
    }
    return model;
  }
  if (lower.endsWith('.keras') || lower.endsWith('.h5') || lower.endsWith('.hdf5')) {
    // Imported lazily: the HDF5 library (wasm) is only paid for by Keras users.
    const { loadKerasModel } = await import('./kerasLoad');
    return loadKerasModel(files, options);
  }
  throw new LayerLensError('notAModel', `${path} is not a model file Layer Lens can open (expected a TF.js model.json, an .onnx file or a Keras .keras/.h5 file).`);
}
