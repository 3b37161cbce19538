// Node-only: reads a file only when it is a regular file of bounded size, so that a named pipe, a device
// (/dev/zero, /dev/stdin, behind a symbolic link or not), a socket or a folder is refused at once instead of
// hanging the reader or filling memory. The kind is checked with stat before opening, and again on the open
// descriptor: the open is non-blocking (a FIFO swapped in between would otherwise block until a writer comes).
import { constants, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';

/** Model files: ONNX's protobuf cannot exceed 2 GiB, and TF.js shards are 4 MB by default. */
export const MAX_MODEL_FILE_BYTES = 2 * 1024 ** 3;
/** Image files: a 50-megapixel image (the decoders' limit) is at most ~200 MB even uncompressed (BMP, RGBA). */
export const MAX_IMAGE_FILE_BYTES = 256 * 1024 ** 2;

/** Why a file was not read; `message` is a clause that follows the file's name ("is a named pipe, not a file"). */
export class FileRefusal extends Error {
  constructor(
    readonly kind: 'notFound' | 'notRegular' | 'folder' | 'tooLarge' | 'loop' | 'unreadable',
    message: string,
  ) {
    super(message);
    this.name = 'FileRefusal';
  }
}

// O_NONBLOCK does not exist on Windows, where opening a pipe's path does not block either.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

export async function readRegularFile(path: string, limit: number): Promise<Uint8Array> {
  checkKind(await stat(path).catch((e: unknown) => refuse(e)), limit);
  const handle = await open(path, OPEN_FLAGS).catch((e: unknown) => refuse(e));
  try {
    const size = checkKind(await handle.stat(), limit);
    const bytes = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(bytes, filled, size - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled === size ? bytes : bytes.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/** What a path is when it is not a regular file (following links), as a clause; undefined for a regular file. */
export function notRegularClause(st: Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'is a folder, not a file';
  if (st.isFIFO()) return 'is a named pipe (FIFO), not a file';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'is a device, not a file';
  if (st.isSocket()) return 'is a socket, not a file';
  return 'is not a regular file';
}

function checkKind(st: Stats, limit: number): number {
  const clause = notRegularClause(st);
  if (clause) throw new FileRefusal(st.isDirectory() ? 'folder' : 'notRegular', clause);
  if (st.size > limit) throw new FileRefusal('tooLarge', `is ${megabytes(st.size)}, over the ${megabytes(limit)} limit`);
  return st.size;
}

/** Maps a file system error to a refusal; a FileRefusal passes through. */
export function refuse(e: unknown): never {
  if (e instanceof FileRefusal) throw e;
  const code = e && typeof e === 'object' && 'code' in e ? String((e as { code: unknown }).code) : '';
  if (code === 'ENOENT' || code === 'ENOTDIR') throw new FileRefusal('notFound', 'does not exist');
  if (code === 'ELOOP') throw new FileRefusal('loop', 'is a symbolic link that loops back on itself');
  if (code === 'EISDIR') throw new FileRefusal('folder', 'is a folder, not a file');
  if (code === 'EACCES' || code === 'EPERM') throw new FileRefusal('unreadable', 'cannot be read (permission denied)');
  // Node's own texts name its internals (codes, argument names); the user gets the reason in words.
  throw new FileRefusal('unreadable', `could not be read (${SYSTEM_REASONS[code] ?? 'the system refused to read it'})`);
}

const SYSTEM_REASONS: Readonly<Record<string, string>> = {
  ENAMETOOLONG: 'its name is too long for the file system',
  ERR_INVALID_ARG_VALUE: 'its name holds a NUL character',
  ERR_INVALID_ARG_TYPE: 'its name holds a NUL character',
  EIO: 'an input/output error',
  EMFILE: 'too many files are open',
  ENFILE: 'too many files are open',
  EBUSY: 'it is busy',
  ENXIO: 'it is a device without a reader',
};

function megabytes(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}
