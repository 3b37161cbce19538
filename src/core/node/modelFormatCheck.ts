// Node-only: tells a model file's format from its first and last 64 KB and its folder's names, before any loader
// reads it whole, and refuses a format Layer Lens cannot open with the sentence that says what to run.
import { constants } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { LayerLensError } from '../../shared/errors';
import { SNIFF_HEAD_BYTES, SNIFF_TAIL_BYTES, sniffModelFormat, type FormatProbe, type ModelFormatKind } from '../../shared/modelFormat';
import { cannotOpenSentence } from '../../shared/modelFormatAdvice';

/**
 * The probe of a path: its head and tail bytes when it is a regular file, the names beside it (or inside it, for
 * a folder). Undefined when the path cannot be read: the loaders then give their own sentence (missing file, FIFO).
 */
export async function probeModelPath(modelPath: string): Promise<FormatProbe | undefined> {
  const path = resolve(modelPath);
  const st = await stat(path).catch(() => undefined);
  if (!st) return undefined;
  if (st.isDirectory()) {
    const inside = await readdir(path).catch(() => [] as string[]);
    return { name: basename(path), head: new Uint8Array(0), isFolder: true, siblings: inside };
  }
  // Only a regular file is opened here: a FIFO or a device is left to the loaders, which refuse it without blocking.
  if (!st.isFile()) return undefined;
  const siblings = await readdir(dirname(path)).catch(() => [] as string[]);
  // Non-blocking, as in regularFile.ts: a FIFO swapped in after the stat must not block the open.
  const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)).catch(() => undefined);
  if (!handle) return undefined;
  try {
    const head = await readAt(handle, 0, Math.min(st.size, SNIFF_HEAD_BYTES));
    const tailLength = Math.min(st.size, SNIFF_TAIL_BYTES);
    const tail = st.size > SNIFF_HEAD_BYTES ? await readAt(handle, st.size - tailLength, tailLength) : head;
    return { name: basename(path), head, tail, size: st.size, siblings };
  } finally {
    await handle.close();
  }
}

async function readAt(handle: Awaited<ReturnType<typeof open>>, position: number, length: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(bytes, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return bytes.subarray(0, filled);
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
