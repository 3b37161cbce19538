// The one entry point for opening a model file: dispatches on the extension.
import { LayerLensError } from '../../shared/errors';
import { nodeModelFiles } from '../io/nodeModelFiles';
import type { LoadedModel } from './loadedModel';
import { loadTfjsModel } from './tfjsLoad';

export async function loadModel(path: string): Promise<LoadedModel> {
  const lower = path.toLowerCase();
  const files = nodeModelFiles(path);
  if (lower.endsWith('.json')) return loadTfjsModel(files);
  if (lower.endsWith('.onnx')) {
    // Imported lazily: the ONNX importer (protobuf decoding, op table) is only paid for by ONNX users.
    const bytes = await files.read(files.path.split(/[\\/]/).pop() as string);
    // src/core/onnx/loadOnnx.ts is written by the ONNX importer's author: loadOnnxModel(bytes, path).
    const { loadOnnxModel } = await import('../onnx/loadOnnx');
    return loadOnnxModel(bytes, files.path);
  }
  throw new LayerLensError('notAModel', `${path} is not a model file Layer Lens can open (expected a TF.js model.json or an .onnx file).`);
}
