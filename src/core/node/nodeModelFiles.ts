// Node-only adapter: reads a model's files from disk and refuses every name that leaves the model's folder,
// symbolic links included (checked on the real path).
import { readFile, realpath } from 'node:fs/promises';
import { dirname, basename, join, resolve, sep } from 'node:path';
import { LayerLensError } from '../../shared/errors';
import { normalizeInside, type ModelFiles } from '../io/modelFiles';

export function nodeModelFiles(modelPath: string): ModelFiles {
  const path = resolve(modelPath);
  const folder = dirname(path);
  const ownName = basename(path);
  return {
    path,
    async read(relative: string): Promise<Uint8Array> {
      const inside = normalizeInside(relative);
      if (inside === null) throw escapeError(path, relative);
      const target = join(folder, ...inside.split('/'));
      const isModel = inside === ownName;
      let real: string;
      try {
        real = await realpath(target);
      } catch (e) {
        throw readError(e, path, target, isModel);
      }
      const realFolder = await realpath(folder);
      if (!real.startsWith(realFolder + sep)) throw escapeError(path, relative);
      try {
        const buffer = await readFile(real);
        return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      } catch (e) {
        throw readError(e, path, target, isModel);
      }
    },
  };
}

function escapeError(modelPath: string, relative: string): LayerLensError {
  return new LayerLensError('pathEscape', `${modelPath} names the file "${relative}", which lies outside the model's folder, so it was not read.`);
}

function readError(e: unknown, modelPath: string, target: string, isModel: boolean): LayerLensError {
  const code = e && typeof e === 'object' && 'code' in e ? String((e as { code: unknown }).code) : '';
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return isModel
      ? new LayerLensError('notFound', `${modelPath} does not exist.`)
      : new LayerLensError('missingWeights', `The weight file ${target} named in ${modelPath} does not exist.`);
  }
  if (code === 'EISDIR') return new LayerLensError('notAModel', `${target} is a folder, not a model file.`);
  const why = e instanceof Error ? e.message.replace(/\.$/, '') : String(e);
  return new LayerLensError(isModel ? 'notFound' : 'missingWeights', `${target} could not be read (${why}).`);
}
