// Node-only: tells a model file's format from its first and last 64 KB and its folder's names, before any loader
// reads it whole, and refuses a format Layer Lens cannot open with the sentence that says what to run.
import { constants } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LayerLensError } from '../../shared/errors';
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
  if (!probe) return 'unknown';
  const kind = sniffModelFormat(probe);
  const sentence = cannotOpenSentence(resolve(modelPath), kind);
  if (sentence) throw new LayerLensError('notAModel', sentence);
  return kind;
}
