// Node-only: converted PyTorch files kept in a cache folder, never beside the user's file. Keyed by the file's
// SHA-256 and the input shape: root/<sha256>/<1x3x224x224>/<stem>.onnx (+ .json: what the conversion reported),
// and root/<sha256>/inferred.json: the shape inferred from the file, so a cached model opens without Python.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, extname, isAbsolute, join } from 'node:path';
import { LayerLensError } from '../../../shared/errors';
import { quoteName } from '../../../shared/userText';
import { checkPytorchFile } from './pytorchFileCheck';
import { checkInputShape, convertPytorchFile, type ConvertPytorchResult } from './convertPytorch';

export interface CachedConversionRequest {
  cacheRoot: string;
  /** Called only when Python is needed (a cache miss): finds the interpreter. */
  python: () => Promise<string>;
  modelPath: string;
  /** NCHW; inferred from the file when absent (the first conv's channels at 224 px). */
  inputShape?: number[];
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
  onLog?: (line: string) => void;
  /** How the caller asks for an input shape ("with --input-shape N,C,H,W"), for the sentences that need one. */
  shapeHint?: string;
}

export interface CachedConversion extends ConvertPytorchResult {
  cached: boolean;
}

/** $XDG_CACHE_HOME/layer-lens/converted, else ~/.cache/layer-lens/converted. */
export function pytorchCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'layer-lens', 'converted');
}

export async function cachedPytorchConversion(req: CachedConversionRequest): Promise<CachedConversion> {
  const file = quoteName(basename(req.modelPath));
  if (req.inputShape) checkInputShape(req.inputShape, file);
  await checkPytorchFile(req.modelPath);
  req.onProgress?.(`Hashing ${basename(req.modelPath)}`);
  const hash = await sha256File(req.modelPath, req.signal);
  const dir = join(req.cacheRoot, hash);

  // What an earlier run learned about the file: its kind, and the shape inferred from it.
  const known = await readJson<Pick<ConvertPytorchResult, 'kind' | 'inputShape'>>(join(dir, 'inferred.json'));
  const inputShape = req.inputShape ?? known?.inputShape;
  if (inputShape) {
    const hit = await cached(onnxPathFor(dir, inputShape, req.modelPath));
    if (hit) return hit;
  }
  // Without a shape, the conversion infers it and the ONNX is then moved to its shape's folder.
  const outPath = inputShape ? onnxPathFor(dir, inputShape, req.modelPath) : join(dir, `inferring-${process.pid}.onnx`);
  const result = await convertPytorchFile({
    python: await req.python(),
    modelPath: req.modelPath,
    inputShape,
    outPath,
    signal: req.signal,
    onProgress: req.onProgress,
    onLog: req.onLog,
    shapeHint: req.shapeHint,
  });
  if (!inputShape) {
    await writeJsonAtomically(join(dir, 'inferred.json'), { kind: result.kind, inputShape: result.inputShape });
    const finalPath = onnxPathFor(dir, result.inputShape, req.modelPath);
    await mkdir(dirname(finalPath), { recursive: true });
    await rename(outPath, finalPath);
    result.onnxPath = finalPath;
  }
  await writeJsonAtomically(`${result.onnxPath}.json`, result);
  return { ...result, cached: false };
}

function onnxPathFor(dir: string, inputShape: readonly number[], modelPath: string): string {
  return join(dir, inputShape.join('x'), `${basename(modelPath, extname(modelPath)) || 'model'}.onnx`);
}

async function cached(onnxPath: string): Promise<CachedConversion | undefined> {
  const done = await readJson<ConvertPytorchResult>(`${onnxPath}.json`);
  if (!done || !(await stat(onnxPath).catch(() => undefined))?.isFile()) return undefined;
  return { ...done, onnxPath, cached: true };
}

export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  const stream = createReadStream(path, signal ? { signal } : {});
  try {
    for await (const chunk of stream) hash.update(chunk as Buffer);
  } catch (err) {
    if (signal?.aborted) throw new LayerLensError('cancelled', `Hashing ${quoteName(basename(path))} was cancelled.`);
    throw new LayerLensError('notFound', `${quoteName(path)} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'read error'}).`);
  }
  return hash.digest('hex');
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

async function writeJsonAtomically(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.partial-${process.pid}`;
  await writeFile(tmp, JSON.stringify(value));
  await rename(tmp, path);
}
