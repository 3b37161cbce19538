// Node-only adapter of dataset examples: image folders on disk, the on-disk cache store, the model's hash.
// The engine and the CLI import this file; the rest of src/core/topk stays free of Node APIs.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { LayerLensError } from '../../shared/errors';
import type { TopkFile } from '../topk/findTopImages';
import type { TopkCacheStore } from '../topk/topkCache';

export const IMAGE_EXTENSIONS = /\.(png|jpe?g|webp|gif|bmp)$/i;

/** One file on disk as a TopkFile (stat now, bytes when read). */
export function nodeTopkFile(path: string): TopkFile {
  const abs = resolve(path);
  const st = statSync(abs);
  return { path: abs, size: st.size, mtimeMs: st.mtimeMs, read: () => readFile(abs) };
}

/**
 * Every image under `dir` (recursively; by extension; hidden folders skipped), sorted by path relative to `dir`
 * so that the order, and with it the tie-breaking between equal scores, is the same on every machine.
 */
export function listImageFiles(dir: string): TopkFile[] {
  const root = resolve(dir);
  let st;
  try {
    st = statSync(root);
  } catch {
    throw new LayerLensError('notFound', `The image folder ${root} does not exist.`);
  }
  if (!st.isDirectory()) throw new LayerLensError('badArgument', `${root} is not a folder of images.`);
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile() && IMAGE_EXTENSIONS.test(entry.name)) found.push(p);
    }
  };
  walk(root);
  const key = (p: string): string => relative(root, p).split(sep).join('/');
  found.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return found.map(nodeTopkFile);
}

/** A cache folder (created on first write); files are replaced atomically (temp file + rename). */
export function nodeCacheStore(dir: string): TopkCacheStore {
  return {
    async read(name) {
      try {
        return await readFile(join(dir, name));
      } catch {
        return undefined;
      }
    },
    async write(name, bytes) {
      mkdirSync(dir, { recursive: true });
      const temp = join(dir, `.${name}.${process.pid}.${Date.now()}.tmp`);
      writeFileSync(temp, bytes);
      renameSync(temp, join(dir, name));
    },
  };
}

/**
 * SHA-256 of the model's bytes: the file itself and, for a TF.js model.json, the weight shards its manifest names
 * (those that exist), so retrained weights under the same model.json miss the cache.
 */
export function hashModelFile(modelPath: string): string {
  const hash = createHash('sha256');
  const bytes = readFileSync(modelPath);
  hash.update(bytes);
  if (modelPath.toLowerCase().endsWith('.json')) {
    try {
      const json = JSON.parse(bytes.toString('utf8')) as { weightsManifest?: { paths?: string[] }[] };
      for (const group of json.weightsManifest ?? []) {
        for (const p of group.paths ?? []) {
          try {
            hash.update(readFileSync(join(dirname(modelPath), p)));
          } catch {
            hash.update(`missing:${p}`);
          }
        }
      }
    } catch {
      // Not JSON: the loader reports that; the hash of the bytes is still a fine key.
    }
  }
  return hash.digest('hex');
}
