// What the format sniffer reads of a path: its first and last bytes, its size and the names beside it (or inside
// it, for a folder). The file system comes in as `ProbeIo`, so the engine and CLI (src/core/node) and the Layers
// tree (src/host) read the same bytes the same way, each with its own room's fs.
import { SNIFF_HEAD_BYTES, SNIFF_TAIL_BYTES, type FormatProbe } from './modelFormat';

export interface ProbeIo {
  /** What the path is (links followed), or undefined when it cannot be seen. */
  stat(path: string): Promise<{ kind: 'file' | 'folder' | 'other'; size: number } | undefined>;
  /** The names in a folder ([] when it cannot be listed). */
  list(folder: string): Promise<string[]>;
  /** `length` bytes from `position` of a regular file (fewer at its end); rejects when it cannot be read. */
  read(path: string, position: number, length: number): Promise<Uint8Array>;
}

/** The few calls of Node's fs/promises the probe uses, handed in by a room that may import Node (this one may not). */
export interface NodeFsCalls {
  stat(path: string): Promise<{ isFile(): boolean; isDirectory(): boolean; size: number }>;
  readdir(path: string): Promise<string[]>;
  /** Opens read-only without blocking: a FIFO swapped in after the stat must not block the engine or the host. */
  openNonBlocking(path: string): Promise<{
    read(bytes: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
    close(): Promise<void>;
  }>;
}

/** ProbeIo over Node's file system (the engine and CLI pass theirs, the Layers tree its own: the same reads). */
export function probeIoOverNodeFs(fs: NodeFsCalls): ProbeIo {
  return {
    stat: async (path) => {
      const st = await fs.stat(path).catch(() => undefined);
      if (!st) return undefined;
      return { kind: st.isFile() ? 'file' : st.isDirectory() ? 'folder' : 'other', size: st.size };
    },
    list: (folder) => fs.readdir(folder).catch(() => [] as string[]),
    read: async (path, position, length) => {
      const handle = await fs.openNonBlocking(path);
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
}

/**
 * The probe of a path, or undefined when it is neither a regular file nor a folder, or cannot be read: the
 * loaders then give their own sentence (a missing file, a FIFO, a device).
 */
export async function probeModelPath(path: string, io: ProbeIo): Promise<FormatProbe | undefined> {
  const st = await io.stat(path);
  const name = path.split(/[\\/]/).filter((p) => p !== '').pop() ?? path;
  if (!st || st.kind === 'other') return undefined;
  if (st.kind === 'folder') return { name, head: new Uint8Array(0), isFolder: true, siblings: await io.list(path) };
  const folder = path.replace(/[\\/][^\\/]*$/, '') || '/';
  try {
    const head = await io.read(path, 0, Math.min(st.size, SNIFF_HEAD_BYTES));
    const tailLength = Math.min(st.size, SNIFF_TAIL_BYTES);
    const tail = st.size > head.length ? await io.read(path, st.size - tailLength, tailLength) : head;
    return { name, head, tail, size: st.size, siblings: await io.list(folder) };
  } catch {
    return undefined;
  }
}
