// The Layers tree's "cannot open" state: a model file of a format Layer Lens does not read (TFLite, SavedModel,
// safetensors, …) is told by its bytes here in the host, exactly as the engine tells it, so the tree shows it with
// its sentence and conversion command at once, without starting the engine or loading anything.
import { constants } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { sniffModelFormat } from '../../shared/modelFormat';
import { cannotOpenSentence } from '../../shared/modelFormatAdvice';
import { probeIoOverNodeFs, probeModelPath, type ProbeIo } from '../../shared/modelFormatProbe';

const hostProbeIo: ProbeIo = probeIoOverNodeFs({
  stat: (path) => stat(path),
  readdir: (path) => readdir(path),
  // Non-blocking: a FIFO must never block the extension host.
  openNonBlocking: (path) => open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)),
});

/** The sentence for a file Layer Lens cannot open (what it is and the command to run), or undefined. */
export async function cannotOpenReason(modelPath: string): Promise<string | undefined> {
  const probe = await probeModelPath(modelPath, hostProbeIo).catch(() => undefined);
  return probe ? cannotOpenSentence(modelPath, sniffModelFormat(probe)) : undefined;
}
