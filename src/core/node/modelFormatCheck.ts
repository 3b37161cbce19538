// Node-only: tells a model file's format from its first and last 64 KB and its folder's names, before any loader
// reads it whole, and refuses a format Layer Lens cannot open with the sentence that says what to run.
import { constants } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LayerLensError } from '../../shared/errors';
import { notRegularClause } from './regularFile';
import { sniffModelFormat, type FormatProbe, type ModelFormatKind } from '../../shared/modelFormat';
import { cannotOpenSentence } from '../../shared/modelFormatAdvice';
import { probeIoOverNodeFs, probeModelPath as probeWith, type ProbeIo } from '../../shared/modelFormatProbe';

/** The probe through Node's fs. The Layers tree makes the same one on its side (the host may not import core). */
export const nodeProbeIo: ProbeIo = probeIoOverNodeFs({
  stat: (path) => stat(path),
  readdir: (path) => readdir(path),
  openNonBlocking: (path) => open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)),
});

export function probeModelPath(modelPath: string): Promise<FormatProbe | undefined> {
  return probeWith(resolve(modelPath), nodeProbeIo);
}

/** The file's format; throws 'notAModel' with the conversion sentence for a format Layer Lens cannot open. */
export async function checkModelFormat(modelPath: string): Promise<ModelFormatKind> {
  const probe = await probeModelPath(modelPath);
  if (!probe) {
    // A device, pipe or socket: said as what it is, before a loader tries to read it.
    const clause = await stat(modelPath).then(notRegularClause, () => undefined);
    if (clause) throw new LayerLensError('notAModel', `${resolve(modelPath)} ${clause}, so it holds no model.`);
    return 'unknown';
  }
  const kind = sniffModelFormat(probe);
  const sentence = cannotOpenSentence(resolve(modelPath), kind);
  if (sentence) throw new LayerLensError('notAModel', sentence);
  if (probe.isFolder && kind === 'unknown') throw new LayerLensError('notAModel', folderSentence(resolve(modelPath), probe.siblings ?? []));
  return kind;
}

/** A folder given as the model: the model files inside it, when there are any, are what to give instead. */
function folderSentence(path: string, names: readonly string[]): string {
  const models = names.filter((n) => /^model\.json$|\.(onnx|keras|h5|hdf5)$/i.test(n)).sort();
  const inside = models.length > 0
    ? `give the model file inside it (${models.slice(0, 3).join(', ')}${models.length > 3 ? ', …' : ''})`
    : 'it holds no TF.js model.json, .onnx file or Keras .keras/.h5 file';
  return `${path} is a folder, not a model file: ${inside}.`;
}
