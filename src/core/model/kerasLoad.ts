// Keras files → LoadedModel: a Keras 3 .keras (a zip of metadata.json, config.json and model.weights.h5) or a
// legacy .h5 (HDF5: the model_config attribute and the model_weights group), told apart by their bytes. The
// config is turned into tfjs-layers' form (kerasConfig), checked like a model.json's topology, built with
// zero weights, and filled from the HDF5 file (kerasWeights); the result is the same LoadedModel a model.json
// gives, so everything after loading is shared.
import * as tfl from '@tensorflow/tfjs-layers';
import { unzipSync } from 'fflate';
import { LayerLensError } from '../../shared/errors';
import { jsonProblem } from '../../shared/userText';
import { baseName, type ModelFiles } from '../io/modelFiles';
import type { LoadedModel } from './loadedModel';
import type { ModelLoadOptions } from './loadOptions';
import { sidecarInputSize, type InputSizeRequest } from './assumedInputSize';
import { isObject, kerasModelConfig } from './kerasConfig';
import { isHdf5, openHdf5, type Hdf5File } from './kerasHdf5';
import { assignKerasWeights, keras3Locator, legacyLocator } from './kerasWeights';
import { tfjsReason } from './tfjsReason';
import { validateLayersTopology } from './validateLayersTopology';
import { wrapLayersModel } from './tfjsLayersModel';

/** The model file extensions this loader opens. */
export const KERAS_EXTENSIONS = ['.keras', '.h5', '.hdf5'] as const;

/** A .keras's config.json and metadata.json: a model config is JSON, never near this. */
const MAX_JSON_BYTES = 64 * 1024 ** 2;
/** Its model.weights.h5, unpacked in memory: as a model file may be (ONNX's own 2 GiB limit). */
const MAX_WEIGHTS_BYTES = 2 * 1024 ** 3 - 1;

export function isKerasPath(path: string): boolean {
  const lower = path.toLowerCase();
  return KERAS_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

export async function loadKerasModel(files: ModelFiles, options: ModelLoadOptions = {}): Promise<LoadedModel> {
  const path = files.path;
  const size: InputSizeRequest = { option: options.inputSize, sidecar: await sidecarInputSize(files) };
  const bytes = await files.read(baseName(path));
  const name = baseName(path).replace(/\.(keras|h5|hdf5)$/i, '') || 'model';
  if (isZip(bytes)) {
    const archive = readArchive(bytes, path);
    const h5 = await openHdf5(archive.weights, path, `The model.weights.h5 inside ${path}`);
    try {
      return await build(archive.config, (model) => assignKerasWeights(model, h5, keras3Locator(h5, archive.config), 'perLayer', path, `The model.weights.h5 inside ${path}`), path, name, size);
    } finally {
      h5.close();
    }
  }
  if (isHdf5(bytes)) {
    const h5 = await openHdf5(bytes, path, path);
    try {
      const config = legacyConfig(h5, path);
      const root = h5.members('model_weights') ? 'model_weights' : '';
      // Keras 3 writes its own config form into a .h5 too; the weights stay in the legacy layout either way.
      return await build(config, (model) => assignKerasWeights(model, h5, legacyLocator(h5, root), 'whole', path, path), path, name, size);
    } finally {
      h5.close();
    }
  }
  throw new LayerLensError('notAModel', `${path} is neither a Keras 3 .keras archive (a zip file) nor a Keras .h5 (HDF5) file.`);
}

async function build(rawConfig: unknown, fill: (model: tfl.LayersModel) => void, path: string, name: string, size: InputSizeRequest): Promise<LoadedModel> {
  const config = kerasModelConfig(rawConfig, path);
  validateLayersTopology(config, path);
  let model: tfl.LayersModel;
  try {
    model = await tfl.models.modelFromJSON({ modelTopology: config } as unknown as Parameters<typeof tfl.models.modelFromJSON>[0]);
  } catch (e) {
    if (e instanceof LayerLensError) throw e;
    const why = tfjsReason(e);
    throw new LayerLensError('malformedModel', `${path} has a layer configuration TensorFlow.js cannot build${why ? ` (${why})` : ''}.`);
  }
  try {
    fill(model);
  } catch (e) {
    model.dispose();
    if (e instanceof LayerLensError) throw e;
    const why = tfjsReason(e);
    throw new LayerLensError('badWeights', `The weights of ${path} do not fit its layers${why ? ` (${why})` : ''}.`);
  }
  return wrapLayersModel(model, path, name, size);
}

function legacyConfig(h5: Hdf5File, path: string): unknown {
  const text = h5.text('/', 'model_config');
  if (text === undefined) {
    if (h5.texts('/', 'layer_names')) {
      throw new LayerLensError(
        'notAModel',
        `${path} holds only weights (saved with save_weights), not the model's layers; save the whole model with model.save() to open it.`,
      );
    }
    throw new LayerLensError('notAModel', `${path} is an HDF5 file but not a Keras model (it has no model_config).`);
  }
  return parseJson(text, `The model config of ${path}`);
}

interface Archive {
  config: unknown;
  weights: Uint8Array;
}

const WANTED: Readonly<Record<string, number>> = { 'config.json': MAX_JSON_BYTES, 'metadata.json': MAX_JSON_BYTES, 'model.weights.h5': MAX_WEIGHTS_BYTES };

function readArchive(bytes: Uint8Array, path: string): Archive {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: (file) => {
        const limit = WANTED[file.name];
        if (limit === undefined) return false;
        // The size the zip declares is checked before anything is inflated: a zip bomb is refused unread.
        if (file.originalSize > limit) {
          throw new LayerLensError(
            'badWeights',
            `${path} claims ${file.name} unpacks to ${megabytes(file.originalSize)}, over the ${megabytes(limit)} a Keras file's ${file.name} may take, so it was not unpacked.`,
          );
        }
        return true;
      },
    });
  } catch (e) {
    if (e instanceof LayerLensError) throw e;
    throw new LayerLensError('malformedModel', `${path} is a damaged or cut-short zip archive, not a readable Keras 3 .keras file.`);
  }
  const config = entries['config.json'];
  const weights = entries['model.weights.h5'];
  if (!config) {
    throw new LayerLensError('notAModel', `${path} is a zip archive without config.json, so it is not a Keras 3 .keras model.`);
  }
  if (!weights) {
    throw new LayerLensError('missingWeights', `${path} has no model.weights.h5, so the model's weights are missing.`);
  }
  const parsed = parseJson(new TextDecoder().decode(config), `The config.json inside ${path}`);
  return { config: parsed, weights };
}

function parseJson(text: string, what: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    if (!isObject(value)) throw new LayerLensError('notAModel', `${what} is not a JSON object describing a model.`);
    return value;
  } catch (e) {
    if (e instanceof LayerLensError) throw e;
    throw new LayerLensError('notJson', `${what} cannot be read: ${jsonProblem(text, e)}.`);
  }
}

function isZip(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function megabytes(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}
