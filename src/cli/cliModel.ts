// The model a command runs: the options of every command that runs a model on images, and the one way the model
// is opened (size checked, backend started, model loaded), so that each command names the same faults in one order.
import type { LoadedModel } from '../core/model/loadedModel';
import { loadModel } from '../core/node/loadModelFile';
import { backendOption, type Options } from './cliArgs';
import { startBackend } from './cliBackend';
import { inputSizeOf, inputSizeOption } from './inputSizeOption';
import { preprocessOption } from './preprocessOption';

/** --input-size, --resize, --resize-size, --normalize and --backend: what a command running a model on images takes. */
export const imageModelOptions: Options = { ...inputSizeOption, ...preprocessOption, ...backendOption };

/**
 * The model at `modelPath`: --input-size is checked first (a bad one is named before the backend starts), then the
 * backend --backend asks for is started and the model loaded at that size. The caller disposes it.
 */
export async function openCliModel(values: Record<string, unknown>, modelPath: string): Promise<LoadedModel> {
  const options = inputSizeOf(values);
  await startBackend(values.backend);
  return loadModel(modelPath, options);
}
