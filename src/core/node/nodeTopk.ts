// Node-only adapter of dataset examples: image folders on disk and the on-disk cache store.
// The engine and the CLI import this file; the rest of src/core/topk stays free of Node APIs.
import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync, type Dirent } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { LayerLensError } from '../../shared/errors';
import type { TopkFile } from '../topk/findTopImages';
import type { TopkCacheStore } from '../topk/topkCache';
import { FileRefusal, MAX_IMAGE_FILE_BYTES, notRegularClause, readRegularFile, refuse } from './regularFile';

export const IMAGE_EXTENSIONS = /\.(png|jpe?g|webp|gif|bmp)$/i;

/**
 * One file on disk as a TopkFile (stat now, bytes when read). Only a regular file of at most 256 MiB is read; a
 * path that is anything else (a FIFO, a device, a folder, a looping link) becomes a file whose read rejects with
 * the reason, so top-k skips and counts it like every other bad file and nothing blocks on it.
 */
export function nodeTopkFile(path: string): TopkFile {
  const abs = resolve(path);
  let st;
  try {
    st = statSync(abs);
  } catch (e) {
    return refusedFile(abs, e);
  }
  const clause = notRegularClause(st);
  if (clause) return refusedFile(abs, new FileRefusal('notRegular', clause));
  return { path: abs, size: st.size, mtimeMs: st.mtimeMs, read: () => readRegularFile(abs, MAX_IMAGE_FILE_BYTES).catch((e: unknown) => Promise.reject(skipReason(e))) };
}

function refusedFile(path: string, e: unknown): TopkFile {
  const reason = skipReason(e);
  return { path, size: 0, mtimeMs: 0, read: () => Promise.reject(reason) };
}

/** The top-k skip list reads "<name> could not be read (<this>)": "it is a named pipe (FIFO), not a file". */
function skipReason(e: unknown): Error {
  try {
    refuse(e);
  } catch (refusal) {
    return new Error(`it ${(refusal as Error).message}`);
  }
}

/**
 * Every image under `dir` (recursively; by extension; hidden folders skipped), sorted by path relative to `dir`
 * so that the order, and with it the tie-breaking between equal scores, is the same on every machine. Entries
 * named like images that are not regular files (a folder `x.png/`, a FIFO, a device, a link that loops or
 * dangles) are listed too, as files whose read fails with the reason: top-k then skips and counts them. Linked
 * folders are not followed (a link back up the tree would never end).
 */
export function listImageFiles(dir: string): TopkFile[] {
  const walk = walkImageFiles(dir);
  for (;;) {
    const step = walk.next();
    if (step.done) return step.value;
  }
}

export interface ListingOptions {
  /** The count of image files found so far, at most once per `everyMs` while the walk goes on (not at its end). */
  onCount?: (found: number) => void;
  /** Least time between two counts; default LISTING_REPORT_MS. */
  everyMs?: number;
  /** Stops the walk between two folders (or LISTING_STEP entries) with a 'cancelled' error. */
  signal?: AbortSignal;
}

/** Counts arrive this often while a large folder is listed: a panel's line moves, the messages stay few. */
export const LISTING_REPORT_MS = 200;
/** Entries handled between two pauses of the walk (within one large folder, and while files are looked at). */
const LISTING_STEP = 512;

/**
 * listImageFiles without blocking: the walk pauses between folders and every few hundred entries, reports the
 * count found so far (throttled, see ListingOptions) and lets the event loop run, so an engine sends the count and
 * reads a cancel while a folder of a million images is listed. Same files, same order as listImageFiles.
 */
export async function listImageFilesAsync(dir: string, options: ListingOptions = {}): Promise<TopkFile[]> {
  const everyMs = options.everyMs ?? LISTING_REPORT_MS;
  const walk = walkImageFiles(dir);
  let last = Date.now();
  for (;;) {
    const step = walk.next();
    if (step.done) return step.value;
    if (Date.now() - last < everyMs) continue;
    options.onCount?.(step.value);
    await new Promise<void>((go) => setImmediate(go));
    if (options.signal?.aborted) throw new LayerLensError('cancelled', `Listing ${resolve(dir)} was cancelled.`);
    last = Date.now();
  }
}

/**
 * The walk behind both listings: yields the count of image files found so far after every folder read and every
 * LISTING_STEP entries (also while the found files are looked at), returns the sorted files.
 */
function* walkImageFiles(dir: string): Generator<number, TopkFile[]> {
  const root = resolve(dir);
  let st;
  try {
    st = statSync(root);
  } catch {
    throw new LayerLensError('notFound', `The image folder ${root} does not exist.`);
  }
  if (!st.isDirectory()) throw new LayerLensError('badArgument', `${root} is not a folder of images.`);
  const found: string[] = [];
  const unreadable: TopkFile[] = [];
  // Depth first with an explicit stack (a generator cannot yield from a nested callback); children are pushed in
  // reverse so the walk reads folders in the order readdir gives them.
  const stack = [root];
  while (stack.length > 0) {
    const d = stack.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch (e) {
      // The root was checked above; a subfolder that cannot be listed is one bad entry, not a failed run.
      if (d !== root) unreadable.push(refusedFile(d, e));
      else throw new LayerLensError('notFound', `The image folder ${root} could not be read (${(e as Error).message}).`);
      continue;
    }
    const subfolders: string[] = [];
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.name.startsWith('.')) continue;
      const p = join(d, entry.name);
      const imageName = IMAGE_EXTENSIONS.test(entry.name);
      if (entry.isDirectory() && !imageName) subfolders.push(p);
      // A folder named like an image, or anything but a regular file: nodeTopkFile turns it into a skip.
      else if (imageName) found.push(p);
      if (i % LISTING_STEP === LISTING_STEP - 1) yield found.length;
    }
    for (let i = subfolders.length - 1; i >= 0; i--) stack.push(subfolders[i]!);
    yield found.length;
  }
  const files: TopkFile[] = [];
  for (let i = 0; i < found.length; i++) {
    files.push(nodeTopkFile(found[i]!));
    if (i % LISTING_STEP === LISTING_STEP - 1) yield found.length;
  }
  files.push(...unreadable);
  const key = (p: string): string => relative(root, p).split(sep).join('/');
  return files.sort((a, b) => (key(a.path) < key(b.path) ? -1 : key(a.path) > key(b.path) ? 1 : 0));
}

/** A cached result is a few numbers per channel and image path; anything larger is not one of ours. */
const MAX_CACHE_FILE_BYTES = 256 * 1024 ** 2;

/** A cache folder (created on first write); files are replaced atomically (temp file + rename). */
export function nodeCacheStore(dir: string): TopkCacheStore {
  return {
    async read(name) {
      try {
        // A miss, whatever sits there: a FIFO or a device under the cache's name must not block the run.
        return await readRegularFile(join(dir, name), MAX_CACHE_FILE_BYTES);
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
