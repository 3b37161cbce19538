// The Layers tree's "cannot open" state: a model file of a format Layer Lens does not read (TFLite, SavedModel,
// safetensors, …) is told by its bytes here in the host, exactly as the engine tells it, so the tree shows it with
// its sentence and conversion command at once, without starting the engine or loading anything.
import { constants } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { sniffModelFormat } from '../../shared/modelFormat';
import { cannotOpenSentence } from '../../shared/modelFormatAdvice';
import { probeModelPath, type ProbeIo } from '../../shared/modelFormatProbe';

const hostProbeIo: ProbeIo = {
  stat: async (path) => {
    const st = await stat(path).catch(() => undefined);
    if (!st) return undefined;
    return { kind: st.isFile() ? 'file' : st.isDirectory() ? 'folder' : 'other', size: st.size };
  },
  list: (folder) => readdir(folder).catch(() => [] as string[]),
  read: async (path, position, length) => {
    // Non-blocking: a FIFO must never block the extension host.
    const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    try {
      const bytes = new Uint8Array(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(bytes, filled, length - filled, position + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return bytes.subarray(0, filled);
    } finally {
      await handle.close();
    }
  },
};

/** The sentence for a file Layer Lens cannot open (what it is and the command to run), or undefined. */
export async function cannotOpenReason(modelPath: string): Promise<string | undefined> {
  const probe = await probeModelPath(modelPath, hostProbeIo).catch(() => undefined);
  return probe ? cannotOpenSentence(modelPath, sniffModelFormat(probe)) : undefined;
}
