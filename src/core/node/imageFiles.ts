// Node-only: an image file on disk → decoded pixels → the model's input tensor, with one-sentence errors
// naming the file. The engine and the CLI both start here.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { decodeImage, webpWasmConfigured } from '../image';
import { useWebpWasmFromDisk, WEBP_WASM_FILE } from './nodeWebpWasm';
import type { DecodedImage } from '../image/types';
import type { LoadedModel } from '../model/loadedModel';
import { preprocess, resolveInputSpec } from '../preprocess';
import { readSidecar } from './readSidecar';
import { LayerLensError } from '../../shared/errors';
import type { InputSpec } from '../../shared/model';

export async function readImageFile(path: string): Promise<DecodedImage> {
  configureWebp();
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ENOENT') throw new LayerLensError('notFound', `${path} does not exist.`);
    if (code === 'EISDIR') throw new LayerLensError('notAnImage', `${path} is a folder, not an image.`);
    throw new LayerLensError('notFound', `${path} could not be read (${e instanceof Error ? e.message : String(e)}).`);
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
  const spec = await modelInputSpec(model, settings);
  const image = await readImageFile(imagePath);
  return { input: preprocess(image, spec), spec, image };
}

/** The bundles find webp_dec.wasm beside themselves; run from source, in node_modules. */
function configureWebp(): void {
  if (webpWasmConfigured()) return;
  const here = typeof __dirname === 'string' ? __dirname : dirname(process.argv[1] ?? '.');
  useWebpWasmFromDisk(existsSync(join(here, WEBP_WASM_FILE)) ? here : undefined);
}
