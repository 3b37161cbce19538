// Node-only: an image file on disk → decoded pixels → the model's input tensor, with one-sentence errors
// naming the file. The engine and the CLI both start here.
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { decodeImage, webpWasmConfigured } from '../image';
import { useWebpWasmFromDisk, WEBP_WASM_FILE } from './nodeWebpWasm';
import type { DecodedImage } from '../image/types';
import type { LoadedModel } from '../model/loadedModel';
import { preprocess, resolveInputSpec } from '../preprocess';
import { withImageSize } from '../preprocess/imageInputSize';
import { readSidecar } from './readSidecar';
import { FileRefusal, MAX_IMAGE_FILE_BYTES, readRegularFile } from './regularFile';
import { LayerLensError } from '../../shared/errors';
import type { InputSpec } from '../../shared/model';

export async function readImageFile(path: string): Promise<DecodedImage> {
  configureWebp();
  let bytes: Uint8Array;
  try {
    bytes = await readRegularFile(path, MAX_IMAGE_FILE_BYTES);
  } catch (e) {
    const refusal = e instanceof FileRefusal ? e : new FileRefusal('unreadable', `could not be read (${e instanceof Error ? e.message : String(e)})`);
    if (refusal.kind === 'notFound') throw new LayerLensError('notFound', `${path} does not exist.`);
    const code = refusal.kind === 'tooLarge' ? 'imageTooLarge' : refusal.kind === 'unreadable' ? 'notFound' : 'notAnImage';
    throw new LayerLensError(code, `${path} ${refusal.message}, so it was not read as an image.`);
  }
  return decodeImage(bytes, basename(path));
}

/** The input spec of a model: its sidecar (if any) over defaults from the input shape, then settings on top. */
export async function modelInputSpec(model: LoadedModel, settings?: Partial<InputSpec>): Promise<InputSpec> {
  return resolveInputSpec(model.info, await readSidecar(model.info.path), settings);
}

/** Reads, decodes and preprocesses an image for a model: NHWC [1, H, W, C]; the caller disposes the tensor. */
export async function loadModelInput(
  model: LoadedModel,
  imagePath: string,
  settings?: Partial<InputSpec>,
): Promise<{ input: tf.Tensor4D; spec: InputSpec; image: DecodedImage }> {
  let spec = await modelInputSpec(model, settings);
  const image = await readImageFile(imagePath);
  // A model with no size of its own but the default runs at the image's size.
  const sized = withImageSize(model.info, image, settings);
  if (sized !== settings) spec = await modelInputSpec(model, sized);
  return { input: preprocess(image, spec), spec, image };
}

/** The bundles find webp_dec.wasm beside themselves; run from source, in node_modules. */
function configureWebp(): void {
  if (webpWasmConfigured()) return;
  const here = typeof __dirname === 'string' ? __dirname : dirname(process.argv[1] ?? '.');
  useWebpWasmFromDisk(existsSync(join(here, WEBP_WASM_FILE)) ? here : undefined);
}
