// The entry names of a zip archive, from its first and last bytes only: a .pt of hundreds of megabytes is told
// apart (TorchScript, pickled module, Keras 3) without reading it whole. Pure byte work, no decompression.

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL = 0x06054b50;
/** Entry names beyond this are not needed to tell a format, and a hostile archive may claim millions. */
const MAX_NAMES = 4096;

/**
 * Names of the entries found in the central directory (when it lies inside `tail`) and in the local headers
 * that `head` holds. `size` is the file's size, so that offsets in the directory can be placed in `tail`.
 */
export function zipEntryNames(head: Uint8Array, tail: Uint8Array | undefined, size: number | undefined): string[] {
  const names = new Set<string>(localNames(head));
  if (tail && size !== undefined) for (const n of centralNames(tail, size)) names.add(n);
  return [...names];
}

function u16(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8);
}

function u32(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

function localNames(head: Uint8Array): string[] {
  const out: string[] = [];
  let at = 0;
  while (at + 30 <= head.length && out.length < MAX_NAMES && u32(head, at) === LOCAL_HEADER) {
    const flags = u16(head, at + 6);
    const compressed = u32(head, at + 18);
    const nameLength = u16(head, at + 26);
    const extraLength = u16(head, at + 28);
    if (at + 30 + nameLength > head.length) break;
    out.push(decoder.decode(head.subarray(at + 30, at + 30 + nameLength)));
    // A size written after the data (flag bit 3) or a zip64 size cannot be skipped from the header alone.
    if (flags & 0x08 || compressed === 0xffffffff) break;
    at += 30 + nameLength + extraLength + compressed;
  }
  return out;
}

function centralNames(tail: Uint8Array, size: number): string[] {
  const tailStart = size - tail.length;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (u32(tail, i) !== END_OF_CENTRAL) continue;
    const count = u16(tail, i + 10);
    const offset = u32(tail, i + 16) - tailStart;
    if (offset < 0 || offset >= tail.length) return [];
    const out: string[] = [];
    let at = offset;
    for (let n = 0; n < Math.min(count, MAX_NAMES) && at + 46 <= tail.length && u32(tail, at) === CENTRAL_HEADER; n++) {
      const nameLength = u16(tail, at + 28);
      const extraLength = u16(tail, at + 30);
      const commentLength = u16(tail, at + 32);
      if (at + 46 + nameLength > tail.length) break;
      out.push(decoder.decode(tail.subarray(at + 46, at + 46 + nameLength)));
      at += 46 + nameLength + extraLength + commentLength;
    }
    return out;
  }
  return [];
}
