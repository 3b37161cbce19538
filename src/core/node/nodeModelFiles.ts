// Node-only adapter: reads a model's files from disk. The model file itself may be a symbolic link anywhere (a
// Hugging Face or DVC cache stores `snapshots/<rev>/model.onnx -> ../../blobs/<sha>`). Every other file it names
// must lie lexically inside the model's folder, and when it is a link, its target must be a file inside that
// folder's real path or inside the cache folder of the model file (Hugging Face's blobs/, DVC's md5/). Only
// regular files of bounded size are read: a FIFO or a device never hangs or floods the engine.
import { realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { LayerLensError } from '../../shared/errors';
import { normalizeInside, type ModelFiles } from '../io/modelFiles';
import { FileRefusal, MAX_MODEL_FILE_BYTES, readRegularFile, refuse } from './regularFile';

export function nodeModelFiles(modelPath: string, limit = MAX_MODEL_FILE_BYTES): ModelFiles {
  const path = resolve(modelPath);
  const folder = dirname(path);
  const ownName = basename(path);
  let roots: Promise<string[]> | undefined;
  // Where a linked file named by the model may point: the folder's real path and the model file's real folder.
  const allowedRoots = (): Promise<string[]> =>
    (roots ??= Promise.all([
      realpath(folder),
      realpath(path).then(cacheFolder, () => undefined),
    ]).then((list) => [...new Set(list.filter((p): p is string => p !== undefined))]));
  return {
    path,
    async read(relative: string): Promise<Uint8Array> {
      const inside = normalizeInside(relative);
      if (inside === null) throw escapeError(path, relative);
      const target = join(folder, ...inside.split('/'));
      const isModel = inside === ownName;
      try {
        const real = await realpath(target).catch((e: unknown) => refuse(e));
        if (!isModel) {
          const within = (await allowedRoots()).some((root) => real.startsWith(root.endsWith(sep) ? root : root + sep));
          if (!within) throw escapeError(path, relative);
        }
        return await readRegularFile(real, limit);
      } catch (e) {
        if (e instanceof LayerLensError) throw e;
        throw readError(e, path, target, isModel);
      }
    },
  };
}

/**
 * The cache folder a linked model file lives in: its own folder (Hugging Face's blobs/), or, in DVC's cache,
 * which fans files out by the first two hex digits of their hash (files/md5/ab/cdef…), the folder above that.
 */
function cacheFolder(realModelPath: string): string {
  const own = dirname(realModelPath);
  return /^[0-9a-f]{2}$/.test(basename(own)) && /^[0-9a-f]{30,}$/.test(basename(realModelPath)) ? dirname(own) : own;
}

function escapeError(modelPath: string, relative: string): LayerLensError {
  return new LayerLensError('pathEscape', `${modelPath} names the file "${relative}", which lies outside the model's folder, so it was not read.`);
}

function readError(e: unknown, modelPath: string, target: string, isModel: boolean): LayerLensError {
  const refusal = e instanceof FileRefusal ? e : undefined;
  if (!refusal) {
    try {
      refuse(e);
    } catch (mapped) {
      return readError(mapped, modelPath, target, isModel);
    }
  }
  if (refusal.kind === 'notFound') {
    return isModel
      ? new LayerLensError('notFound', `${modelPath} does not exist.`)
      : new LayerLensError('missingWeights', `The weight file ${target} named in ${modelPath} does not exist.`);
  }
  if (isModel) return new LayerLensError('notAModel', `${modelPath} ${refusal.message}, so it was not opened as a model.`);
  return new LayerLensError('badWeights', `${target}, named in ${modelPath}, ${refusal.message}, so it was not read.`);
}
