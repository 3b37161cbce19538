// Node-only: a quick look at a file's first bytes, so that a file that cannot be PyTorch's is refused at once
// instead of after starting Python and importing torch (seconds).
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { LayerLensError } from '../../../shared/errors';
import { quoteName } from '../../../shared/userText';

/**
 * Throws notFound for a missing path, notAModel for a folder or a file that is neither a zip archive (TorchScript
 * and torch.save since 1.6), a pickle (torch.save's legacy format) nor a tar archive (torch.save before 0.4).
 */
export async function checkPytorchFile(path: string): Promise<void> {
  const st = await stat(path).catch(() => undefined);
  if (!st) throw new LayerLensError('notFound', `${quoteName(path)} was not found.`);
  if (!st.isFile()) throw new LayerLensError('notAModel', `${quoteName(path)} is not a file.`);
  const head = new Uint8Array(512);
  const handle = await open(path, 'r');
  let length: number;
  try {
    ({ bytesRead: length } = await handle.read(head, 0, head.length, 0));
  } finally {
    await handle.close();
  }
  const zip = length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5) && (head[3] === 4 || head[3] === 6);
  const pickle = length >= 2 && head[0] === 0x80 && head[1] >= 2 && head[1] <= 5;
  const tar = length >= 262 && String.fromCharCode(...head.subarray(257, 262)) === 'ustar';
  if (!zip && !pickle && !tar) {
    throw new LayerLensError('notAModel', `${quoteName(basename(path))} is not a PyTorch model file (it is neither the zip archive that torch.jit.save and torch.save write nor a pickle).`);
  }
}
