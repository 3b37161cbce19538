// Where the ONNX converted from a .pt/.pth lives: the extension's storage, never the user's folder, in a folder
// named by the file's SHA-256 and the input shape (`converted/<sha256>-1x3x224x224/<stem>.onnx`), so an unchanged
// file opens again without Python and an edited one is converted anew. The ONNX keeps the .pt's stem because the
// engine names a model after its file; the folder also holds anything the exporter writes beside it.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';

/** `1x3x224x224`: the shape part of a cache folder's name. */
export function shapeKey(shape: readonly number[]): string {
  return shape.join('x');
}

/** The cache folder's name for one file's contents at one input shape. */
export function convertedFolderName(sha256: string, shape: readonly number[]): string {
  return `${sha256}-${shapeKey(shape)}`;
}

/** The ONNX of `sourcePath` (whose contents hash to `sha256`) converted at `shape`, under `root`. */
export function convertedOnnxPath(root: string, sha256: string, shape: readonly number[], sourcePath: string): string {
  return path.join(root, convertedFolderName(sha256, shape), `${stemOf(sourcePath)}.onnx`);
}

export function stemOf(file: string): string {
  const base = path.basename(file);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** Hex SHA-256 of a file's bytes, read as a stream (a .pt can be hundreds of MB). */
export function sha256OfFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/**
 * The newest ONNX already converted from contents hashing to `sha256` (at any shape), or undefined. Folders whose
 * name does not match exactly, or that hold no `<stem>.onnx`, do not count (a conversion still being written lives
 * in a `.partial-*` folder until it is complete).
 */
export async function findConverted(root: string, sha256: string, sourcePath: string): Promise<string | undefined> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return undefined;
  }
  const pattern = new RegExp(`^${sha256}-\\d+(x\\d+)*$`);
  const found: { file: string; mtimeMs: number }[] = [];
  for (const name of names.filter((n) => pattern.test(n))) {
    const file = path.join(root, name, `${stemOf(sourcePath)}.onnx`);
    const s = await stat(file).catch(() => undefined);
    if (s?.isFile()) found.push({ file, mtimeMs: s.mtimeMs });
  }
  found.sort((a, b) => b.mtimeMs - a.mtimeMs);
  return found[0]?.file;
}
